using System.Numerics;
using CsCheck;
using Lockstep.Primitives;
using static Lockstep.Primitives.Tests.UInt256Oracle;

namespace Lockstep.Primitives.Tests;

/// <summary>Every UInt256 operation against BigInteger over thousands of edge-biased cases.</summary>
public class UInt256PropertyTests
{
    private static readonly Gen<(UInt256, UInt256)> Pair = Gen.Select(Value, Value);
    private static readonly Gen<(UInt256, UInt256)> DividendDivisor = Gen.Select(Value, Divisor);
    private static readonly Gen<(UInt256, UInt256, UInt256)> Triple = Gen.Select(Value, Value, Divisor);

    [Fact]
    public void Add() => Check(Pair, p =>
    {
        (UInt256 a, UInt256 b) = p;
        BigInteger sum = Big(a) + Big(b);
        Assert.Equal(FromBig(sum), a + b);
        Assert.Equal(FromBig(sum), UInt256.AddOverflow(a, b, out bool overflow));
        Assert.Equal(sum >= Two256, overflow);
    });

    [Fact]
    public void Subtract() => Check(Pair, p =>
    {
        (UInt256 a, UInt256 b) = p;
        Assert.Equal(FromBig(Big(a) - Big(b)), a - b);
        Assert.Equal(FromBig(Big(a) - Big(b)), UInt256.SubtractUnderflow(a, b, out bool underflow));
        Assert.Equal(Big(a) < Big(b), underflow);
        Assert.Equal(FromBig(-Big(a)), UInt256.Negate(a));
    });

    [Fact]
    public void Multiply() => Check(Pair, p =>
    {
        (UInt256 a, UInt256 b) = p;
        Assert.Equal(FromBig(Big(a) * Big(b)), a * b);
    });

    [Fact]
    public void Square() => Check(Value, a =>
    {
        Assert.Equal(FromBig(Big(a) * Big(a)), UInt256.Square(a));
    });

    [Fact]
    public void MultiplyFull() => Check(Pair, p =>
    {
        (UInt256 a, UInt256 b) = p;
        Span<ulong> limbs = stackalloc ulong[8];
        UInt256.MultiplyFull(a, b, limbs);
        BigInteger product = BigInteger.Zero;
        for (int i = 7; i >= 0; i--) product = (product << 64) | limbs[i];
        Assert.Equal(Big(a) * Big(b), product);
    });

    [Fact]
    public void DivideAndMod() => Check(DividendDivisor, p =>
    {
        (UInt256 a, UInt256 b) = p;
        BigInteger q = b.IsZero ? 0 : BigInteger.Divide(Big(a), Big(b));
        BigInteger r = b.IsZero ? 0 : BigInteger.Remainder(Big(a), Big(b));
        Assert.Equal(FromBig(q), a / b);
        Assert.Equal(FromBig(r), a % b);
        UInt256.DivRem(a, b, out UInt256 q2, out UInt256 r2);
        Assert.Equal(FromBig(q), q2);
        Assert.Equal(FromBig(r), r2);
    }, iter: 30_000);

    /// <summary>
    /// Dividends built as q * b + r with a known q and r (no oracle needed), r often close to b so that the
    /// running remainder in algorithm D has its top limb equal to the divisor's.
    /// </summary>
    [Fact]
    public void DivRemRecoversConstructedQuotientAndRemainder()
    {
        var gen = Gen.Select(Divisor, Value, Value, Gen.Int[0, 3]);
        Check(gen, t =>
        {
            (UInt256 b, UInt256 qSeed, UInt256 rSeed, int rKind) = t;
            if (b.IsZero) return;
            // Keep q * b below 2^256 by trimming q to the bits left over by b.
            UInt256 q = UInt256.ShiftRight(qSeed, b.BitLength);
            UInt256 r = rKind switch
            {
                0 => rSeed % b,
                1 => b - UInt256.One,
                2 => b - UInt256.One - (rSeed % b) % new UInt256(1000),
                _ => UInt256.Zero,
            };
            if (r >= b) r = UInt256.Zero;
            BigInteger a = Big(q) * Big(b) + Big(r);
            if (a >= Two256) return;
            UInt256.DivRem(FromBig(a), b, out UInt256 quotient, out UInt256 remainder);
            Assert.Equal(q, quotient);
            Assert.Equal(r, remainder);
        }, iter: 30_000);
    }

