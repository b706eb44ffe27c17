using System.Numerics;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Primitives.Tests.Rlp;

/// <summary>
/// RlpWriter against a reference encoder written directly from the Yellow Paper (appendix B) with plain array
/// concatenation and BigInteger, over random trees that cross every length boundary (1, 55/56, 255/256, 65535/65536).
/// </summary>
public class RlpWriterPropertyTests
{
    private static byte[] ReferenceEncode(object tree)
    {
        if (tree is byte[] s)
        {
            if (s.Length == 1 && s[0] < 0x80) return s;
            return [.. ReferenceHeader(0x80, s.Length), .. s];
        }
        byte[] payload = ((List<object>)tree).SelectMany(ReferenceEncode).ToArray();
        return [.. ReferenceHeader(0xc0, payload.Length), .. payload];
    }

    private static byte[] ReferenceHeader(int offset, int length)
    {
        if (length < 56) return [(byte)(offset + length)];
        byte[] be = new BigInteger(length).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [(byte)(offset + 55 + be.Length), .. be];
    }

    private static readonly int[] BoundaryLengths = [0, 1, 2, 55, 56, 57, 255, 256, 65535, 65536];

    private static object RandomTree(Random rng, int depth, ref int budget)
    {
        if (depth > 5 || budget <= 0 || rng.Next(3) == 0)
        {
            int len = rng.Next(4) == 0 ? BoundaryLengths[rng.Next(BoundaryLengths.Length)] : rng.Next(0, 70);
            if (len > 1000 && budget < len) len = rng.Next(0, 60);
            budget -= len;
            byte[] b = new byte[len];
            rng.NextBytes(b);
            if (len == 1 && rng.Next(2) == 0) b[0] &= 0x7f;
            return b;
        }
        var list = new List<object>();
        int count = rng.Next(0, 12);
        for (int i = 0; i < count; i++) list.Add(RandomTree(rng, depth + 1, ref budget));
        return list;
    }

    private static void Write(RlpWriter w, object tree)
    {
        if (tree is byte[] b)
        {
            w.WriteBytes(b);
            return;
        }
        w.StartList();
        foreach (object item in (List<object>)tree) Write(w, item);
        w.EndList();
    }

    [Fact]
    public void NestedListsMatchTheReferenceEncoder()
    {
        var rng = new Random(77);
        var w = new RlpWriter(16); // tiny start: the buffer must grow while lists are open
        int longLists = 0;
        for (int i = 0; i < 3000; i++)
        {
            int budget = 200_000;
            object tree = RandomTree(rng, 0, ref budget);
            byte[] expected = ReferenceEncode(tree);
            w.Reset();
            Write(w, tree);
            Assert.Equal(expected, w.ToArray());
            Assert.Equal(expected, RlpTree.Encode(RlpTree.Decode(expected)));
            if (expected[0] > 0xf8) longLists++;
        }
        Assert.True(longLists > 10, "lists with 2+ length bytes must be exercised");
    }

    [Fact]
    public void ScalarsMatchBigIntegerAndRoundTrip()
    {
        var rng = new Random(78);
        Span<byte> raw = stackalloc byte[32];
        for (int i = 0; i < 20_000; i++)
        {
            rng.NextBytes(raw);
            int zeros = rng.Next(0, 33); // vary the magnitude, down to zero
            raw[..zeros].Clear();
            var value = new UInt256(raw);
            BigInteger big = new(raw, isUnsigned: true, isBigEndian: true);
            byte[] expected = ReferenceEncode(big.IsZero ? Array.Empty<byte>() : big.ToByteArray(isUnsigned: true, isBigEndian: true));

            byte[] encoded = new RlpWriter().WriteUInt256(value).ToArray();
            Assert.Equal(expected, encoded);
            Assert.Equal(value, new RlpReader(encoded).ReadUInt256());
            if (big <= ulong.MaxValue)
            {
                Assert.Equal(expected, new RlpWriter().WriteUInt64((ulong)big).ToArray());
                Assert.Equal((ulong)big, new RlpReader(encoded).ReadUInt64());
            }
            else
            {
                Assert.Throws<RlpException>(() => new RlpReader(encoded).ReadUInt64());
            }
        }
    }

    [Theory]
    [InlineData("820001")] // leading zero byte
    [InlineData("00")] // zero must be the empty string, not 0x00
    [InlineData("a1010000000000000000000000000000000000000000000000000000000000000000")] // 2^256: 33 bytes
    public void NonCanonicalOrOversizedScalarsAreRejected(string hex)
    {
        byte[] data = Convert.FromHexString(hex);
        Assert.Throws<RlpException>(() => new RlpReader(data).ReadUInt256());
    }
}
