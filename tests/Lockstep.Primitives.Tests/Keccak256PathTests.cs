using System.Runtime.Intrinsics.X86;
using Lockstep.Primitives;
using Org.BouncyCastle.Crypto.Digests;

namespace Lockstep.Primitives.Tests;

/// <summary>
/// Both Keccak-256 code paths (portable and AVX-512) against BouncyCastle's KeccakDigest, an independent
/// implementation, around every block boundary (the rate is 136 bytes) and on multi-block inputs.
/// </summary>
public class Keccak256PathTests
{
    private static byte[] Reference(byte[] data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data, 0, data.Length);
        byte[] hash = new byte[32];
        digest.DoFinal(hash, 0);
        return hash;
    }

    private static IEnumerable<int> Lengths()
    {
        for (int len = 0; len <= 3 * 136 + 2; len++) yield return len;
        foreach (int len in new[] { 1000, 1024, 4096, 10_000, 65_536 + 17 }) yield return len;
    }

    [Fact]
    public void PortablePathMatchesBouncyCastle()
    {
        var rng = new Random(3);
        foreach (int len in Lengths())
        {
            byte[] data = new byte[len];
            rng.NextBytes(data);
            byte[] actual = new byte[32];
            Keccak256.ComputeScalar(data, actual);
            Assert.Equal(Reference(data), actual);
        }
    }

    [Fact]
    public void Avx512PathMatchesBouncyCastle()
    {
        if (!Avx512F.IsSupported)
        {
            // Nothing to compare on this CPU; the dispatching entry point then uses the portable path tested above.
            Assert.Equal(Reference([]), Keccak256.Compute([]).ToArray());
            return;
        }
        var rng = new Random(5);
        foreach (int len in Lengths())
        {
            byte[] data = new byte[len];
            rng.NextBytes(data);
            byte[] actual = new byte[32];
            Keccak256.ComputeAvx512(data, actual);
            Assert.Equal(Reference(data), actual);
        }
    }

    [Fact]
    public void AllOnesAndZeroInputs()
    {
        foreach (byte fill in new byte[] { 0x00, 0xff, 0x80, 0x01 })
        {
            foreach (int len in new[] { 135, 136, 137, 272 })
            {
                byte[] data = Enumerable.Repeat(fill, len).ToArray();
                Assert.Equal(Reference(data), Keccak256.Compute(data).ToArray());
            }
        }
    }

    [Fact]
    public void WritesOnlyTheFirst32BytesOfALargerOutput()
    {
        byte[] output = Enumerable.Repeat((byte)0xAA, 40).ToArray();
        Keccak256.Compute("abc"u8, output);
        Assert.Equal(Reference("abc"u8.ToArray()), output[..32]);
        Assert.All(output[32..], b => Assert.Equal(0xAA, b));
        Assert.Throws<ArgumentException>(() => Keccak256.Compute("abc"u8, new byte[31]));
    }
}
