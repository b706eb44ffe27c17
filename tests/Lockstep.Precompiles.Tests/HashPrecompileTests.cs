using System.Security.Cryptography;
using Lockstep.Evm.Precompiles;
using Org.BouncyCastle.Crypto.Digests;

namespace Lockstep.Precompiles.Tests;

/// <summary>0x02 sha256, 0x03 ripemd160 and 0x04 identity against independent digests and the Yellow Paper gas.</summary>
public class HashPrecompileTests
{
    private static readonly int[] Lengths = [0, 1, 31, 32, 33, 55, 56, 63, 64, 65, 100, 1000, 4097];

    [Fact]
    public void Sha256MatchesSystemCryptography()
    {
        var rng = new Random(8);
        foreach (int len in Lengths)
        {
            byte[] input = new byte[len];
            rng.NextBytes(input);
            Assert.True(Sha256Precompile.Instance.TryRun(input, out byte[] output));
            Assert.Equal(SHA256.HashData(input), output);
        }
    }

    [Fact]
    public void Ripemd160MatchesBouncyCastleLeftPadded()
    {
        var rng = new Random(9);
        foreach (int len in Lengths)
        {
            byte[] input = new byte[len];
            rng.NextBytes(input);
            var digest = new RipeMD160Digest();
            digest.BlockUpdate(input, 0, input.Length);
            byte[] expected = new byte[20];
            digest.DoFinal(expected, 0);
            Assert.True(Ripemd160Precompile.Instance.TryRun(input, out byte[] output));
            Assert.Equal(32, output.Length);
            Assert.Equal(new byte[12], output[..12]);
            Assert.Equal(expected, output[12..]);
        }
    }

    [Fact]
    public void Ripemd160OfEmptyInputIsThePublishedValue()
    {
        // Dobbertin, Bosselaers, Preneel, "RIPEMD-160: A Strengthened Version of RIPEMD", test vector for "".
        Assert.True(Ripemd160Precompile.Instance.TryRun([], out byte[] output));
        Assert.Equal("0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void IdentityCopiesInput()
    {
        byte[] input = [1, 2, 3, 4, 5];
        Assert.True(IdentityPrecompile.Instance.TryRun(input, out byte[] output));
        Assert.Equal(input, output);
        Assert.NotSame(input, output);
        Assert.True(IdentityPrecompile.Instance.TryRun([], out output));
        Assert.Empty(output);
    }

    [Theory]
    // Yellow Paper appendix E: G_sha256 = 60 + 12/word, G_ripemd160 = 600 + 120/word, G_identity = 15 + 3/word.
    [InlineData(0, 60, 600, 15)]
    [InlineData(1, 72, 720, 18)]
    [InlineData(32, 72, 720, 18)]
    [InlineData(33, 84, 840, 21)]
    [InlineData(64, 84, 840, 21)]
    [InlineData(1000, 60 + 12 * 32, 600 + 120 * 32, 15 + 3 * 32)]
    public void GasPerWord(int length, long sha, long ripemd, long identity)
    {
        byte[] input = new byte[length];
        Assert.Equal(sha, Sha256Precompile.Instance.RequiredGas(input));
        Assert.Equal(ripemd, Ripemd160Precompile.Instance.RequiredGas(input));
        Assert.Equal(identity, IdentityPrecompile.Instance.RequiredGas(input));
    }
}