    [Fact]
    public void SignedDivideAndMod() => Check(DividendDivisor, p =>
    {
        (UInt256 a, UInt256 b) = p;
        BigInteger sa = Signed(a), sb = Signed(b);
        // Yellow Paper SDIV/SMOD: zero divisor gives zero; the quotient truncates, the remainder takes the dividend's sign.
        BigInteger q = sb.IsZero ? 0 : BigInteger.Divide(sa, sb);
        BigInteger r = sb.IsZero ? 0 : BigInteger.Remainder(sa, sb);
        Assert.Equal(FromBig(q), UInt256.SignedDivide(a, b));
        Assert.Equal(FromBig(r), UInt256.SignedMod(a, b));
        // (-a) / (-b) = a / b, except where negation overflows (-2^255 is its own negation).
        if (a != Pow2(255) && b != Pow2(255)) Assert.Equal(FromBig(q), UInt256.SignedDivide(UInt256.Negate(a), UInt256.Negate(b)));
    }, iter: 20_000);

    [Fact]
    public void AddMod() => Check(Triple, t =>
    {
        (UInt256 a, UInt256 b, UInt256 m) = t;
        BigInteger expected = m.IsZero ? 0 : (Big(a) + Big(b)) % Big(m);
        Assert.Equal(FromBig(expected), UInt256.AddMod(a, b, m));
    }, iter: 20_000);

    /// <summary>AddMod with both operands already reduced, the fast path, including sums that pass 2^256.</summary>
    [Fact]
    public void AddModOfReducedOperands() => Check(Triple, t =>
    {
        (UInt256 x, UInt256 y, UInt256 m) = t;
        if (m.IsZero) return;
        UInt256 a = x % m, b = y % m;
        Assert.Equal(FromBig((Big(a) + Big(b)) % Big(m)), UInt256.AddMod(a, b, m));
        UInt256 top = m - UInt256.One;
        Assert.Equal(FromBig((Big(top) + Big(b)) % Big(m)), UInt256.AddMod(top, b, m));
    }, iter: 20_000);

    [Fact]
    public void MulMod() => Check(Triple, t =>
    {
        (UInt256 a, UInt256 b, UInt256 m) = t;
        BigInteger expected = m.IsZero ? 0 : Big(a) * Big(b) % Big(m);
        Assert.Equal(FromBig(expected), UInt256.MulMod(a, b, m));
    }, iter: 20_000);

    [Fact]
    public void Exp() => Check(Gen.Select(Value, Value), p =>
    {
        (UInt256 a, UInt256 e) = p;
        Assert.Equal(FromBig(BigInteger.ModPow(Big(a), Big(e), Two256)), UInt256.Exp(a, e));
    }, iter: 3_000);

    [Fact]
    public void ExpSmallExponents() => Check(Gen.Select(Value, Gen.Int[0, 300]), p =>
    {
        (UInt256 a, int e) = p;
        Assert.Equal(FromBig(BigInteger.ModPow(Big(a), e, Two256)), UInt256.Exp(a, new UInt256((ulong)e)));
    }, iter: 5_000);

    [Fact]
    public void Shifts() => Check(Gen.Select(Value, ShiftAmount), p =>
    {
        (UInt256 a, int n) = p;
        Assert.Equal(FromBig(Big(a) << n), a << n);
        Assert.Equal(FromBig(Big(a) >> n), a >> n);
        // BigInteger's >> on a negative value floors, which is exactly SAR (EIP-145).
        Assert.Equal(FromBig(Signed(a) >> n), UInt256.ShiftRightArithmetic(a, n));
    }, iter: 20_000);

    [Fact]
    public void SignExtend() => Check(Gen.Select(Value, Gen.Int[0, 40]), p =>
    {
        (UInt256 x, int b) = p;
        BigInteger expected;
        if (b >= 31) expected = Big(x);
        else
        {
            int bits = 8 * (b + 1);
            BigInteger low = Big(x) & ((BigInteger.One << bits) - 1);
            expected = (low >> (bits - 1)).IsOne ? low - (BigInteger.One << bits) : low;
        }
        Assert.Equal(FromBig(expected), UInt256.SignExtend(new UInt256((ulong)b), x));
    });

