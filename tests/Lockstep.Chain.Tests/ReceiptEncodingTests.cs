using System.Numerics;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;

namespace Lockstep.Chain.Tests;

/// <summary>
/// The exact-size receipt encoder and the bloom's per-thread bit cache against independent formulations: the receipt
/// written item by item with the generic <see cref="RlpWriter"/> (EIP-2718 type ++ rlp([status, cumulativeGasUsed,
/// bloom, logs]), EIP-658 status), and the bloom as arithmetic on a 2048-bit integer (Yellow Paper 4.3.1).
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

    private static BigInteger OracleBloom(IEnumerable<byte[]> items)
    {
        BigInteger bloom = BigInteger.Zero;
        foreach (byte[] item in items)
        {
            byte[] h = Keccak256.Compute(item).ToArray();
            for (int i = 0; i < 6; i += 2) bloom |= BigInteger.One << ((h[i] * 256 + h[i + 1]) % 2048);
        }
        return bloom;
    }

    [Fact]
    public void RepeatedAndCollidingItemsGiveTheirOwnBits()
    {
        // Items that share first/last bytes (the cache slot) but differ inside, repeated in varying orders, plus
        // lengths 1..40 (items above 32 bytes bypass the cache): every bloom must still equal the definition.
        var pool = new List<byte[]>();
        for (int k = 0; k < 40; k++)
        {
            byte[] topic = new byte[32];
            topic[0] = 0xaa; topic[31] = 0x55; topic[30] = 0x01; topic[15] = (byte)k;
            pool.Add(topic);
            byte[] address = new byte[20];
            address[0] = 0xaa; address[19] = 0x55; address[18] = 0x01; address[7] = (byte)k;
            pool.Add(address);
            byte[] shortItem = new byte[k + 1];
            shortItem[^1] = 0x55;
            pool.Add(shortItem);
        }
        var rng = new Random(3);
        for (int round = 0; round < 300; round++)
        {
            var items = new List<byte[]>();
            var bloom = new Bloom();
            for (int i = 0; i < rng.Next(1, 12); i++)
            {
                byte[] item = pool[rng.Next(pool.Count)];
                items.Add(item);
                bloom.AddItem(item);
            }
            Assert.Equal(OracleBloom(items), new BigInteger(bloom.Bytes, isUnsigned: true, isBigEndian: true));
        }
    }
}
