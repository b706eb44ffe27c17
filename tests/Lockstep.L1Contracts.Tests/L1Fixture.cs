using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.L1Contracts.Tests;

/// <summary>
/// An L1 on our EVM with the registry, inbox and bridge deployed and wired for a set of rollups, plus helpers for
/// calls, reverts (custom-error selectors computed by Nethereum, independently of our ABI code) and superbatches.
/// </summary>
internal sealed class L1Fixture
{
    public static readonly Address Deployer = Address.FromHex("0x00000000000000000000000000000000000de910");
    public static readonly Address SequencerA = Address.FromHex("0x000000000000000000000000000000000000a0a0");
    public static readonly Address SequencerB = Address.FromHex("0x000000000000000000000000000000000000b0b0");
    public static readonly Address Challenger = Address.FromHex("0x000000000000000000000000000000000000c0c0");
    public static readonly Address User = Address.FromHex("0x0000000000000000000000000000000000005e55");
    public static readonly Address L2Withdrawals = Address.FromHex("0x0000000000000000000000000000000000001005");
    public static readonly UInt256 WithdrawalsBaseSlot = new(3);
    public static readonly UInt256 OneEther = UInt256.Parse("1000000000000000000");
    public static readonly UInt256 MinBond = OneEther;
    public const ulong RewardBps = 5000;

    public ContractHarness Chain { get; } = new() { ChainId = 900 };
    public Address Registry { get; }
    public Address Inbox { get; }
    public Address Bridge { get; }
    public IReadOnlyList<ulong> ChainIds { get; }
    public ulong Window { get; }

    public L1Fixture(IReadOnlyList<ulong>? chainIds = null, ulong window = 3600, bool eager = false, ulong epochLength = 1000,
        Address? arbiter = null, UInt256 flagBond = default)
    {
        ChainIds = chainIds ?? [101, 102];
        Window = window;
        foreach (Address a in new[] { Deployer, SequencerA, SequencerB, Challenger, User }) Fund(a, OneEther * new UInt256(1000));
        Registry = Chain.Deploy(Deployer, ContractArtifact.Load("L1SequencerRegistry"),
            SequencerRegistry.EncodeConstructorArgs(MinBond, window, epochLength, RewardBps));
        Inbox = Chain.Deploy(Deployer, ContractArtifact.Load("L1SharedInbox"),
            new SharedInboxConfig(Registry, ChainIds, window, eager) { Arbiter = arbiter ?? Address.Zero, FlagBond = flagBond }.EncodeConstructorArgs());
        Bridge = Chain.Deploy(Deployer, ContractArtifact.Load("L1Bridge"), L1Contracts.Bridge.EncodeConstructorArgs(Inbox, L2Withdrawals, WithdrawalsBaseSlot));
        Ok(Send(Deployer, Registry, SequencerRegistry.SetInbox(Inbox)));
        Ok(Send(Deployer, Inbox, SharedInbox.SetDepositQueue(Bridge)));
    }

    public void Fund(Address who, UInt256 amount)
    {
        Chain.State.AddBalance(who, amount);
        Chain.State.CommitTransaction();
    }

    public TransactionResult Send(Address from, Address to, byte[] data, UInt256 value = default) => Chain.Send(from, to, data, value);

    public TransactionResult Call(Address to, byte[] data) => Chain.Call(Deployer, to, data);

    public UInt256 CallWord(Address to, byte[] data)
    {
        TransactionResult r = Call(to, data);
        Ok(r);
        return new UInt256(r.Output.AsSpan(0, 32));
    }

    public void Bond(Address sequencer, UInt256? amount = null) => Ok(Send(sequencer, Registry, SequencerRegistry.Bond(), amount ?? MinBond));

    public static void Ok(TransactionResult r)
    {
        Assert.True(r.Success, $"expected success, got {r.Status} 0x{Hex.Encode(r.Output)}");
    }

    /// <summary>Asserts a revert with the custom error <paramref name="errorSignature"/> (selector by Nethereum's keccak).</summary>
    public static void Reverts(TransactionResult r, string errorSignature)
    {
        Assert.False(r.Success, $"expected {errorSignature}, but the call succeeded");
        string selector = Nethereum.Util.Sha3Keccack.Current.CalculateHash(errorSignature)[..8];
        Assert.True(r.Output.Length >= 4, $"expected {errorSignature}, got {r.Status} with no data");
        Assert.Equal(selector, Hex.Encode(r.Output.AsSpan(0, 4)).Replace("0x", ""));
    }

    /// <summary>Asserts a revert with L1MerkleTrieVerifier.InvalidProof(<paramref name="reason"/>).</summary>
    public static void RevertsInvalidProof(TransactionResult r, int reason)
    {
        Reverts(r, "InvalidProof(uint256)");
        Assert.Equal(new UInt256((ulong)reason), new UInt256(r.Output.AsSpan(4, 32)));
    }

    public ulong SuperbatchCount => (ulong)CallWord(Inbox, SharedInbox.SuperbatchCount());

    public Hash256 TipHash => Hash256.FromUInt256(CallWord(Inbox, SharedInbox.TipHash()));

    public bool IsFinalized(ulong index) => !CallWord(Inbox, SharedInbox.IsFinalized(index)).IsZero;

    public UInt256 Balance(Address a) => Chain.State.GetBalance(a);

    /// <summary>A superbatch at the tip covering <paramref name="blocks"/> blocks per rollup with the given roots.</summary>
    public SuperbatchSubmission NextSuperbatch(IReadOnlyList<Hash256> roots, ulong blocks = 1, ulong? depositCount = null, int dataBytes = 40,
        IReadOnlyList<RollupProofs>? eager = null)
    {
        ulong index = SuperbatchCount;
        var batches = new List<RollupBatch>();
        for (int i = 0; i < ChainIds.Count; i++)
        {
            ulong first = index == 0 ? 1 : (ulong)CallWord(Inbox, SharedInbox.LastBlockOf(index - 1, ChainIds[i])) + 1;
            byte[] data = new byte[dataBytes];
            new Random((int)(index * 31 + (ulong)i)).NextBytes(data);
            batches.Add(new RollupBatch(first, first + blocks - 1, roots[i], data));
        }
        ulong deposits = depositCount ?? 0;
        if (depositCount is null && index > 0)
        {
            // superbatch(i) returns (hash, submitter, submittedAt, depositCount): keep consuming nothing new.
            TransactionResult r = Call(Inbox, AbiValue.EncodeCall("superbatch(uint256)", AbiValue.Uint(index - 1)));
            Ok(r);
            deposits = (ulong)new UInt256(r.Output.AsSpan(96, 32));
        }
        return new SuperbatchSubmission(index, TipHash, deposits, batches, eager);
    }

    public TransactionResult Submit(Address from, SuperbatchSubmission s) => Send(from, Inbox, s.EncodeCalldata());
}
