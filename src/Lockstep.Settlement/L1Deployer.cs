using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.Settlement;

/// <summary>
/// Sends signed type-2 transactions from one key through an <see cref="IL1Client"/> and waits for their receipts
/// (deployments, deposits, withdrawal finalization; the batch poster has its own, fee-bumping sender).
/// </summary>
public sealed class L1Wallet(IL1Client l1, byte[] key)
{
    private ulong? _chainId;

    /// <summary>The key's address.</summary>
    public Address Address { get; } = Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(key);

    /// <summary>
    /// Sends a call (or a creation when <paramref name="to"/> is null) and waits for its receipt. The gas limit comes
    /// from <c>eth_estimateGas</c> (+25%), so a call that would revert throws <see cref="L1Exception"/> with the revert
    /// data and sends nothing; <paramref name="gasLimit"/> skips the estimate (to send a reverting call anyway).
    /// </summary>
    public async Task<L1Receipt> SendAsync(Address? to, byte[] data, UInt256 value = default, ulong? gasLimit = null, CancellationToken cancel = default)
    {
        _chainId ??= await l1.GetChainIdAsync(cancel).ConfigureAwait(false);
        ulong gas = gasLimit ?? (to is { } target && value.IsZero
            ? await l1.EstimateGasAsync(Address, target, data, cancel).ConfigureAwait(false) * 5 / 4 + 20_000
            : 15_000_000);
        ulong nonce = await l1.GetNonceAsync(Address, "pending", cancel).ConfigureAwait(false);
        L1FeeData fees = await l1.GetFeeDataAsync(cancel).ConfigureAwait(false);
        Transaction tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(_chainId.Value), Nonce = nonce, MaxPriorityFeePerGas = fees.PriorityFee,
            MaxFeePerGas = fees.BaseFee * new UInt256(2) + fees.PriorityFee, GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(key);
        Hash256 hash = await l1.SendRawTransactionAsync(tx.Encode(), cancel).ConfigureAwait(false);
        while (true)
        {
            L1Receipt? r = await l1.GetReceiptAsync(hash, cancel).ConfigureAwait(false);
            if (r is not null) return r;
            await Task.Delay(50, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="SendAsync"/> but throws <see cref="L1Exception"/> when the transaction reverted.</summary>
    public async Task<L1Receipt> SendCheckedAsync(Address? to, byte[] data, UInt256 value = default, CancellationToken cancel = default)
    {
        L1Receipt r = await SendAsync(to, data, value, null, cancel).ConfigureAwait(false);
        return r.Succeeded ? r : throw new L1Exception($"L1 transaction {r.TransactionHash} reverted");
    }

    /// <summary>Deploys <paramref name="initCode"/> (creation bytecode and constructor arguments); returns the new address.</summary>
    public async Task<Address> DeployAsync(byte[] initCode, CancellationToken cancel = default)
    {
        ulong nonce = await l1.GetNonceAsync(Address, "pending", cancel).ConfigureAwait(false);
        await SendCheckedAsync(null, initCode, default, cancel).ConfigureAwait(false);
        return CreateAddress(Address, nonce);
    }

    /// <summary>CREATE's address: the last 20 bytes of keccak256(rlp([sender, nonce])) (Yellow Paper 7).</summary>
    public static Address CreateAddress(Address sender, ulong nonce)
    {
        var w = new Lockstep.Primitives.Rlp.RlpWriter(32);
        w.StartList().WriteBytes(sender.ToArray()).WriteUInt64(nonce).EndList();
        return new Address(Keccak256.Compute(w.ToArray()).ToArray().AsSpan(12));
    }
}

/// <summary>Settings of <see cref="L1Deployer.DeployAsync"/>.</summary>
public sealed class L1DeployOptions
{
    /// <summary>Folder of the compiled L1 contracts (<c>contracts/artifacts</c>).</summary>
    public required string ArtifactsDir { get; init; }

    /// <summary>The rollups the inbox settles, in set order.</summary>
    public required IReadOnlyList<ulong> RollupChainIds { get; init; }

    /// <summary>Key of the funded account that deploys (and receives the L1 token supply).</summary>
    public required byte[] DeployerKey { get; init; }

    /// <summary>The sequencer to bond (funded: it sends the 1 ETH bond itself).</summary>
    public required byte[] SequencerKey { get; init; }

    /// <summary>Challenge window in seconds (also the registry's unbonding delay, which must cover it).</summary>
    public ulong ChallengeWindowSeconds { get; init; } = 60;

    /// <summary>L1LockstepToken supply minted to the deployer (1,000,000 tokens).</summary>
    public UInt256 TokenSupply { get; init; } = UInt256.Parse("1000000000000000000000000");

    /// <summary>The inbox's state-root flag arbiter (issue 6; docs/l1-contracts.md); zero (default): flags are alarms only.</summary>
    public Address Arbiter { get; init; }

    /// <summary>Wei a flagger locks when <see cref="Arbiter"/> is set (0 by default).</summary>
    public UInt256 FlagBond { get; init; }
}

/// <summary>
/// Deploys a Lockstep set's L1 contracts on any L1 (embedded L1, anvil, a testnet) with ordinary signed transactions:
/// L1SequencerRegistry (minBond 1 ETH, unbondDelay = window, epoch 1000 blocks, reward 50%), L1SharedInbox (window),
/// L1Bridge (L2Bridge at 0x…1005, withdrawals at slot 3), L1LockstepToken, then <c>setInbox</c>,
/// <c>setDepositQueue</c> and the sequencer's <c>bond()</c>.
/// </summary>
public static class L1Deployer
{
    /// <summary>
    /// The L1LockstepToken address a fresh deployment from <paramref name="deployer"/> at nonce <paramref name="nonce"/>
    /// will have (it is the 4th creation), known before deploying so the rollups' genesis can name it.
    /// </summary>
    public static Address PredictToken(Address deployer, ulong nonce) => L1Wallet.CreateAddress(deployer, nonce + 3);

    /// <summary>Deploys and wires everything; returns the addresses.</summary>
    public static async Task<L1Deployment> DeployAsync(IL1Client l1, L1DeployOptions o, CancellationToken cancel = default)
    {
        var deployer = new L1Wallet(l1, o.DeployerKey);
        UInt256 bond = UInt256.Parse("1000000000000000000");
        Address registry = await deployer.DeployAsync(InitCode(o, "L1SequencerRegistry", SequencerRegistry.EncodeConstructorArgs(bond, o.ChallengeWindowSeconds, 1000, 5000)), cancel).ConfigureAwait(false);
        Address inbox = await deployer.DeployAsync(InitCode(o, "L1SharedInbox", new SharedInboxConfig(registry, o.RollupChainIds, o.ChallengeWindowSeconds) { Arbiter = o.Arbiter, FlagBond = o.FlagBond }.EncodeConstructorArgs()), cancel).ConfigureAwait(false);
        Address bridge = await deployer.DeployAsync(InitCode(o, "L1Bridge", Bridge.EncodeConstructorArgs(inbox, Lockstep.SystemContracts.SystemAddresses.L2Bridge, L2BridgeAbi.WithdrawalsBaseSlot)), cancel).ConfigureAwait(false);
        Address token = await deployer.DeployAsync(InitCode(o, "L1LockstepToken", AbiValue.Encode(AbiValue.Uint(o.TokenSupply))), cancel).ConfigureAwait(false);
        await deployer.SendCheckedAsync(registry, SequencerRegistry.SetInbox(inbox), default, cancel).ConfigureAwait(false);
        await deployer.SendCheckedAsync(inbox, SharedInbox.SetDepositQueue(bridge), default, cancel).ConfigureAwait(false);
        await new L1Wallet(l1, o.SequencerKey).SendCheckedAsync(registry, SequencerRegistry.Bond(), bond, cancel).ConfigureAwait(false);
        return new L1Deployment(registry, inbox, bridge, token);
    }

    private static byte[] InitCode(L1DeployOptions o, string name, byte[] args)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(o.ArtifactsDir, name + ".json")));
        return [.. Hex.Decode(doc.RootElement.GetProperty("bytecode").GetString()!), .. args];
    }
}
