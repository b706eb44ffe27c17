using System.Numerics;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Util;

namespace Lockstep.SystemContracts.Tests;

/// <summary>Independent encoders (Nethereum.ABI, Nethereum's Keccak) for expected values.</summary>
internal static class Oracle
{
    public static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);

    public static byte[] Selector(string signature) => Keccak(System.Text.Encoding.ASCII.GetBytes(signature))[..4];

    /// <summary>Calldata by Nethereum's FunctionCallEncoder: address as hex string, uint256 as BigInteger, bytes as byte[].</summary>
    public static byte[] Call(string signature, params (string Type, object Value)[] args)
    {
        var parameters = args.Select((a, i) => new Parameter(a.Type, i + 1)).ToArray();
        string sha = Convert.ToHexStringLower(Selector(signature));
        return Hex.Decode(new FunctionCallEncoder().EncodeRequest(sha, parameters, args.Select(a => a.Value).ToArray()));
    }

    /// <summary>abi.encode by Nethereum's ParametersEncoder.</summary>
    public static byte[] Encode(params (string Type, object Value)[] args) =>
        new ParametersEncoder().EncodeParameters(args.Select((a, i) => new Parameter(a.Type, i + 1)).ToArray(), args.Select(a => a.Value).ToArray());

    /// <summary>The 4-byte selector of a custom error followed by its abi-encoded arguments.</summary>
    public static byte[] Error(string signature, params (string Type, object Value)[] args) => Call(signature, args);

    public static BigInteger Big(ulong v) => new(v);

    public static string Hex40(Address a) => a.ToString();
}

/// <summary>
/// A reference incremental Merkle tree written from the definition, independent of MessageTreeLib: the root of the
/// full depth-32 tree whose leaves after the appended ones are zero, hashed level by level with Nethereum's Keccak;
/// bytes32(0) when there are no leaves (the root slot is never written then).
/// </summary>
internal static class ReferenceTree
{
    public static Hash256 Root(IReadOnlyList<Hash256> leaves)
    {
        if (leaves.Count == 0) return Hash256.Zero;
        var level = leaves.Select(l => l.ToArray()).ToList();
        byte[] zero = new byte[32];
        for (int h = 0; h < 32; h++)
        {
            if (level.Count % 2 == 1) level.Add(zero);
            var next = new List<byte[]>(level.Count / 2);
            for (int i = 0; i < level.Count; i += 2) next.Add(Oracle.Keccak([.. level[i], .. level[i + 1]]));
            level = next;
            zero = Oracle.Keccak([.. zero, .. zero]);
        }
        return new Hash256(level[0]);
    }
}

/// <summary>
/// Several rollups as ContractHarness instances with the system contracts predeployed; the test plays the
/// sequencer: it decodes the requests of a user transaction and sends the protocol calls on the destinations.
/// Every message that entered a tree is recorded, so the reference roots can be recomputed. Each successful
/// transaction counts as a block of its own: with <see cref="AutoFold"/> (the default) it is followed by the
/// end-of-block <c>MessageTrees.fold()</c> from PROTOCOL_SENDER, as the sequencer does.
/// </summary>
internal sealed class RollupSet
{
    public static readonly Address Admin = Address.FromHex("0x00000000000000000000000000000000000ad111");
    public static readonly Address Alice = Address.FromHex("0x00000000000000000000000000000000000a11ce");
    public static readonly Address Bob = Address.FromHex("0x0000000000000000000000000000000000000b0b");
    public static readonly Address Carol = Address.FromHex("0x00000000000000000000000000000000000ca201");
    public static readonly UInt256 InitialLst = new(1_000_000_000_000_000_000UL); // 10^18

    public ulong[] Ids { get; }
    private readonly Dictionary<ulong, ContractHarness> _chains = new();
    public Dictionary<(ulong Source, ulong Destination), List<Hash256>> Outbox { get; } = new();
    public Dictionary<(ulong Source, ulong Destination), List<Hash256>> Inbox { get; } = new();

    public RollupSet(int count, PredeployOptions? options = null)
    {
        Ids = Enumerable.Range(0, count).Select(i => 901UL + (ulong)i).ToArray();
        options ??= new PredeployOptions
        {
            Admin = Admin,
            TokenHomeChainId = Ids[0],
            TokenHolders = [new(Alice, InitialLst), new(Bob, InitialLst)],
        };
        foreach (ulong id in Ids)
        {
            var chain = new ContractHarness { ChainId = id };
            Predeploys.Apply(chain.State, id, Ids, options);
            _chains[id] = chain;
            foreach (ulong other in Ids)
            {
                if (other == id) continue;
                Outbox[(id, other)] = [];
                Inbox[(other, id)] = [];
            }
        }
    }

    public ContractHarness this[ulong chainId] => _chains[chainId];

