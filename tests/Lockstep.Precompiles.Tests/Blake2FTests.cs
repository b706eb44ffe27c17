using System.Buffers.Binary;
using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;
using Org.BouncyCastle.Crypto.Digests;

namespace Lockstep.Precompiles.Tests;

/// <summary>0x09 blake2f (EIP-152): input rules, gas, and full BLAKE2b hashes driven through F against BouncyCastle.</summary>
public class Blake2FTests
{
    // EIP-152 test vector 5: F for BLAKE2b-512("abc"), 12 rounds, final block.
    private const string Vector5 =
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b" +
        "6162630000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000300000000000000" +
        "000000000000000001";

    [Fact]
    public void Eip152Vector5IsBlake2bOfAbc()
    {
        byte[] input = Hex.Decode(Vector5);
        Assert.Equal(213, input.Length);
        Assert.Equal(12, Blake2FPrecompile.Instance.RequiredGas(input));
        Assert.True(Blake2FPrecompile.Instance.TryRun(input, out byte[] output));
        var digest = new Blake2bDigest(512);
        digest.BlockUpdate("abc"u8.ToArray(), 0, 3);
        byte[] expected = new byte[64];
        digest.DoFinal(expected, 0);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void FullHashesThroughFMatchBouncyCastle()
    {
        var rng = new Random(11);
        foreach (int len in new[] { 0, 1, 127, 128, 129, 255, 256, 300, 1000 })
        {
            byte[] message = new byte[len];
            rng.NextBytes(message);
            var digest = new Blake2bDigest(512);
            digest.BlockUpdate(message, 0, message.Length);
            byte[] expected = new byte[64];
            digest.DoFinal(expected, 0);
            Assert.Equal(expected, HashWithPrecompile(message));
        }
    }

    /// <summary>RFC 7693 BLAKE2b-512 (no key) where each compression is one call of the precompile.</summary>
    private static byte[] HashWithPrecompile(byte[] message)
    {
        ulong[] iv = [0x6a09e667f3bcc908UL, 0xbb67ae8584caa73bUL, 0x3c6ef372fe94f82bUL, 0xa54ff53a5f1d36f1UL,
                      0x510e527fade682d1UL, 0x9b05688c2b3e6c1fUL, 0x1f83d9abfb41bd6bUL, 0x5be0cd19137e2179UL];
        byte[] h = new byte[64];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8 * i), iv[i]);
        // Parameter block: digest length 64, key length 0, fanout 1, depth 1.
        BinaryPrimitives.WriteUInt64LittleEndian(h, iv[0] ^ 0x01010040UL);
        int blocks = Math.Max(1, (message.Length + 127) / 128);
        for (int b = 0; b < blocks; b++)
        {
            bool last = b == blocks - 1;
            byte[] input = new byte[213];
            BinaryPrimitives.WriteUInt32BigEndian(input, 12);
            h.CopyTo(input, 4);
            int offset = b * 128;
            message.AsSpan(offset, Math.Min(128, message.Length - offset)).CopyTo(input.AsSpan(68));
            ulong counter = last ? (ulong)message.Length : (ulong)(offset + 128);
            BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(196), counter);
            input[212] = last ? (byte)1 : (byte)0;
            Assert.True(Blake2FPrecompile.Instance.TryRun(input, out h));
        }
        return h;
    }

    [Fact]
    public void InvalidInputsFail()
    {
        byte[] input = Hex.Decode(Vector5);
        Assert.False(Blake2FPrecompile.Instance.TryRun(input[..212], out _));
        Assert.False(Blake2FPrecompile.Instance.TryRun([.. input, 0], out _));
        Assert.False(Blake2FPrecompile.Instance.TryRun([], out _));
        input[212] = 2; // EIP-152: the final block flag must be 0 or 1
        Assert.False(Blake2FPrecompile.Instance.TryRun(input, out _));
    }

    [Fact]
    public void GasIsOnePerRound()
    {
        byte[] input = Hex.Decode(Vector5);
        BinaryPrimitives.WriteUInt32BigEndian(input, 0);
        Assert.Equal(0, Blake2FPrecompile.Instance.RequiredGas(input));
        BinaryPrimitives.WriteUInt32BigEndian(input, uint.MaxValue);
        Assert.Equal(uint.MaxValue, Blake2FPrecompile.Instance.RequiredGas(input));
        // Zero rounds is valid and only applies the final XOR (EIP-152 vector 4 is such a case).
        BinaryPrimitives.WriteUInt32BigEndian(input, 0);
        Assert.True(Blake2FPrecompile.Instance.TryRun(input, out byte[] output));
        Assert.Equal(64, output.Length);
    }
}
