using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;
using Lockstep.Trie;

namespace Lockstep.Chain.Tests;

/// <summary>
/// Receipts: round trips of legacy and typed receipts, the exact-size encoder against an independent formulation (the
/// receipt written item by item with the generic <see cref="RlpWriter"/>: EIP-2718 type ++ rlp([status,
/// cumulativeGasUsed, bloom, logs]), EIP-658 status), and the receipts root as a plain Patricia trie of the encodings.
/// </summary>
public class ReceiptEncodingTests
{
    private static byte[] GenericEncoding(Receipt r)
    {
        var w = new RlpWriter();
        if (r.Type != 0) w.WriteRaw([r.Type]);
        w.StartList();
        if (r.Success) w.WriteUInt64(1); else w.WriteBytes([]);
        w.WriteUInt64(r.CumulativeGasUsed).WriteBytes(r.Bloom.Bytes);
        w.StartList();
        foreach (LogEntry log in r.Logs)
        {
            w.StartList().WriteAddress(log.Address).StartList();
            foreach (Hash256 t in log.Topics) w.WriteHash(t);
            w.EndList().WriteBytes(log.Data).EndList();
        }
        w.EndList().EndList();
        return w.ToArray();
    }

    [Fact]
    public void ReceiptsRoundTripLegacyAndTyped()
    {
        var log = new LogEntry(Address.FromNumber(0xabc), [Keccak256.Compute([1]), Keccak256.Compute([2])], [1, 2, 3]);
        foreach (byte type in new byte[] { 0, 1, 2, 3 })
        foreach (bool success in new[] { true, false })
        {
            Receipt receipt = Receipt.Create(type, success, 123_456, success ? [log] : []);
            byte[] encoded = receipt.Encode();
            if (type == 0) Assert.True(encoded[0] >= 0xc0);
            else Assert.Equal(type, encoded[0]);
            Receipt back = Receipt.Decode(encoded);
            Assert.Equal(type, back.Type);
            Assert.Equal(success, back.Success);
            Assert.Equal(123_456UL, back.CumulativeGasUsed);
            Assert.Equal(receipt.Bloom.Bytes.ToArray(), back.Bloom.Bytes.ToArray());
            Assert.Equal(receipt.Logs.Count, back.Logs.Count);
            Assert.Equal(encoded, back.Encode());
            if (success)
            {
                Assert.Equal(log.Topics, back.Logs[0].Topics);
                Assert.Equal(log.Data, back.Logs[0].Data);
                Assert.Equal(log.Address, back.Logs[0].Address);
            }
        }
    }

    [Fact]
    public void ExactEncodingEqualsTheGenericRlpAtEveryLengthBoundary()
    {
        var rng = new Random(11);
        int[] dataLengths = [0, 1, 2, 55, 56, 57, 200, 255, 256, 1000, 65_535, 65_536, 70_000];
        ulong[] gases = [0, 1, 0x7f, 0x80, 0xff, 0x100, 21_000, 30_000_000, ulong.MaxValue];
        int cases = 0;
        foreach (int length in dataLengths)
        foreach (byte firstByte in new byte[] { 0x00, 0x7f, 0x80, 0xff })
        {
            var logs = new List<LogEntry>();
            int logCount = rng.Next(0, 4) + (length == 1 ? 1 : 0);
            for (int l = 0; l < logCount; l++)
            {
                var topics = new Hash256[rng.Next(0, 5)];
                for (int t = 0; t < topics.Length; t++) topics[t] = Keccak256.Compute([(byte)l, (byte)t, (byte)length]);
                byte[] data = new byte[length];
                rng.NextBytes(data);
                if (length > 0) data[0] = firstByte;
                logs.Add(new LogEntry(Address.FromNumber((uint)rng.Next()), topics, data));
            }
            foreach (byte type in new byte[] { 0, 2, 0x7f })
            {
                bool success = rng.Next(2) == 0;
                ulong gas = gases[cases % gases.Length];
                // Encoded before anything asked for its bloom: the bits go straight from the logs into the encoding.
                Receipt lazy = Receipt.Create(type, success, gas, logs);
                byte[] lazyEncoding = lazy.Encode();
                var blockBloom = new Bloom();
                lazy.AccumulateBloomInto(blockBloom);
                Receipt r = Receipt.Create(type, success, gas, logs);
                byte[] expected = GenericEncoding(r); // reads r.Bloom first
                Assert.Equal(expected, lazyEncoding);
                Assert.Equal(r.Bloom.Bytes.ToArray(), blockBloom.Bytes.ToArray());
                Assert.Equal(expected, r.Encode());
                Assert.Same(r.Encode(), r.Encode()); // computed once
                Assert.Equal(expected, Receipt.Decode(expected).Encode());
                cases++;
            }
        }
        // Enough logs for a logs list above 64 KiB (3-byte length).
        var many = new List<LogEntry>();
        for (int i = 0; i < 800; i++) many.Add(new LogEntry(Address.FromNumber((uint)i), [Keccak256.Compute([(byte)i])], new byte[90]));
        Receipt big = Receipt.Create(2, true, 123, many);
        Assert.Equal(GenericEncoding(big), big.Encode());
    }

    [Fact]
    public void ReceiptsRootIsTheOrderedTrieOfEncodings()
    {
        var receipts = new List<Receipt>();
        for (int i = 0; i < 130; i++) receipts.Add(Receipt.Create((byte)(i % 3), i % 5 != 0, (ulong)(21000 * (i + 1)), []));
        // Independently: key RLP(i) in a plain Patricia trie (Yellow Paper 4.3.1, EIP-2718 values).
        var trie = new PatriciaTrie();
        for (int i = 0; i < receipts.Count; i++) trie.Set(new RlpWriter().WriteUInt64((ulong)i).ToArray(), receipts[i].Encode());
        Assert.Equal(trie.RootHash, Block.ComputeReceiptsRoot(receipts));
        Assert.Equal(Keccak256.EmptyTrieRoot, Block.ComputeReceiptsRoot([]));
    }
}
