using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Settlement;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Fuzz.Tests;

/// <summary>
/// Random L1 events for the deposit deriver (issue 8): <see cref="DepositDeriver"/> and <see cref="DepositFeed"/> read
/// logs from a fake L1 node that returns whatever the test planted, ignoring the address and topic filters (a lying or
/// sloppy node): honest DepositQueued logs in random order and block spread, logs of other contracts and other events,
/// malformed DepositQueued data, gaps, duplicates, huge payloads. Expected deposits and their protocol transactions
/// are built here with an ABI encoder of this file (the derivation rule as docs/settlement.md states it), never with
/// the code under test. Each case must give the right deposits, or be ignored, or raise a typed error
/// (<see cref="AbiException"/>, <see cref="InvalidDataException"/>) and change nothing; never a wrong deposit.
/// </summary>
public class DepositDeriverFuzzTests
{
    private const ulong L1ChainId = 31337;
    private static readonly Address Bridge = Address.FromHex("0x00000000000000000000000000000000000b1d6e");
    private static readonly Address Impostor = Address.FromHex("0x000000000000000000000000000000000000bad0");
    private static readonly Hash256 DepositTopic = Keccak("DepositQueued(uint256,uint256,address,address,address,uint256,bytes)");

    /// <summary>A planted deposit: the event's fields as the bridge would emit them.</summary>
    private sealed record Planted(ulong ChainId, ulong Index, Address From, Address To, Address Token, UInt256 Amount, byte[] Data);

    /// <summary>An L1 node that answers every getLogs with every planted log in the block range, whatever the filters.</summary>
    private sealed class FakeL1 : IL1Client
    {
        public List<L1Log> Logs { get; } = new();
        public ulong Head { get; set; }
        public Task<ulong> GetChainIdAsync(CancellationToken cancel = default) => Task.FromResult(L1ChainId);
        public Task<ulong> GetBlockNumberAsync(CancellationToken cancel = default) => Task.FromResult(Head);
        // A dev chain: every block is final at once.
        public Task<ulong?> GetTaggedBlockNumberAsync(string tag, CancellationToken cancel = default) => Task.FromResult<ulong?>(Head);
        // One chain, never reorganized: block n's hash is keccak(n) (the feed's reorg anchors stay valid).
        public Task<Hash256?> GetBlockHashAsync(ulong number, CancellationToken cancel = default) =>
            Task.FromResult<Hash256?>(number > Head ? null : Keccak256.Compute(new UInt256(number).ToBigEndian()));
        public Task<IReadOnlyList<L1Log>> GetLogsAsync(Address address, ulong fromBlock, ulong toBlock, Hash256? topic0 = null, CancellationToken cancel = default)
        {
            var found = new List<L1Log>();
            foreach (L1Log l in Logs) if (l.BlockNumber >= fromBlock && l.BlockNumber <= toBlock) found.Add(l);
            return Task.FromResult<IReadOnlyList<L1Log>>(found);
        }
        public Task<ulong> GetNonceAsync(Address account, string block = "latest", CancellationToken cancel = default) => throw new NotSupportedException();
        public Task<L1FeeData> GetFeeDataAsync(CancellationToken cancel = default) => throw new NotSupportedException();
        public Task<Hash256> SendRawTransactionAsync(byte[] raw, CancellationToken cancel = default) => throw new NotSupportedException();
        public Task<L1Receipt?> GetReceiptAsync(Hash256 txHash, CancellationToken cancel = default) => throw new NotSupportedException();
        public Task<byte[]> CallAsync(Address to, byte[] data, Address? from = null, CancellationToken cancel = default) => throw new NotSupportedException();
        public Task<ulong> EstimateGasAsync(Address from, Address to, byte[] data, CancellationToken cancel = default) => throw new NotSupportedException();
    }

    // ---- an ABI encoder of this test (head words, then the one dynamic bytes tail) ----