    [Fact]
    public void SignExtendWithHugeIndexIsIdentity() => Check(Pair, p =>
    {
        (UInt256 index, UInt256 x) = p;
        if (Big(index) < 31) return;
        Assert.Equal(x, UInt256.SignExtend(index, x));
    });

    [Fact]
    public void Byte() => Check(Gen.Select(Value, Gen.Int[0, 40]), p =>
    {
        (UInt256 x, int i) = p;
        BigInteger expected = i >= 32 ? 0 : (Big(x) >> (8 * (31 - i))) & 0xff;
        Assert.Equal(FromBig(expected), UInt256.Byte(new UInt256((ulong)i), x));
        Assert.Equal(UInt256.Zero, UInt256.Byte(new UInt256((ulong)i, 1, 0, 0), x));
    });

    [Fact]
    public void Comparisons() => Check(Pair, p =>
    {
        (UInt256 a, UInt256 b) = p;
        Assert.Equal(Big(a) < Big(b), a < b);
        Assert.Equal(Big(a) <= Big(b), a <= b);
        Assert.Equal(Big(a) > Big(b), a > b);
        Assert.Equal(Big(a) == Big(b), a == b);
        Assert.Equal(Big(a).CompareTo(Big(b)), a.CompareTo(b));
        Assert.Equal(Signed(a) < Signed(b), UInt256.SignedLessThan(a, b));
        Assert.Equal(Signed(a) < 0, a.IsNegative);
    });

    [Fact]
    public void Bitwise() => Check(Pair, p =>
    {
        (UInt256 a, UInt256 b) = p;
        Assert.Equal(FromBig(Big(a) & Big(b)), a & b);
        Assert.Equal(FromBig(Big(a) | Big(b)), a | b);
        Assert.Equal(FromBig(Big(a) ^ Big(b)), a ^ b);
        Assert.Equal(FromBig(Two256 - 1 - Big(a)), ~a);
    });

    [Fact]
    public void SizesAndBits() => Check(Gen.Select(Value, Gen.Int[0, 255]), p =>
    {
        (UInt256 a, int i) = p;
        Assert.Equal((int)Big(a).GetBitLength(), a.BitLength);
        Assert.Equal(((int)Big(a).GetBitLength() + 7) / 8, a.ByteLength);
        Assert.Equal(!((Big(a) >> i) & 1).IsZero, a.Bit(i));
        Assert.Equal(Big(a).IsZero, a.IsZero);
        Assert.Equal(Big(a) <= ulong.MaxValue, a.FitsInUlong);
        Assert.Equal(Big(a) <= long.MaxValue, a.TryGetLong(out long l));
        if (Big(a) <= long.MaxValue) Assert.Equal((long)Big(a), l);
    });

    [Fact]
    public void BytesRoundTrip() => Check(Value, a =>
    {
        byte[] expected = new byte[32];
        byte[] minimal = Big(a).IsZero ? [] : Big(a).ToByteArray(isUnsigned: true, isBigEndian: true);
        minimal.CopyTo(expected, 32 - minimal.Length);
        Assert.Equal(expected, a.ToBigEndian());
        Assert.Equal(minimal, a.ToBigEndianTrimmed());
        Assert.Equal(a, new UInt256(expected));
        Assert.Equal(a, new UInt256(minimal));
        Assert.Equal(Big(a), a.ToBigInteger());
        Assert.Equal(a, UInt256.FromBigInteger(Big(a)));
        Assert.Equal(a, UInt256.FromBigInteger(Big(a) - Two256));
    });

