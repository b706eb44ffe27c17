using System.Text;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Trie;

namespace Lockstep.Differential.Tests;

/// <summary>How a transaction's top frame ended (the Yellow Paper's three outcomes).</summary>
public enum OutcomeKind { Success, Revert, Halt }

/// <summary>A log as both engines report it.</summary>
public sealed record LogDump(Address Address, Hash256[] Topics, byte[] Data)
{
    public override string ToString() =>
        $"{Address} [{string.Join(", ", Topics.Select(t => t.ToString()))}] {Hex.Encode(Data)}";
}

/// <summary>An account after the transaction, in engine-neutral form.</summary>
public sealed class AccountDump
{
    public ulong Nonce { get; init; }
    public UInt256 Balance { get; init; }
    public byte[] Code { get; init; } = [];
    /// <summary>Non-zero slots only.</summary>
    public SortedDictionary<UInt256, UInt256> Storage { get; init; } = new();
}

/// <summary>Everything the differential tests compare between the two engines.</summary>
public sealed class Outcome
{
    public OutcomeKind Kind { get; init; }
    public long GasUsed { get; init; }
    public byte[] Output { get; init; } = [];
    public IReadOnlyList<LogDump> Logs { get; init; } = [];
    /// <summary>Every existing account after the transaction (at least every touched one).</summary>
    public SortedDictionary<Address, AccountDump> Accounts { get; init; } = new();
    public Hash256 StateRoot { get; init; }
    /// <summary>Engine-specific detail for failure messages (error text, halt reason).</summary>
    public string Detail { get; init; } = "";

    /// <summary>
    /// The state root (Yellow Paper 4.1) of <paramref name="accounts"/>, built with our own trie: a secure trie
    /// keyed by keccak(address) of RLP([nonce, balance, storageRoot, codeHash]), each storage root a secure trie
    /// keyed by keccak(slot) of RLP(trimmed value).
    /// </summary>
    public static Hash256 ComputeRoot(SortedDictionary<Address, AccountDump> accounts)
    {
        var accountTrie = new SecureTrie();
        var rlp = new RlpWriter(128);
        Span<byte> key = stackalloc byte[32];
        foreach ((Address address, AccountDump a) in accounts)
        {
            var storage = new SecureTrie();
            foreach ((UInt256 slot, UInt256 value) in a.Storage)
            {
                if (value.IsZero) continue;
                slot.WriteBigEndian(key);
                rlp.Reset();
                rlp.WriteUInt256(value);
                storage.Set(key, rlp.Written);
            }
            rlp.Reset();
            rlp.StartList().WriteUInt64(a.Nonce).WriteUInt256(a.Balance).WriteHash(storage.RootHash)
                .WriteHash(Keccak256.Compute(a.Code)).EndList();
            accountTrie.Set(address.ToArray(), rlp.Written);
        }
        return accountTrie.RootHash;
    }

    /// <summary>A readable list of every difference between two outcomes; empty when they agree.</summary>
    /// <param name="ours">Our outcome.</param>
    /// <param name="theirs">Nethereum's outcome.</param>
    /// <param name="compareOutput">
    /// False for creation transactions: their output is no part of consensus (not in the receipt) and Nethereum
    /// reports the deployed code, even when the deposit failed, where execution-specs' process_create_message
    /// leaves the initcode's output (cleared on an exceptional halt).
    /// </param>
    public static List<string> Diff(Outcome ours, Outcome theirs, bool compareOutput = true)
    {
        var d = new List<string>();
        // A REVERT that happens to leave exactly zero gas looks like a halt from Nethereum's side (see NethereumRunner).
        bool revertLooksLikeHalt = ours.Kind == OutcomeKind.Revert && theirs.Kind == OutcomeKind.Halt && ours.GasUsed == theirs.GasUsed;
        if (ours.Kind != theirs.Kind && !revertLooksLikeHalt) d.Add($"status: ours={ours.Kind} nethereum={theirs.Kind}");
        if (ours.GasUsed != theirs.GasUsed) d.Add($"gas used: ours={ours.GasUsed} nethereum={theirs.GasUsed} (diff {ours.GasUsed - theirs.GasUsed})");
        if (compareOutput && !ours.Output.AsSpan().SequenceEqual(theirs.Output))
            d.Add($"return data: ours={Hex.Encode(ours.Output)} nethereum={Hex.Encode(theirs.Output)}");
        if (ours.Logs.Count != theirs.Logs.Count) d.Add($"log count: ours={ours.Logs.Count} nethereum={theirs.Logs.Count}");
        for (int i = 0; i < Math.Min(ours.Logs.Count, theirs.Logs.Count); i++)
        {
            LogDump a = ours.Logs[i], b = theirs.Logs[i];
            if (a.Address != b.Address || !a.Topics.AsSpan().SequenceEqual(b.Topics) || !a.Data.AsSpan().SequenceEqual(b.Data))
                d.Add($"log {i}: ours={a} nethereum={b}");
        }
        if (ours.StateRoot != theirs.StateRoot) d.Add($"state root: ours={ours.StateRoot} nethereum={theirs.StateRoot}");
        foreach (Address address in ours.Accounts.Keys.Union(theirs.Accounts.Keys).Order())
        {
            bool inOurs = ours.Accounts.TryGetValue(address, out AccountDump? a);
            bool inTheirs = theirs.Accounts.TryGetValue(address, out AccountDump? b);
            if (!inOurs) { d.Add($"  {address}: only in nethereum ({Describe(b!)})"); continue; }
            if (!inTheirs) { d.Add($"  {address}: only in ours ({Describe(a!)})"); continue; }
            if (a!.Nonce != b!.Nonce) d.Add($"  {address}: nonce ours={a.Nonce} nethereum={b.Nonce}");
            if (a.Balance != b.Balance)
                d.Add($"  {address}: balance ours={a.Balance.ToBigInteger()} nethereum={b.Balance.ToBigInteger()}");
            if (!a.Code.AsSpan().SequenceEqual(b.Code)) d.Add($"  {address}: code ours={Hex.Encode(a.Code)} nethereum={Hex.Encode(b.Code)}");
            foreach (UInt256 slot in a.Storage.Keys.Union(b.Storage.Keys).Order())
            {
                a.Storage.TryGetValue(slot, out UInt256 va);
                b.Storage.TryGetValue(slot, out UInt256 vb);
                if (va != vb) d.Add($"  {address}[{Word(slot)}]: ours={Word(va)} nethereum={Word(vb)}");
            }
        }
        return d;
    }

    private static string Word(UInt256 v) => Hex.Encode(v.ToBigEndianTrimmed());

    private static string Describe(AccountDump a) =>
        $"nonce {a.Nonce}, balance {a.Balance.ToBigInteger()}, code {a.Code.Length} bytes, {a.Storage.Count} slots";

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append($"{Kind} gas={GasUsed} out={Hex.Encode(Output)} logs={Logs.Count} root={StateRoot} {Detail}");
        return sb.ToString();
    }
}
