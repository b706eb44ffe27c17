using System.Numerics;
using CsCheck;
using Lockstep.Primitives;

namespace Lockstep.Primitives.Tests;

/// <summary>
/// System.Numerics.BigInteger as the reference for <see cref="UInt256"/>, plus generators biased to the values where
/// limb arithmetic goes wrong: carries across limbs, all-ones limbs, top bits, one or two nonzero limbs, every bit length.
/// The conversions here are written independently of UInt256's own (they build on limbs, not on bytes).
/// </summary>
internal static class UInt256Oracle
{
    public static readonly BigInteger Two256 = BigInteger.One << 256;
    public static readonly BigInteger Two255 = BigInteger.One << 255;
    private static readonly BigInteger LimbMask = ulong.MaxValue;

    /// <summary>The value as a non-negative BigInteger, from the limbs.</summary>
    public static BigInteger Big(UInt256 x) =>
        new BigInteger(x.U0) | (new BigInteger(x.U1) << 64) | (new BigInteger(x.U2) << 128) | (new BigInteger(x.U3) << 192);

    /// <summary>The value read as two's complement.</summary>
    public static BigInteger Signed(UInt256 x)
    {
        BigInteger v = Big(x);
        return v >= Two255 ? v - Two256 : v;
    }

    /// <summary>v mod 2^256 as limbs (negative values wrap).</summary>
    public static UInt256 FromBig(BigInteger v)
    {
        v %= Two256;
        if (v.Sign < 0) v += Two256;
        return new UInt256((ulong)(v & LimbMask), (ulong)((v >> 64) & LimbMask), (ulong)((v >> 128) & LimbMask), (ulong)((v >> 192) & LimbMask));
    }

    public static UInt256 Pow2(int k) => FromBig(BigInteger.One << k);

    /// <summary>Whole values at the classic edges.</summary>
    public static readonly UInt256[] Edges =
    [
        FromBig(0), FromBig(1), FromBig(2), FromBig(3), FromBig(10), FromBig(255), FromBig(256),
        FromBig(ulong.MaxValue - 1), FromBig(ulong.MaxValue), Pow2(64), Pow2(64) + UInt256.One,
        Pow2(127), Pow2(128) - UInt256.One, Pow2(128), Pow2(128) + UInt256.One, Pow2(192) - UInt256.One, Pow2(192),
        Pow2(255) - UInt256.One, Pow2(255), Pow2(255) + UInt256.One,
        UInt256.MaxValue, UInt256.MaxValue - UInt256.One, UInt256.MaxValue - FromBig(ulong.MaxValue),
        new UInt256(0, 0, 0, ulong.MaxValue), new UInt256(ulong.MaxValue, 0, 0, 1UL << 63), new UInt256(1, 0, 0, 1UL << 63),
        new UInt256(0, ulong.MaxValue, 0, ulong.MaxValue), new UInt256(ulong.MaxValue, 0, ulong.MaxValue, 0),
    ];

    private static readonly Gen<ulong> Limb = Gen.Frequency(
        (6, (IGen<ulong>)Gen.ULong),
        (2, Gen.OneOf(0UL, 1UL, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63, (1UL << 63) - 1, (1UL << 63) + 1, 1UL << 32)),
        (1, Gen.ULong.Select(Gen.Int[1, 63], (x, k) => x >> k)));

    private static readonly Gen<UInt256> FourLimbs = Gen.Select(Limb, Limb, Limb, Limb, (a, b, c, d) => new UInt256(a, b, c, d));

    /// <summary>A random value cut to a random bit length, so sizes 0..256 bits are all frequent.</summary>
    private static readonly Gen<UInt256> RandomLength =
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, Gen.Int[0, 256],
            (a, b, c, d, k) => UInt256.ShiftRight(new UInt256(a, b, c, d), k));

    /// <summary>One or two nonzero limbs at random positions.</summary>
    private static readonly Gen<UInt256> Sparse =
        Gen.Select(Limb, Gen.Int[0, 3], Limb, Gen.Int[0, 3], Gen.Bool, (x, i, y, j, two) =>
        {
            Span<ulong> l = stackalloc ulong[4];
            l[i] = x;
            if (two) l[j] = y;
            return new UInt256(l[0], l[1], l[2], l[3]);
        });

    /// <summary>2^k plus or minus a small amount.</summary>
    private static readonly Gen<UInt256> NearPowerOfTwo =
        Gen.Select(Gen.Int[0, 255], Gen.Int[-3, 3], (k, d) => FromBig((BigInteger.One << k) + d));

    /// <summary>Edge-biased 256-bit values.</summary>
    public static readonly Gen<UInt256> Value = Gen.Frequency(
        (2, (IGen<UInt256>)Gen.OneOf(Edges)),
        (4, FourLimbs),
        (4, RandomLength),
        (2, Sparse),
        (1, NearPowerOfTwo));

    /// <summary>Divisors: all the above plus divisors whose high limb is set and normalized ones (top bit set).</summary>
    public static readonly Gen<UInt256> Divisor = Gen.Frequency(
        (6, (IGen<UInt256>)Value),
        (1, Gen.Select(Gen.ULong, Gen.ULong, Limb, Gen.ULong, (a, b, c, d) => new UInt256(a, b, c, d | (1UL << 63)))),
        (1, Gen.Select(Limb, Limb, Gen.ULong, (a, b, c) => new UInt256(a, b, c | (1UL << 63), 0))),
        (1, Gen.Select(Limb, Gen.ULong, (a, b) => new UInt256(a, b | (1UL << 63), 0, 0))));

    /// <summary>Shift and index amounts, concentrated around limb and word boundaries.</summary>
    public static readonly Gen<int> ShiftAmount = Gen.Frequency(
        (3, (IGen<int>)Gen.Int[0, 300]),
        (1, Gen.OneOf(0, 1, 63, 64, 65, 127, 128, 129, 191, 192, 193, 254, 255, 256, 257, 1024)));

    /// <summary>Runs a property on one thread (the build machine is shared) with a fixed number of cases.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> assert, int iter = 10_000) => gen.Sample(assert, iter: iter, threads: 1);
}