    [Fact]
    public void TextRoundTrip() => Check(Value, a =>
    {
        string dec = Big(a).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(dec, a.ToString());
        Assert.Equal(a, UInt256.Parse(dec));
        string hex = a.ToHexQuantity();
        Assert.Equal(Big(a).IsZero ? "0x0" : "0x" + Big(a).ToString("x", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0'), hex);
        Assert.Equal(a, UInt256.Parse(hex));
    }, iter: 3_000);

    [Fact]
    public void ParseRejectsValuesAbove256Bits()
    {
        Assert.False(UInt256.TryParse(Two256.ToString(System.Globalization.CultureInfo.InvariantCulture), out _));
        Assert.False(UInt256.TryParse("0x1" + new string('0', 64), out _));
        Assert.True(UInt256.TryParse("0x" + new string('f', 64), out UInt256 max));
        Assert.Equal(UInt256.MaxValue, max);
        Assert.False(UInt256.TryParse("12a", out _));
        Assert.False(UInt256.TryParse("0xzz", out _));
    }

    /// <summary>The table-and-Newton reciprocal against UInt128 division, for every table entry at both ends of its range.</summary>
    [Fact]
    public void ReciprocalForEveryTableEntry()
    {
        var rng = new Random(11);
        for (ulong d9 = 256; d9 < 512; d9++)
        {
            foreach (ulong low in new[] { 0UL, 1UL, (1UL << 55) - 1, (1UL << 55) - 2, (ulong)rng.NextInt64() & ((1UL << 55) - 1) })
            {
                ulong d = (d9 << 55) | low;
                Assert.Equal((ulong)(UInt128.MaxValue / d - ((UInt128)1 << 64)), UInt256.Reciprocal2By1(d));
            }
        }
    }

    /// <summary>Möller-Granlund 3-by-2 reciprocal and division against BigInteger.</summary>
    [Fact]
    public void ThreeByTwoDivisionMatchesBigInteger()
    {
        var gen = Gen.Select(Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong), Gen.ULong, Gen.ULong, Gen.Int[0, 4]);
        Check(gen, t =>
        {
            ((ulong x, ulong y, ulong u0), ulong a, ulong b, int kind) = t;
            ulong d1 = kind switch { 0 => 1UL << 63, 1 => ulong.MaxValue, _ => a | (1UL << 63) };
            ulong d0 = kind switch { 0 => 0, 1 => ulong.MaxValue, 2 => 0, 3 => ulong.MaxValue, _ => b };
            BigInteger d = (new BigInteger(d1) << 64) | d0;
            Assert.Equal(((BigInteger.One << 192) - 1) / d - (BigInteger.One << 64), new BigInteger(UInt256.Reciprocal3By2(d1, d0)));
            // (u2:u1) must be below (d1:d0): reduce a random pair modulo d, sometimes taking d - 1 itself.
            BigInteger top = kind == 4 ? d - 1 : ((new BigInteger(x) << 64) | y) % d;
            ulong u2 = (ulong)(top >> 64), u1 = (ulong)(top & ulong.MaxValue);
            BigInteger n = (top << 64) | u0;
            ulong q = UInt256.Div3By2(u2, u1, u0, d1, d0, UInt256.Reciprocal3By2(d1, d0), out ulong r1, out ulong r0);
            Assert.Equal(n / d, new BigInteger(q));
            Assert.Equal(n % d, (new BigInteger(r1) << 64) | r0);
        }, iter: 50_000);
    }

    /// <summary>Möller-Granlund 2-by-1 division with a reciprocal against UInt128 division.</summary>
    [Fact]
    public void ReciprocalDivisionMatchesUInt128()
    {
        var gen = Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.Int[0, 3]);
        Check(gen, t =>
        {
            (ulong x, ulong lo, ulong y, int kind) = t;
            ulong d = kind switch { 0 => 1UL << 63, 1 => ulong.MaxValue, _ => y | (1UL << 63) };
            ulong hi = x % d;
            ulong reciprocal = UInt256.Reciprocal2By1(d);
            Assert.Equal((ulong)(UInt128.MaxValue / d - ((UInt128)1 << 64)), reciprocal);
            UInt128 n = ((UInt128)hi << 64) | lo;
            ulong q = UInt256.Div2By1(hi, lo, d, reciprocal, out ulong r);
            Assert.Equal((ulong)(n / d), q);
            Assert.Equal((ulong)(n % d), r);
        }, iter: 50_000);
    }
}
