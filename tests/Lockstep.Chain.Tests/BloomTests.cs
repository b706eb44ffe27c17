using System.Numerics;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Chain.Tests;

/// <summary>The logs bloom and its per-thread bit cache against the Yellow Paper 4.3.1 definition as arithmetic on a 2048-bit integer.</summary>
public class BloomTests
{
    /// <summary>Yellow Paper 4.3.1 written as arithmetic on a 2048-bit integer, independent of <see cref="Bloom"/>.</summary>
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
    public void BloomMatchesTheYellowPaperDefinition()
    {
        var rng = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            var logs = new List<LogEntry>();
            var items = new List<byte[]>();
            for (int l = 0; l < rng.Next(0, 4); l++)
            {
                byte[] addr = new byte[20];
                rng.NextBytes(addr);
                var topics = new Hash256[rng.Next(0, 5)];
                items.Add(addr);
                for (int t = 0; t < topics.Length; t++)
                {
                    byte[] topic = new byte[32];
                    rng.NextBytes(topic);
                    topics[t] = new Hash256(topic);
                    items.Add(topic);
                }
                logs.Add(new LogEntry(new Address(addr), topics, []));
            }
            var bloom = new Bloom();
            bloom.Add(logs);
            var expected = OracleBloom(items);
            var actual = new BigInteger(bloom.Bytes, isUnsigned: true, isBigEndian: true);
            Assert.Equal(expected, actual);
            foreach (byte[] item in items) Assert.True(bloom.MayContain(item));
            Assert.Equal(items.Count == 0, bloom.IsEmpty);
        }
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
