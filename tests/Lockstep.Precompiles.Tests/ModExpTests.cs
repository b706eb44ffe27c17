using System.Numerics;
using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;
using static Lockstep.Precompiles.Tests.TestUtil;

namespace Lockstep.Precompiles.Tests;

/// <summary>0x05 modexp: EIP-198 examples, BigInteger.ModPow as oracle, and the length/gas edge cases.</summary>
public class ModExpTests
{
    private static byte[] Input(int baseLen, int expLen, int modLen, byte[] body) =>
        Concat(Word(baseLen), Word(expLen), Word(modLen), body);

    private static byte[] Run(byte[] input)
    {
        Assert.True(ModExpPrecompile.Instance.TryRun(input, out byte[] output));
        return output;
    }

    [Fact]
    public void Eip198FermatExample()
    {
        // EIP-198: 3^(p-1) mod p = 1 for the secp256k1 field prime p.
        byte[] input = Hex.Decode(
            "0000000000000000000000000000000000000000000000000000000000000001" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "03" +
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e" +
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
        Assert.Equal(Word(1), Run(input));
    }

    [Fact]
    public void Eip198ZeroBaseExample()
    {
        // EIP-198: base length 0 means base 0, so 0^(p-1) mod p = 0.
        byte[] input = Hex.Decode(
            "0000000000000000000000000000000000000000000000000000000000000000" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e" +
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
        Assert.Equal(Word(0), Run(input));
    }

    [Fact]
    public void Eip198HugeExponentLengthCostsTheMaximum()
    {
        // EIP-198's third example: Esize = 2^256 - 1 must not be read, only priced (out of any gas budget).
        byte[] input = Hex.Decode(
            "0000000000000000000000000000000000000000000000000000000000000000" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" +
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e" +
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
        Assert.Equal(long.MaxValue, ModExpPrecompile.Instance.RequiredGas(input));
    }

    [Fact]
    public void MatchesBigIntegerModPow()
    {
        var rng = new Random(10);
        for (int i = 0; i < 200; i++)
        {
            int baseLen = rng.Next(0, 70), expLen = rng.Next(0, 40), modLen = rng.Next(1, 70);
            byte[] body = new byte[baseLen + expLen + modLen];
            rng.NextBytes(body);
            if (i % 5 == 0 && baseLen > 0) body[0] = 0; // leading zeros in the operands
            var b = new BigInteger(body.AsSpan(0, baseLen), isUnsigned: true, isBigEndian: true);
            var e = new BigInteger(body.AsSpan(baseLen, expLen), isUnsigned: true, isBigEndian: true);
            var m = new BigInteger(body.AsSpan(baseLen + expLen, modLen), isUnsigned: true, isBigEndian: true);
            byte[] expected = new byte[modLen];
            if (!m.IsZero)
            {
                BigInteger r = BigInteger.ModPow(b, e, m);
                r.TryWriteBytes(expected.AsSpan(modLen - r.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
            }
            Assert.Equal(expected, Run(Input(baseLen, expLen, modLen, body)));
        }
    }

    [Fact]
    public void ModulusZeroOrOneGivesZerosOfModulusLength()
    {
        Assert.Equal(new byte[3], Run(Input(1, 1, 3, [5, 7, 0, 0, 0])));
        Assert.Equal(new byte[2], Run(Input(1, 1, 2, [5, 0, 0, 1])));
        // 0^0 mod 1 = 0, and 0^0 mod 7 = 1.
        Assert.Equal(new byte[1], Run(Input(0, 0, 1, [1])));
        Assert.Equal(new byte[] { 1 }, Run(Input(0, 0, 1, [7])));
    }

    [Fact]
    public void MissingInputBytesReadAsZero()
    {
        // B = 2, E = 0x01 then a missing byte (0x0100), M entirely missing (0): output is Msize zero bytes.
        Assert.Equal(new byte[2], Run(Input(1, 2, 2, [2, 1])));
        // B = 2, E = 0x0102, M = 0x03 then a missing byte, so M = 0x0300 (EIP-198: missing bytes are zeros).
        byte[] output = Run(Input(1, 2, 2, [2, 1, 2, 3]));
        BigInteger expected = BigInteger.ModPow(2, 0x0102, 0x0300);
        Assert.Equal(expected, new BigInteger(output, isUnsigned: true, isBigEndian: true));
    }

    [Fact]
    public void EmptyModulusGivesEmptyOutputEvenWithHugeExponentLength()
    {
        byte[] input = Concat(Word(0), Word((BigInteger.One << 255) + 12345), Word(0));
        Assert.Equal(200, ModExpPrecompile.Instance.RequiredGas(input));
        Assert.Empty(Run(input));
        Assert.Empty(Run([]));
        Assert.Equal(200, ModExpPrecompile.Instance.RequiredGas([]));
    }

    [Fact]
    public void Eip2565Gas()
    {
        // EIP-2565: max(200, ceil(max(B, M) / 8)^2 * max(iterations, 1) / 3).
        // B = M = 64 bytes (8 words -> 64), E = 0x010001 (17 bits -> 16 iterations): 64 * 16 / 3 = 341.
        byte[] body = new byte[64 + 3 + 64];
        body[64] = 1; body[66] = 1;
        Assert.Equal(341, ModExpPrecompile.Instance.RequiredGas(Input(64, 3, 64, body)));
        // E of 40 bytes whose first 32 bytes are 0x00..01: 8 * (40 - 32) + 0 = 64 iterations; 32-byte M: 16 * 64 / 3 = 341.
        body = new byte[1 + 40 + 32];
        body[1 + 31] = 1;
        Assert.Equal(341, ModExpPrecompile.Instance.RequiredGas(Input(1, 40, 32, body)));
        // Huge base length: the product overflows 64 bits and saturates.
        Assert.Equal(long.MaxValue, ModExpPrecompile.Instance.RequiredGas(Concat(Word(BigInteger.One << 200), Word(1), Word(1))));
        // Base length just beyond the input: the exponent head reads as zero -> 1 iteration.
        Assert.Equal(200, ModExpPrecompile.Instance.RequiredGas(Concat(Word(32), Word(32), Word(32))));
    }
}
