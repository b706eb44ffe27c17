using System.Text;
using Lockstep.Primitives;

namespace Lockstep.Primitives.Tests;

public class Keccak256Tests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")]
    public void KnownVectors(string input, string expected)
    {
        Assert.Equal("0x" + expected, Keccak256.Compute(Encoding.ASCII.GetBytes(input)).ToString());
    }

    [Fact]
    public void MatchesBouncyCastleAcrossBlockBoundaries()
    {
        var rng = new Random(7);
        for (int len = 0; len < 700; len += len < 300 ? 1 : 37)
        {
            byte[] data = new byte[len];
            rng.NextBytes(data);
            var digest = new Org.BouncyCastle.Crypto.Digests.KeccakDigest(256);
            digest.BlockUpdate(data, 0, data.Length);
            byte[] expected = new byte[32];
            digest.DoFinal(expected, 0);
            Assert.Equal(Hex.Encode(expected), Keccak256.Compute(data).ToString());
        }
    }

    [Fact]
    public void EmptyTrieRootIsKeccakOfRlpEmptyString()
    {
        Assert.Equal(Keccak256.EmptyTrieRoot, Keccak256.Compute([0x80]));
        Assert.Equal(Keccak256.EmptyListHash, Keccak256.Compute([0xc0]));
    }
}