    private static Hash256 Keccak(string signature) => Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature));

    private static byte[] Word(UInt256 v) => v.ToBigEndian();

    private static byte[] Word(Address a)
    {
        var w = new byte[32];
        a.ToArray().CopyTo(w, 12);
        return w;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] p in parts) all.AddRange(p);
        return [.. all];
    }

    private static byte[] BytesTail(byte[] data)
    {
        var padded = new byte[(data.Length + 31) / 32 * 32];
        data.CopyTo(padded, 0);
        return Concat(Word(new UInt256((ulong)data.Length)), padded);
    }

    // Head: from, to, token, amount, the offset of data (5 words = 160: ABI offsets count from the tuple's start), then the tail.
    private static byte[] EventData(Planted d) => Concat(Word(d.From), Word(d.To), Word(d.Token), Word(d.Amount), Word(new UInt256(160)), BytesTail(d.Data));

    private static Hash256 Topic(ulong v) => new(Word(new UInt256(v)));

    private static L1Log Log(Planted d, ulong block, Address? emitter = null) =>
        new(emitter ?? Bridge, [DepositTopic, Topic(d.ChainId), Topic(d.Index)], EventData(d), block, Keccak256.Compute(EventData(d)));

    /// <summary>The derivation rule of docs/settlement.md, built independently: 0x7F to L2Bridge, nonce = index, 300,000 gas.</summary>
    private static void AssertDerivedFrom(Planted expected, DerivedDeposit actual)
    {
        Assert.Equal(expected.Index, actual.Index);
        Assert.Equal(expected.ChainId, actual.Event.ChainId);
        Assert.Equal(expected.From, actual.Event.From);
        Assert.Equal(expected.To, actual.Event.To);
        Assert.Equal(expected.Token, actual.Event.Token);
        Assert.Equal(expected.Amount, actual.Event.Amount);
        Assert.Equal(expected.Data, actual.Event.Data);
        AssertTransaction(expected, actual.Transaction);
    }

    private static void AssertTransaction(Planted expected, Transaction tx)
    {
        Assert.Equal(TxType.System, tx.Type);
        Assert.Equal(new UInt256(expected.ChainId), tx.ChainId);
        Assert.Equal(L1ChainId, tx.SourceChainId);
        Assert.Equal(expected.Index, tx.MessageNonce);
        Assert.Equal(SystemAddresses.L2Bridge, tx.To);
        Assert.Equal(300_000UL, tx.GasLimit);
        // sourceTxHash = L1Bridge.depositHash(event) = keccak256(abi.encode(chainId, index, from, to, token, amount, keccak256(data)))
        Hash256 depositHash = Keccak256.Compute(Concat(Word(new UInt256(expected.ChainId)), Word(new UInt256(expected.Index)), Word(expected.From),
            Word(expected.To), Word(expected.Token), Word(expected.Amount), Keccak256.Compute(expected.Data).ToArray()));
        Assert.Equal(depositHash, tx.SourceTxHash);
        byte[] call = Concat(Keccak("finalizeDeposit(uint256,address,address,address,uint256,bytes)").ToArray()[..4],
            Word(new UInt256(expected.Index)), Word(expected.From), Word(expected.To), Word(expected.Token), Word(expected.Amount), Word(new UInt256(192)),
            BytesTail(expected.Data));
        Assert.Equal(call, tx.Data.ToArray());
    }

    private static Address RandomAddress(Random rng)
    {
        var b = new byte[20];
        rng.NextBytes(b);
        return new Address(b);
    }

    private static Planted RandomDeposit(Random rng, ulong index)
    {
        UInt256 amount = rng.Next(4) switch
        {
            0 => UInt256.Zero,
            1 => UInt256.MaxValue,
            _ => new UInt256((ulong)rng.NextInt64()),
        };
        int dataLength = rng.Next(10) switch { 0 => 0, 1 => 31, 2 => 32, 3 => 33, 4 => 100_000, _ => rng.Next(0, 300) };
        var data = new byte[dataLength];
        rng.NextBytes(data);
        return new Planted(901 + (ulong)rng.Next(3), index, RandomAddress(rng), RandomAddress(rng), rng.Next(2) == 0 ? Address.Zero : RandomAddress(rng), amount, data);
    }

    /// <summary>Logs that are not deposits of the bridge: other emitters, other events, wrong topic counts. All must be ignored.</summary>
    private static IEnumerable<L1Log> Noise(Random rng, Planted like, ulong block)
    {
        yield return Log(like with { Index = like.Index + 1000 }, block, Impostor); // a DepositQueued of another contract
        byte[] data = EventData(like);
        yield return new L1Log(Bridge, [Keccak("DepositRefunded(uint256,uint256,bytes32,bytes)"), Topic(like.ChainId), Topic(like.Index)], data, block, Hash256.Zero);
        yield return new L1Log(Bridge, [DepositTopic, Topic(like.ChainId)], data, block, Hash256.Zero); // index not indexed
        yield return new L1Log(Bridge, [DepositTopic, Topic(like.ChainId), Topic(like.Index), Topic(7)], data, block, Hash256.Zero);
        yield return new L1Log(Bridge, [], data, block, Hash256.Zero); // anonymous
        var junk = new byte[rng.Next(0, 200)];
        rng.NextBytes(junk);
        yield return new L1Log(Impostor, [DepositTopic, Topic(like.ChainId), Topic(like.Index + 2000)], junk, block, Hash256.Zero);
    }

    private static void Shuffle<T>(Random rng, List<T> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    [Fact]
    public async Task RandomHonestDeposits_AmongNoise_InAnyLogOrder_DeriveExactlyTheQueue()
    {
        for (int seed = 1; seed <= 25; seed++)
        {
            var rng = new Random(seed);
            var l1 = new FakeL1();
            int count = rng.Next(1, 25);
            var planted = new List<Planted>();
            ulong block = 0;
            for (int i = 0; i < count; i++)
            {
                block += (ulong)rng.Next(0, 4); // several per block, or empty blocks in between
                Planted d = RandomDeposit(rng, (ulong)i);
                planted.Add(d);
                l1.Logs.Add(Log(d, block));
                if (rng.Next(3) == 0) l1.Logs.AddRange(Noise(rng, d, block));
            }
            l1.Head = block + (ulong)rng.Next(0, 3);
            Shuffle(rng, l1.Logs); // a node returning logs out of order
            var deriver = new DepositDeriver(l1, new DepositDeriverOptions { Bridge = Bridge, MaxBlockRange = (ulong)rng.Next(1, 6) });

            List<DerivedDeposit> scanned = await deriver.ScanAsync(0, l1.Head);
            Assert.Equal(count, scanned.Count);
            for (int i = 0; i < count; i++) AssertDerivedFrom(planted[i], scanned[i]);

            int from = rng.Next(0, count), to = rng.Next(from, count + 1);
            List<DerivedDeposit> read = await deriver.ReadAsync((ulong)from, (ulong)to);
            Assert.Equal(to - from, read.Count);
            for (int i = 0; i < read.Count; i++) AssertDerivedFrom(planted[from + i], read[i]);

            // The feed, polled while the L1 grows, hands out the same queue; restarted on its store, it still does.
            var store = new MemoryKeyValueStore();
            var feed = new DepositFeed(deriver, store);
            ulong head = l1.Head;
            for (l1.Head = 0; ; l1.Head = Math.Min(head, l1.Head + (ulong)rng.Next(1, 4)))
            {
                await feed.PollAsync();
                if (l1.Head == head) break;
            }
            AssertPending(planted, feed.Pending(0, int.MaxValue));
            using var reopened = new DepositFeed(deriver, store);
            AssertPending(planted, reopened.Pending(0, int.MaxValue));
            feed.Dispose();
        }
    }

    private static void AssertPending(List<Planted> planted, IReadOnlyList<Lockstep.Sequencer.DepositTransaction> pending)
    {
        Assert.Equal(planted.Count, pending.Count);
        for (int i = 0; i < planted.Count; i++)
        {
            Assert.Equal(planted[i].Index, pending[i].Index);
            Assert.Equal(planted[i].ChainId, pending[i].ChainId);
            Assert.Equal((ulong)i, pending[i].Transaction.MessageNonce);
        }
    }

    /// <summary>Structural corruptions of a DepositQueued log's data or topics (what a broken node or contract could send).</summary>
    private static (string What, L1Log Log) Corrupt(Random rng, Planted d, ulong block)
    {
        byte[] data = EventData(d);
        IReadOnlyList<Hash256> topics = [DepositTopic, Topic(d.ChainId), Topic(d.Index)];
        switch (rng.Next(7))
        {
            case 0: // cut inside the head or the length word (the tail's padding is not needed to read the bytes)
                return ("truncated", new L1Log(Bridge, topics, data[..rng.Next(0, 192)], block, Hash256.Zero));
            case 1:
            {
                byte[] bad = (byte[])data.Clone();
                Word(UInt256.MaxValue - new UInt256((ulong)rng.Next(1000))).CopyTo(bad, 128); // the bytes offset
                return ("offset out of range", new L1Log(Bridge, topics, bad, block, Hash256.Zero));
            }
            case 2:
            {
                byte[] bad = (byte[])data.Clone();
                Word(new UInt256((ulong)(bad.Length + rng.Next(1, 1 << 20)))).CopyTo(bad, 160); // the bytes length
                return ("length beyond the data", new L1Log(Bridge, topics, bad, block, Hash256.Zero));
            }
            case 3:
            {
                byte[] bad = (byte[])data.Clone();
                bad[32 * rng.Next(3) + rng.Next(12)] = (byte)rng.Next(1, 256); // an address word with its upper bytes set
                return ("dirty address", new L1Log(Bridge, topics, bad, block, Hash256.Zero));
            }
            case 4:
            {
                var huge = new byte[32];
                rng.NextBytes(huge);
                huge[0] |= 0x80;
                return ("index above uint64", new L1Log(Bridge, [DepositTopic, Topic(d.ChainId), new Hash256(huge)], data, block, Hash256.Zero));
            }
            case 5:
            {
                var huge = new byte[32];
                huge[rng.Next(0, 24)] = 1;
                return ("chain id above uint64", new L1Log(Bridge, [DepositTopic, new Hash256(huge), Topic(d.Index)], data, block, Hash256.Zero));
            }
            default:
            {
                byte[] bad = (byte[])data.Clone();
                Word(new UInt256((ulong)rng.Next(161, 4096))).CopyTo(bad, 128); // the offset points past the end
                return ("offset past the end", new L1Log(Bridge, topics, bad[..Math.Min(bad.Length, 192)], block, Hash256.Zero));
            }
        }
    }

    [Fact]
    public async Task MalformedDepositLogs_FromTheBridge_AreATypedError_AndTheFeedKeepsNothing()
    {
        var rng = new Random(8);
        var seen = new HashSet<string>();
        for (int round = 0; round < 200; round++)
        {
            var l1 = new FakeL1 { Head = 5 };
            Planted good = RandomDeposit(rng, 0);
            l1.Logs.Add(Log(good, 1));
            (string what, L1Log bad) = Corrupt(rng, good with { Index = 1 }, 2);
            seen.Add(what);
            l1.Logs.Add(bad);
            var deriver = new DepositDeriver(l1, new DepositDeriverOptions { Bridge = Bridge });
            await Assert.ThrowsAsync<AbiException>(() => deriver.ScanAsync(0, l1.Head));
            await Assert.ThrowsAsync<AbiException>(() => deriver.ReadAsync(0, 1));

            // The feed's round fails as a whole: no deposit taken (not even the good one before it), the cursor stays.
            var store = new MemoryKeyValueStore();
            using var feed = new DepositFeed(deriver, store);
            await Assert.ThrowsAsync<AbiException>(() => feed.PollAsync());
            Assert.Equal(0UL, feed.NextL1Block);
            Assert.Equal(0, feed.KnownCount);
            Assert.Empty(feed.Pending(0, 10));
            Assert.Empty(store.Iterate([]));
        }
        Assert.Equal(7, seen.Count); // every corruption was played
    }

    [Fact]
    public async Task Gaps_Duplicates_AndConflictingDuplicates_NeverYieldAWrongDeposit()
    {
        var rng = new Random(3);
        for (int round = 0; round < 40; round++)
        {
            var l1 = new FakeL1();
            int count = rng.Next(3, 12);
            var planted = new List<Planted>();
            for (int i = 0; i < count; i++) planted.Add(RandomDeposit(rng, (ulong)i));
            int gap = rng.Next(1, count);
            for (int i = 0; i < count; i++) if (i != gap) l1.Logs.Add(Log(planted[i], (ulong)i));
            l1.Head = (ulong)count;
            var deriver = new DepositDeriver(l1, new DepositDeriverOptions { Bridge = Bridge });

            // A gap: the verifier's read refuses the range across it; the feed hands out only what precedes it.
            InvalidDataException missing = await Assert.ThrowsAsync<InvalidDataException>(() => deriver.ReadAsync(0, (ulong)count));
            Assert.Contains($"deposit {gap} ", missing.Message);
            Assert.Equal(gap, (await deriver.ReadAsync(0, (ulong)gap)).Count);
            var store = new MemoryKeyValueStore();
            using var feed = new DepositFeed(deriver, store);
            await feed.PollAsync();
            IReadOnlyList<Lockstep.Sequencer.DepositTransaction> before = feed.Pending(0, int.MaxValue);
            Assert.Equal(gap, before.Count); // nothing past the hole
            for (int i = 0; i < gap; i++) Assert.Equal((ulong)i, before[i].Index);

            // The missing log appears in a later block (a late node); then a duplicate of an already known deposit
            // (an overlapping read), and a conflicting one with the same index but other fields.
            l1.Logs.Add(Log(planted[gap], (ulong)count + 1));
            int dup = rng.Next(0, count);
            l1.Logs.Add(Log(planted[dup], (ulong)count + 2));
            l1.Logs.Add(Log(planted[dup] with { Amount = planted[dup].Amount + UInt256.One, To = RandomAddress(rng) }, (ulong)count + 2));
            l1.Head = (ulong)count + 3;
            await feed.PollAsync();
            IReadOnlyList<Lockstep.Sequencer.DepositTransaction> after = feed.Pending(0, int.MaxValue);
            Assert.Equal(count, after.Count);
            // The feed keeps the first deposit seen at an index: the conflicting copy never replaces it.
            for (int i = 0; i < count; i++) AssertTransaction(planted[i], after[i].Transaction);

            // The verifier's read over duplicated indexes refuses instead of picking one.
            await Assert.ThrowsAsync<InvalidDataException>(() => deriver.ReadAsync(0, (ulong)count));
        }
    }

    [Fact]
    public async Task HugePayloads_AndLengthWordsNearTheLimits_DecodeOrFailWithoutAllocatingThem()
    {
        var l1 = new FakeL1 { Head = 3 };
        var payload = new byte[1 << 20];
        new Random(5).NextBytes(payload);
        Planted big = new(902, 0, RandomAddress(new Random(1)), RandomAddress(new Random(2)), Address.Zero, UInt256.MaxValue, payload);
        l1.Logs.Add(Log(big, 1));
        var deriver = new DepositDeriver(l1, new DepositDeriverOptions { Bridge = Bridge });
        List<DerivedDeposit> found = await deriver.ScanAsync(0, 3);
        AssertDerivedFrom(big, Assert.Single(found));

        // A length word of 2^256-1 (or 2^64) in a short log: refused before any allocation of that size.
        foreach (UInt256 length in new[] { UInt256.MaxValue, new UInt256(ulong.MaxValue), new UInt256((ulong)int.MaxValue) })
        {
            byte[] data = EventData(big with { Data = [1, 2, 3], Index = 1 });
            Word(length).CopyTo(data, 160);
            var lying = new FakeL1 { Head = 3 };
            lying.Logs.Add(new L1Log(Bridge, [DepositTopic, Topic(902), Topic(1)], data, 1, Hash256.Zero));
            await Assert.ThrowsAsync<AbiException>(() => new DepositDeriver(lying, new DepositDeriverOptions { Bridge = Bridge }).ScanAsync(0, 3));
        }
    }
}
