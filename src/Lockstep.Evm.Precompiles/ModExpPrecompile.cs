using System.Numerics;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x05 arbitrary-precision modular exponentiation (EIP-198 layout, EIP-2565 pricing). Input:
/// <c>Bsize, Esize, Msize</c> as 32-byte big-endian words, then B, E, M of those lengths; missing bytes read as zero.
/// Output: <c>B^E mod M</c> left-padded to Msize bytes (all zeros when M is 0).
/// </summary>
public sealed class ModExpPrecompile : IPrecompile
{
    /// <summary>Minimum price (EIP-2565).</summary>
    public const long MinGas = 200;
    /// <summary>Divisor of <c>multiplication_complexity * iteration_count</c> (EIP-2565 <c>GQUADDIVISOR</c>).</summary>
    public const long QuadDivisor = 3;

    private const int HeaderLength = 96;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static ModExpPrecompile Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>
    /// EIP-2565: <c>max(200, ceil(max(Bsize, Msize) / 8)^2 * max(iteration_count, 1) / 3)</c>, with
    /// <c>iteration_count</c> from EIP-198's adjusted exponent length. The lengths may be as large as 2^256 - 1, so
    /// the arithmetic is done on <see cref="BigInteger"/> values of at most a few hundred bits (never on buffers
    /// of those lengths) and saturates at <see cref="long.MaxValue"/>.
    /// </remarks>
    public long RequiredGas(ReadOnlySpan<byte> input)
    {
        BigInteger baseLen = ReadWord(input, 0);
        BigInteger expLen = ReadWord(input, 32);
        BigInteger modLen = ReadWord(input, 64);

        // The first (up to) 32 bytes of E sit right after B; if B alone runs past the input they are all zero.
        ReadOnlySpan<byte> body = input.Length > HeaderLength ? input[HeaderLength..] : [];
        BigInteger expHead = BigInteger.Zero;
        if (baseLen < body.Length)
        {
            int headLen = expLen > 32 ? 32 : (int)expLen;
            expHead = ReadPadded(body, (int)baseLen, headLen);
        }

        // EIP-198 adjusted exponent length: (Esize - 32) * 8 + bit index of the highest set bit of the head.
        BigInteger iterations = expHead.IsZero ? BigInteger.Zero : (BigInteger)(expHead.GetBitLength() - 1);
        if (expLen > 32) iterations += (expLen - 32) * 8;
        if (iterations < BigInteger.One) iterations = BigInteger.One;

        BigInteger words = ((baseLen > modLen ? baseLen : modLen) + 7) / 8;
        BigInteger gas = words * words * iterations / QuadDivisor;
        if (gas > long.MaxValue) return long.MaxValue;
        return gas < MinGas ? MinGas : (long)gas;
    }

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        BigInteger baseLenBig = ReadWord(input, 0);
        BigInteger expLenBig = ReadWord(input, 32);
        BigInteger modLenBig = ReadWord(input, 64);

        // Output length is Msize; with M empty the exponent's size never matters (geth, EIP-198 reference).
        if (modLenBig.IsZero) return true;
        // Only reachable past RequiredGas with absurd gas: a length beyond 2^31 cannot be paid for in any block.
        if (baseLenBig > int.MaxValue || expLenBig > int.MaxValue || modLenBig > int.MaxValue) return false;
        int baseLen = (int)baseLenBig, expLen = (int)expLenBig, modLen = (int)modLenBig;

        ReadOnlySpan<byte> body = input.Length > HeaderLength ? input[HeaderLength..] : [];
        long expOffset = baseLen;
        long modOffset = expOffset + expLen;
        BigInteger modulus = ReadPadded(body, modOffset, modLen);
        output = new byte[modLen];
        if (modulus.IsZero) return true; // EIP-198: "if M is zero, the result is zero"
        if (modulus.IsOne) return true;  // anything mod 1 is 0, including 0^0

        BigInteger b = ReadPadded(body, 0, baseLen);
        BigInteger e = ReadPadded(body, expOffset, expLen);
        BigInteger result = BigInteger.ModPow(b, e, modulus);
        int written = result.GetByteCount(isUnsigned: true);
        result.TryWriteBytes(output.AsSpan(modLen - written), out _, isUnsigned: true, isBigEndian: true);
        return true;
    }

    private static BigInteger ReadWord(ReadOnlySpan<byte> input, int offset) => ReadPadded(input, offset, 32);

    /// <summary>The unsigned big-endian number in <c>data[offset .. offset + length]</c>, reading past the end as zeros.</summary>
    private static BigInteger ReadPadded(ReadOnlySpan<byte> data, long offset, int length)
    {
        if (length == 0) return BigInteger.Zero;
        if (offset + length <= data.Length)
            return new BigInteger(data.Slice((int)offset, length), isUnsigned: true, isBigEndian: true);
        byte[] padded = new byte[length];
        if (offset < data.Length) data[(int)offset..].CopyTo(padded);
        return new BigInteger(padded, isUnsigned: true, isBigEndian: true);
    }
}