    /// <summary>Fold the trees after every successful <see cref="Send"/> and <see cref="Deliver"/> (a block each).</summary>
    public bool AutoFold { get; set; } = true;

    /// <summary>The end-of-block protocol call <c>MessageTrees.fold()</c> on <paramref name="chainId"/>; asserts it succeeds.</summary>
    public TransactionResult Fold(ulong chainId)
    {
        TransactionResult r = _chains[chainId].Send(SystemAddresses.ProtocolSender, SystemAddresses.MessageTrees, SystemCalldata.Fold(),
            gas: MessageTreesLayout.FoldGasLimit(Ids.Length));
        Assert.True(r.Success, $"fold on {chainId} failed: {r.Status} 0x{Hex.Encode(r.Output)}");
        return r;
    }

    /// <summary>Sends a user transaction on <paramref name="chainId"/> and records the requests it emitted.</summary>
    public TransactionResult Send(ulong chainId, Address from, Address to, byte[] data, UInt256 value = default, ulong? gas = null)
    {
        TransactionResult r = _chains[chainId].Send(from, to, data, value, gas);
        if (r.Success) RecordRequests(chainId, r);
        if (r.Success && AutoFold) Fold(chainId);
        return r;
    }

    public List<CrossRollupMessage> RecordRequests(ulong source, TransactionResult r)
    {
        List<CrossRollupMessage> messages = CrossRollupMessage.DecodeAll(r.Logs, source);
        foreach (CrossRollupMessage m in messages) Outbox[(m.Source, m.Destination)].Add(m.MessageHash);
        return messages;
    }

    /// <summary>The protocol transaction for <paramref name="m"/> on its destination, from PROTOCOL_SENDER.</summary>
    public TransactionResult Deliver(CrossRollupMessage m, ulong? gas = null, byte[]? calldata = null)
    {
        TransactionResult r = _chains[m.Destination].Send(SystemAddresses.ProtocolSender, m.DeliveryTo, calldata ?? m.DeliveryCalldata, gas: gas ?? m.DeliveryGas);
        if (r.Success)
        {
            Inbox[(m.Source, m.Destination)].Add(m.MessageHash);
            RecordRequests(m.Destination, r);
            if (AutoFold) Fold(m.Destination);
        }
        return r;
    }

    /// <summary>Delivers <paramref name="messages"/> and every nested request breadth-first; asserts each succeeds.</summary>
    public List<TransactionResult> DeliverAll(IEnumerable<CrossRollupMessage> messages)
    {
        var results = new List<TransactionResult>();
        var queue = new Queue<CrossRollupMessage>(messages);
        while (queue.TryDequeue(out CrossRollupMessage? m))
        {
            TransactionResult r = Deliver(m);
            Assert.True(r.Success, $"delivery of {m.Kind} {m.Source}->{m.Destination} #{m.Nonce} failed: {r.Status} 0x{Hex.Encode(r.Output)}");
            results.Add(r);
            foreach (CrossRollupMessage nested in CrossRollupMessage.DecodeAll(r.Logs, m.Destination)) queue.Enqueue(nested);
        }
        return results;
    }

    /// <summary>Every root and count, read from the documented slots, equals the reference tree of the recorded leaves.</summary>
    public void AssertTreesMatchRecords()
    {
        foreach (ulong x in Ids)
        foreach (ulong y in Ids)
        {
            if (x == y) continue;
            List<Hash256> sent = Outbox[(x, y)], received = Inbox[(x, y)];
            Assert.Equal(ReferenceTree.Root(sent), MessageTreesLayout.ReadOutboxRoot(_chains[x].State, y));
            Assert.Equal((ulong)sent.Count, MessageTreesLayout.ReadOutboxCount(_chains[x].State, y));
            Assert.Equal(ReferenceTree.Root(received), MessageTreesLayout.ReadInboxRoot(_chains[y].State, x));
            Assert.Equal((ulong)received.Count, MessageTreesLayout.ReadInboxCount(_chains[y].State, x));
        }
    }

    /// <summary>The set's invariant: outboxRoot(Y) on X == inboxRoot(X) on Y for every pair.</summary>
    public bool InvariantHolds(ulong x, ulong y) =>
        MessageTreesLayout.ReadOutboxRoot(_chains[x].State, y) == MessageTreesLayout.ReadInboxRoot(_chains[y].State, x);

    public UInt256 LstBalance(ulong chainId, Address owner) =>
        new(_chains[chainId].Call(owner, SystemAddresses.CrossRollupToken, SystemCalldata.BalanceOf(owner)).Output);

    public UInt256 LstSupply(ulong chainId) =>
        new(_chains[chainId].Call(Alice, SystemAddresses.CrossRollupToken, SystemCalldata.TotalSupply()).Output);
}
