using System.Text.Json;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Testing;

/// <summary>A compiled contract from <c>contracts/artifacts/&lt;Name&gt;.json</c>.</summary>
internal sealed record ContractArtifact(string Name, string AbiJson, byte[] Bytecode, byte[] DeployedBytecode)
{
    /// <summary>Loads <c>contracts/artifacts/<paramref name="name"/>.json</c>.</summary>
    public static ContractArtifact Load(string name)
    {
        string path = Path.Combine(RepoPaths.Root, "contracts", "artifacts", name + ".json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = doc.RootElement;
        return new ContractArtifact(name, root.GetProperty("abi").GetRawText(),
            Hex.Decode(root.GetProperty("bytecode").GetString()!), Hex.Decode(root.GetProperty("deployedBytecode").GetString()!));
    }
}

/// <summary>
/// A one-chain EVM for contract tests: an in-memory <see cref="WorldState"/> and a <see cref="TransactionProcessor"/>.
/// Every <see cref="Send"/> is a real transaction (nonce, intrinsic gas, refunds, logs) in its own block with zero
/// base fee, so tests need no funds; <see cref="Call"/> runs like <c>eth_call</c> and changes nothing.
/// ABI encoding is the test's business (for example Nethereum.ABI as an independent encoder).
/// </summary>
internal sealed class ContractHarness
{
    /// <summary>The state every transaction runs against (committed after each <see cref="Send"/>).</summary>
    public WorldState State { get; } = new();

    /// <summary>The chain id seen by CHAINID and required of nothing else (the harness does not sign).</summary>
    public ulong ChainId { get; init; } = 1;

    /// <summary>The next block's number; each <see cref="Send"/> advances it by one.</summary>
    public ulong BlockNumber { get; set; } = 1;

    /// <summary>The next block's timestamp; each <see cref="Send"/> advances it by <see cref="BlockTime"/>.</summary>
    public ulong Timestamp { get; set; } = 1_700_000_000;

    /// <summary>Seconds between the harness's blocks.</summary>
    public ulong BlockTime { get; set; } = 12;

    /// <summary>Block gas limit, also the default gas of a transaction.</summary>
    public ulong GasLimit { get; set; } = 30_000_000;

    /// <summary>Deploys <paramref name="artifact"/> with ABI-encoded constructor arguments; throws when creation fails.</summary>
    public Address Deploy(Address from, ContractArtifact artifact, byte[]? constructorArgs = null, UInt256 value = default)
    {
        byte[] init = constructorArgs is null ? artifact.Bytecode : [.. artifact.Bytecode, .. constructorArgs];
        TransactionResult result = Send(from, null, init, value);
        if (!result.Success || result.ContractAddress is not Address created)
            throw new InvalidOperationException($"deploying {artifact.Name} failed: {result.Status}, output 0x{Hex.Encode(result.Output)}");
        return created;
    }

    /// <summary>
    /// Executes a transaction from <paramref name="from"/> (its current nonce, gas price zero) in a new block and
    /// commits it. Throws when the transaction is invalid; a revert is a result, not an exception.
    /// </summary>
    public TransactionResult Send(Address from, Address? to, byte[] data, UInt256 value = default, ulong? gas = null)
    {
        var processor = new TransactionProcessor(State, NextBlock());
        var tx = new TransactionInput
        {
            Type = 0,
            Sender = from,
            To = to,
            Nonce = State.GetNonce(from),
            Value = value,
            Data = data,
            GasLimit = gas ?? GasLimit,
        };
        if (!processor.TryExecute(tx, out TransactionResult result, out InvalidTransactionReason invalid))
            throw new InvalidOperationException($"transaction from {from} is invalid: {invalid}");
        BlockNumber++;
        Timestamp += BlockTime;
        return result;
    }

    /// <summary>Runs a call like <c>eth_call</c> (no nonce check, gas price zero) and discards every change.</summary>
    public TransactionResult Call(Address from, Address to, byte[] data, UInt256 value = default, ulong? gas = null)
    {
        var processor = new TransactionProcessor(State, NextBlock()) { AutoCommit = false };
        var tx = new TransactionInput
        {
            Type = 0,
            Sender = from,
            To = to,
            Nonce = State.GetNonce(from),
            Value = value,
            Data = data,
            GasLimit = gas ?? GasLimit,
        };
        // eth_call semantics: the caller may lack the value; credit it inside the discarded transaction.
        if (!value.IsZero) State.AddBalance(from, value);
        bool valid = processor.TryExecute(tx, out TransactionResult result, out InvalidTransactionReason invalid);
        State.DiscardTransaction();
        if (!valid) throw new InvalidOperationException($"call from {from} is invalid: {invalid}");
        return result;
    }

    private BlockEnvironment NextBlock() => new()
    {
        Coinbase = Address.Zero,
        Number = BlockNumber,
        Timestamp = Timestamp,
        GasLimit = (long)GasLimit,
        BaseFee = UInt256.Zero,
        ChainId = new UInt256(ChainId),
    };
}
