using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lockstep.Primitives.Tests")]

namespace Lockstep.Primitives;

/// <summary>
/// An unsigned 256-bit integer: four 64-bit limbs, least significant first (<see cref="U0"/>).
/// Arithmetic wraps modulo 2^256 as in the EVM. Signed operations read the value as two's complement.
/// </summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    /// <summary>Least significant limb.</summary>
    public readonly ulong U0;
    /// <summary>Bits 64..127.</summary>
    public readonly ulong U1;
    /// <summary>Bits 128..191.</summary>
    public readonly ulong U2;
    /// <summary>Most significant limb.</summary>
    public readonly ulong U3;

    /// <summary>0.</summary>
    public static readonly UInt256 Zero = default;
    /// <summary>1.</summary>
    public static readonly UInt256 One = new(1);
    /// <summary>2^256 - 1 (also -1 read as two's complement).</summary>
    public static readonly UInt256 MaxValue = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    private static readonly BigInteger Modulus = BigInteger.One << 256;

    /// <summary>From four limbs, least significant first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256(ulong u0, ulong u1, ulong u2, ulong u3) { U0 = u0; U1 = u1; U2 = u2; U3 = u3; }

    /// <summary>From a 64-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256(ulong value) { U0 = value; U1 = 0; U2 = 0; U3 = 0; }

    /// <summary>Reads up to 32 big-endian bytes (shorter input is left-padded with zeros).</summary>
    public UInt256(ReadOnlySpan<byte> bigEndian)
    {
        if (bigEndian.Length == 32)
        {
            U3 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian);
            U2 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]);
            U1 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]);
            U0 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]);
            return;
        }
        if (bigEndian.Length > 32) throw new ArgumentException("more than 32 bytes", nameof(bigEndian));
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        bigEndian.CopyTo(padded[(32 - bigEndian.Length)..]);
        U3 = BinaryPrimitives.ReadUInt64BigEndian(padded);
        U2 = BinaryPrimitives.ReadUInt64BigEndian(padded[8..]);
        U1 = BinaryPrimitives.ReadUInt64BigEndian(padded[16..]);
        U0 = BinaryPrimitives.ReadUInt64BigEndian(padded[24..]);
    }

    /// <summary>True for 0.</summary>
    public bool IsZero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => (U0 | U1 | U2 | U3) == 0; }
    /// <summary>True for 1.</summary>
    public bool IsOne => U0 == 1 && (U1 | U2 | U3) == 0;
    /// <summary>True when the value fits in 64 bits.</summary>
    public bool FitsInUlong { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => (U1 | U2 | U3) == 0; }
    /// <summary>True when the top bit is set (negative as two's complement).</summary>
    public bool IsNegative => (long)U3 < 0;

    /// <summary>Number of significant bits (0 for zero).</summary>
    public int BitLength =>
        U3 != 0 ? 256 - BitOperations.LeadingZeroCount(U3) :
        U2 != 0 ? 192 - BitOperations.LeadingZeroCount(U2) :
        U1 != 0 ? 128 - BitOperations.LeadingZeroCount(U1) :
        64 - BitOperations.LeadingZeroCount(U0);

    /// <summary>Number of bytes needed to write the value without leading zeros.</summary>
    public int ByteLength => (BitLength + 7) / 8;

    /// <summary>Writes 32 big-endian bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBigEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, U3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], U2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], U1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], U0);
    }

    /// <summary>32 big-endian bytes.</summary>
    public byte[] ToBigEndian()
    {
        var b = new byte[32];
        WriteBigEndian(b);
        return b;
    }

    /// <summary>Big-endian bytes without leading zeros (empty for zero), as RLP wants scalars.</summary>
    public byte[] ToBigEndianTrimmed()
    {
        Span<byte> b = stackalloc byte[32];
        WriteBigEndian(b);
        return b[(32 - ByteLength)..].ToArray();
    }

    // ---- conversions -------------------------------------------------------------------

    /// <summary>Widens a 64-bit value.</summary>
    public static implicit operator UInt256(ulong v) => new(v);
    /// <summary>Widens a 32-bit value.</summary>
    public static implicit operator UInt256(uint v) => new(v);
    /// <summary>Widens a non-negative int; a negative one throws <see cref="OverflowException"/>.</summary>
    public static implicit operator UInt256(int v) => v >= 0 ? new((ulong)v) : throw new OverflowException("negative value");
    /// <summary>The low 64 bits (truncating, as a limb read).</summary>
    public static explicit operator ulong(UInt256 v) => v.U0;

    /// <summary>The value as a non-negative BigInteger (allocates; for tests, tools and text, not for the EVM loop).</summary>
    public BigInteger ToBigInteger()
    {
        Span<byte> b = stackalloc byte[32];
        WriteBigEndian(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Reduces <paramref name="v"/> modulo 2^256 (negative values wrap as two's complement).</summary>
    public static UInt256 FromBigInteger(BigInteger v)
    {
        v %= Modulus;
        if (v.Sign < 0) v += Modulus;
        Span<byte> b = stackalloc byte[33];
        b.Clear();
        v.TryWriteBytes(b, out int written, isUnsigned: true, isBigEndian: true);
        return new UInt256(b[..written]);
    }

    /// <summary>Same as <see cref="ToBigInteger"/>.</summary>
    public static explicit operator BigInteger(UInt256 v) => v.ToBigInteger();

    /// <summary>True and the value when it fits in a signed 64-bit integer's non-negative range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetLong(out long value)
    {
        value = (long)U0;
        return (U1 | U2 | U3) == 0 && value >= 0;
    }

    // ---- arithmetic (wrapping) --------------------------------------------------------

    /// <summary>a + b mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Add(in UInt256 a, in UInt256 b)
    {
        ulong r0 = a.U0 + b.U0; ulong c = r0 < a.U0 ? 1UL : 0;
        ulong t1 = a.U1 + b.U1; ulong c1 = t1 < a.U1 ? 1UL : 0; ulong r1 = t1 + c; c1 |= r1 < t1 ? 1UL : 0;
        ulong t2 = a.U2 + b.U2; ulong c2 = t2 < a.U2 ? 1UL : 0; ulong r2 = t2 + c1; c2 |= r2 < t2 ? 1UL : 0;
        ulong r3 = a.U3 + b.U3 + c2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Adds and reports whether the true sum exceeded 2^256 - 1.</summary>
    public static UInt256 AddOverflow(in UInt256 a, in UInt256 b, out bool overflow)
    {
        UInt256 r = Add(a, b);
        overflow = r < a;
        return r;
    }

    /// <summary>a - b mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Subtract(in UInt256 a, in UInt256 b)
    {
        ulong r0 = a.U0 - b.U0; ulong br = a.U0 < b.U0 ? 1UL : 0;
        ulong t1 = a.U1 - b.U1; ulong b1 = a.U1 < b.U1 ? 1UL : 0; ulong r1 = t1 - br; b1 |= t1 < br ? 1UL : 0;
        ulong t2 = a.U2 - b.U2; ulong b2 = a.U2 < b.U2 ? 1UL : 0; ulong r2 = t2 - b1; b2 |= t2 < b1 ? 1UL : 0;
        ulong r3 = a.U3 - b.U3 - b2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Subtracts and reports whether b &gt; a (the result wrapped).</summary>
    public static UInt256 SubtractUnderflow(in UInt256 a, in UInt256 b, out bool underflow)
    {
        underflow = LessThan(a, b);
        return Subtract(a, b);
    }

    /// <summary>hi:lo = x * y + addend + carry; cannot overflow 128 bits ((2^64-1)^2 + 2(2^64-1) = 2^128 - 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong x, ulong y, ulong addend, ulong carry, out ulong lo)
    {
        ulong hi = Math.BigMul(x, y, out ulong l);
        l += addend; hi += l < addend ? 1UL : 0;
        l += carry; hi += l < carry ? 1UL : 0;
        lo = l;
        return hi;
    }

    /// <summary>Schoolbook multiplication keeping the low 256 bits (the ten partial products that reach them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Multiply(in UInt256 a, in UInt256 b)
    {
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        ulong b0 = b.U0, b1 = b.U1, b2 = b.U2, b3 = b.U3;
        if ((a1 | a2 | a3 | b1 | b2 | b3) == 0)
        {
            ulong h = Math.BigMul(a0, b0, out ulong l);
            return new UInt256(l, h, 0, 0);
        }
        // row a0 * b
        ulong c = Math.BigMul(a0, b0, out ulong r0);
        c = MulAdd(a0, b1, c, 0, out ulong r1);
        c = MulAdd(a0, b2, c, 0, out ulong r2);
        ulong r3 = a0 * b3 + c;
        // row a1 * b, one limb up
        c = MulAdd(a1, b0, r1, 0, out r1);
        c = MulAdd(a1, b1, r2, c, out r2);
        r3 += a1 * b2 + c;
        // row a2 * b, two limbs up
        c = MulAdd(a2, b0, r2, 0, out r2);
        r3 += a2 * b1 + c;
        // row a3 * b
        r3 += a3 * b0;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>
    /// a^2 mod 2^256: the cross products a_i * a_j (i &lt; j) once, doubled by a shift, plus the squares on the diagonal;
    /// six multiplications instead of ten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static UInt256 Square(in UInt256 a)
    {
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        // cross = a0*a1 * 2^64 + a0*a2 * 2^128 + (a0*a3 + a1*a2) * 2^192, limbs x1..x3
        ulong h01 = Math.BigMul(a0, a1, out ulong x1);
        ulong h02 = Math.BigMul(a0, a2, out ulong l02);
        ulong x2 = h01 + l02;
        ulong x3 = h02 + (x2 < l02 ? 1UL : 0) + a0 * a3 + a1 * a2;
        x3 = (x3 << 1) | (x2 >> 63);
        x2 = (x2 << 1) | (x1 >> 63);
        x1 <<= 1;
        ulong h00 = Math.BigMul(a0, a0, out ulong r0);
        ulong h11 = Math.BigMul(a1, a1, out ulong l11);
        ulong r1 = x1 + h00;
        ulong c = r1 < h00 ? 1UL : 0;
        ulong r2 = x2 + l11;
        ulong c2 = r2 < l11 ? 1UL : 0;
        r2 += c;
        c2 |= r2 < c ? 1UL : 0;
        ulong r3 = x3 + h11 + c2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>The full 512-bit product of <paramref name="a"/> and <paramref name="b"/> into 8 limbs, least significant first.</summary>
    public static void MultiplyFull(in UInt256 a, in UInt256 b, Span<ulong> product)
    {
        if (product.Length < 8) ThrowProductTooShort();
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        ulong b0 = b.U0, b1 = b.U1, b2 = b.U2, b3 = b.U3;
        ulong c, p1, p2, p3, p4, p5, p6;
        c = Math.BigMul(a0, b0, out product[0]);
        c = MulAdd(a0, b1, c, 0, out p1);
        c = MulAdd(a0, b2, c, 0, out p2);
        p4 = MulAdd(a0, b3, c, 0, out p3);

        c = MulAdd(a1, b0, p1, 0, out p1);
        c = MulAdd(a1, b1, p2, c, out p2);
        c = MulAdd(a1, b2, p3, c, out p3);
        p5 = MulAdd(a1, b3, p4, c, out p4);

        c = MulAdd(a2, b0, p2, 0, out p2);
        c = MulAdd(a2, b1, p3, c, out p3);
        c = MulAdd(a2, b2, p4, c, out p4);
        p6 = MulAdd(a2, b3, p5, c, out p5);

        c = MulAdd(a3, b0, p3, 0, out p3);
        c = MulAdd(a3, b1, p4, c, out p4);
        c = MulAdd(a3, b2, p5, c, out p5);
        product[7] = MulAdd(a3, b3, p6, c, out p6);
        product[1] = p1; product[2] = p2; product[3] = p3; product[4] = p4; product[5] = p5; product[6] = p6;
    }

    [DoesNotReturn]
    private static void ThrowProductTooShort() => throw new ArgumentException("needs 8 limbs", "product");

    /// <summary>Unsigned division; division by zero gives zero as in the EVM (Yellow Paper, DIV).</summary>
    public static UInt256 Divide(in UInt256 a, in UInt256 b)
    {
        if ((a.U1 | a.U2 | a.U3 | b.U1 | b.U2 | b.U3) == 0) return b.U0 == 0 ? Zero : new UInt256(a.U0 / b.U0);
        DivRem(a, b, out UInt256 q, out _);
        return q;
    }

    /// <summary>Unsigned remainder; modulo zero gives zero as in the EVM (Yellow Paper, MOD).</summary>
    public static UInt256 Mod(in UInt256 a, in UInt256 b)
    {
        if ((a.U1 | a.U2 | a.U3 | b.U1 | b.U2 | b.U3) == 0) return b.U0 == 0 ? Zero : new UInt256(a.U0 % b.U0);
        DivRem(a, b, out _, out UInt256 r);
        return r;
    }

    /// <summary>
    /// Quotient and remainder of <paramref name="a"/> / <paramref name="b"/>; both are zero when <paramref name="b"/> is zero
    /// (the EVM's DIV and MOD convention). Allocation-free: a one-limb divisor uses a chain of 2-by-1 divisions by a
    /// precomputed reciprocal, a two-limb divisor a chain of 3-by-2 divisions, a wider one Knuth's algorithm D
    /// (TAOCP vol. 2, 4.3.1) over stack limbs.
    /// </summary>
    [SkipLocalsInit]
    public static void DivRem(in UInt256 a, in UInt256 b, out UInt256 quotient, out UInt256 remainder)
    {
        if (b.IsZero) { quotient = Zero; remainder = Zero; return; }
        if (LessThan(a, b)) { quotient = Zero; remainder = a; return; }
        if ((b.U1 | b.U2 | b.U3) == 0)
        {
            if ((a.U1 | a.U2 | a.U3) == 0)
            {
                quotient = new UInt256(a.U0 / b.U0);
                remainder = new UInt256(a.U0 % b.U0);
                return;
            }
            quotient = DivRemByLimb(a, b.U0, out ulong rem);
            remainder = new UInt256(rem);
            return;
        }
        if ((b.U2 | b.U3) == 0)
        {
            quotient = DivRemByTwoLimbs(a, b.U1, b.U0, out remainder);
            return;
        }

        Span<ulong> u = stackalloc ulong[4];
        Span<ulong> v = stackalloc ulong[4];
        u[0] = a.U0; u[1] = a.U1; u[2] = a.U2; u[3] = a.U3;
        v[0] = b.U0; v[1] = b.U1; v[2] = b.U2; v[3] = b.U3;
        Span<ulong> q = stackalloc ulong[4];
        Span<ulong> r = stackalloc ulong[4];
        q.Clear();
        r.Clear();
        DivRemLimbs(u[..LimbCount(a)], v[..LimbCount(b)], q, r);
        quotient = new UInt256(q[0], q[1], q[2], q[3]);
        remainder = new UInt256(r[0], r[1], r[2], r[3]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LimbCount(in UInt256 x) => x.U3 != 0 ? 4 : x.U2 != 0 ? 3 : x.U1 != 0 ? 2 : x.U0 != 0 ? 1 : 0;

    /// <summary>Divides by a single nonzero limb: normalize the divisor, then four 2-by-1 steps with one reciprocal.</summary>
    private static UInt256 DivRemByLimb(in UInt256 a, ulong d, out ulong remainder)
    {
        int s = BitOperations.LeadingZeroCount(d);
        d <<= s;
        ulong reciprocal = Reciprocal2By1(d);
        // a << s spread over five limbs; (x >> 1) >> (63 - s) is x >> (64 - s) that also works for s = 0.
        ulong n4 = (a.U3 >> 1) >> (63 - s);
        ulong n3 = (a.U3 << s) | ((a.U2 >> 1) >> (63 - s));
        ulong n2 = (a.U2 << s) | ((a.U1 >> 1) >> (63 - s));
        ulong n1 = (a.U1 << s) | ((a.U0 >> 1) >> (63 - s));
        ulong n0 = a.U0 << s;
        ulong q3 = Div2By1(n4, n3, d, reciprocal, out ulong r);
        ulong q2 = Div2By1(r, n2, d, reciprocal, out r);
        ulong q1 = Div2By1(r, n1, d, reciprocal, out r);
        ulong q0 = Div2By1(r, n0, d, reciprocal, out r);
        remainder = r >> s;
        return new UInt256(q0, q1, q2, q3);
    }

    /// <summary>
    /// Divides by a two-limb divisor (b1 nonzero): normalize, then three 3-by-2 steps with one reciprocal. Each step's
    /// remainder is below the divisor, which is the precondition of the next.
    /// </summary>
    private static UInt256 DivRemByTwoLimbs(in UInt256 a, ulong b1, ulong b0, out UInt256 remainder)
    {
        int s = BitOperations.LeadingZeroCount(b1);
        ulong d1 = (b1 << s) | ((b0 >> 1) >> (63 - s));
        ulong d0 = b0 << s;
        ulong reciprocal = Reciprocal3By2(d1, d0);
        ulong n4 = (a.U3 >> 1) >> (63 - s);
        ulong n3 = (a.U3 << s) | ((a.U2 >> 1) >> (63 - s));
        ulong n2 = (a.U2 << s) | ((a.U1 >> 1) >> (63 - s));
        ulong n1 = (a.U1 << s) | ((a.U0 >> 1) >> (63 - s));
        ulong n0 = a.U0 << s;
        ulong q2 = Div3By2(n4, n3, n2, d1, d0, reciprocal, out ulong r1, out ulong r0);
        ulong q1 = Div3By2(r1, r0, n1, d1, d0, reciprocal, out r1, out r0);
        ulong q0 = Div3By2(r1, r0, n0, d1, d0, reciprocal, out r1, out r0);
        remainder = new UInt256((r0 >> s) | ((r1 << 1) << (63 - s)), r1 >> s, 0, 0);
        return new UInt256(q0, q1, q2, 0);
    }

    /// <summary>
    /// Divides the little-endian limbs <paramref name="u"/> by <paramref name="v"/> (no leading zero limb, length 1..4,
    /// not longer than <paramref name="u"/>, which is at most 8 limbs). Writes u.Length - v.Length + 1 quotient limbs and
    /// v.Length remainder limbs.
    /// </summary>
    [SkipLocalsInit]
    private static void DivRemLimbs(ReadOnlySpan<ulong> u, ReadOnlySpan<ulong> v, Span<ulong> quotient, Span<ulong> remainder)
    {
        int m = u.Length, n = v.Length;
        // D1: normalize so the divisor's top bit is set; the dividend gains a limb.
        int s = BitOperations.LeadingZeroCount(v[n - 1]);
        Span<ulong> un = stackalloc ulong[m + 1];
        Span<ulong> vn = stackalloc ulong[n];
        for (int i = n - 1; i > 0; i--) vn[i] = (v[i] << s) | ((v[i - 1] >> 1) >> (63 - s));
        vn[0] = v[0] << s;
        un[m] = (u[m - 1] >> 1) >> (63 - s);
        for (int i = m - 1; i > 0; i--) un[i] = (u[i] << s) | ((u[i - 1] >> 1) >> (63 - s));
        un[0] = u[0] << s;

        if (n == 1)
        {
            ulong d = vn[0], reciprocal = Reciprocal2By1(d), r = un[m];
            for (int j = m - 1; j >= 0; j--) quotient[j] = Div2By1(r, un[j], d, reciprocal, out r);
            remainder[0] = r >> s;
            return;
        }

        KnuthDivide(un, vn, quotient);
        // D8: unnormalize the remainder left in un[0..n).
        for (int i = 0; i < n - 1; i++) remainder[i] = (un[i] >> s) | ((un[i + 1] << 1) << (63 - s));
        remainder[n - 1] = un[n - 1] >> s;
    }

    /// <summary>
    /// Knuth's algorithm D (TAOCP vol. 2, 4.3.1), steps D2-D7, on a normalized divisor <paramref name="d"/> (top bit set,
    /// at least two limbs). Each quotient limb comes from a 3-by-2 division of the window's top three limbs by the
    /// divisor's top two, which is never too small and at most one too large, so the add-back of step D6 runs at most once.
    /// <paramref name="u"/> (one limb longer than the dividend) is replaced by the normalized remainder.
    /// </summary>
    private static void KnuthDivide(Span<ulong> u, ReadOnlySpan<ulong> d, Span<ulong> q)
    {
        int n = d.Length, m = u.Length - 1 - n;
        ulong d1 = d[n - 1], d0 = d[n - 2];
        ulong reciprocal = Reciprocal3By2(d1, d0);
        ReadOnlySpan<ulong> dLow = d[..(n - 2)];
        for (int j = m; j >= 0; j--)
        {
            ulong u2 = u[j + n], u1 = u[j + n - 1], u0 = u[j + n - 2];
            ulong qhat;
            if (u2 == d1 && u1 == d0)
            {
                // The window's top two limbs equal the divisor's (the running remainder is below d, so they can be
                // equal but not larger): the 3-by-2 quotient would not fit, and Knuth's cap b - 1 is then exact.
                qhat = ulong.MaxValue;
                ulong borrow = SubtractMultiple(u.Slice(j, n), d, qhat);
                ulong top = u[j + n];
                u[j + n] = top - borrow;
                if (top < borrow)
                {
                    qhat--;
                    u[j + n] += AddInPlace(u.Slice(j, n), d);
                }
            }
            else
            {
                qhat = Div3By2(u2, u1, u0, d1, d0, reciprocal, out ulong r1, out ulong r0);
                // The top two divisor limbs are accounted for in (r1, r0); take qhat times the rest off the lower limbs.
                ulong borrow = SubtractMultiple(u.Slice(j, n - 2), dLow, qhat);
                ulong b0 = r0 < borrow ? 1UL : 0;
                u[j + n - 2] = r0 - borrow;
                u[j + n - 1] = r1 - b0;
                u[j + n] = 0;
                if (r1 < b0)
                {
                    // D6: qhat was one too large; adding d back carries out of the window, cancelling the borrow.
                    qhat--;
                    AddInPlace(u.Slice(j, n), d);
                }
            }
            q[j] = qhat;
        }
    }

    /// <summary>x -= q * y over y.Length limbs; returns the limb borrowed out of the top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractMultiple(Span<ulong> x, ReadOnlySpan<ulong> y, ulong q)
    {
        ulong borrow = 0;
        for (int i = 0; i < y.Length; i++)
        {
            // q * y[i] + borrow <= (b - 1)^2 + (b - 1) < b^2, and the borrow out stays below b (see Knuth D4).
            ulong pHi = Math.BigMul(q, y[i], out ulong pLo);
            pLo += borrow;
            pHi += pLo < borrow ? 1UL : 0;
            ulong t = x[i];
            x[i] = t - pLo;
            borrow = pHi + (t < pLo ? 1UL : 0);
        }
        return borrow;
    }

    /// <summary>x += y over y.Length limbs; returns the carry out of the top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddInPlace(Span<ulong> x, ReadOnlySpan<ulong> y)
    {
        ulong carry = 0;
        for (int i = 0; i < y.Length; i++)
        {
            ulong s = x[i] + y[i];
            ulong c = s < y[i] ? 1UL : 0;
            s += carry;
            c |= s < carry ? 1UL : 0;
            x[i] = s;
            carry = c;
        }
        return carry;
    }

    /// <summary>floor((2^19 - 3 * 2^8) / d9) for d9 = 256..511, the starting approximation of <see cref="Reciprocal2By1"/>.</summary>
    private static readonly ushort[] ReciprocalTable = BuildReciprocalTable();

    private static ushort[] BuildReciprocalTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++) table[i] = (ushort)(((1 << 19) - 3 * (1 << 8)) / (256 + i));
        return table;
    }

    /// <summary>
    /// The reciprocal floor((2^128 - 1) / d) - 2^64 of a normalized divisor (top bit set), by a table lookup and
    /// Newton steps with no hardware division: Möller and Granlund, "Improved division by invariant integers"
    /// (IEEE Trans. Computers 60(2), 2011), algorithm 2 (RECIPROCAL_WORD). All steps are modulo 2^64 as in the paper.
    /// </summary>
    internal static ulong Reciprocal2By1(ulong d)
    {
        ulong d0 = d & 1;
        ulong d9 = d >> 55;
        ulong d40 = (d >> 24) + 1;
        ulong d63 = (d >> 1) + d0; // ceil(d / 2)
        ulong v0 = ReciprocalTable[(int)(d9 - 256)];
        ulong v1 = (v0 << 11) - ((v0 * v0 * d40) >> 40) - 1;
        ulong v2 = (v1 << 13) + ((v1 * ((1UL << 60) - v1 * d40)) >> 47);
        ulong e = ((v2 >> 1) & (0 - d0)) - v2 * d63; // 2^96 - v2 * d63 + floor(v2 / 2) * d0, mod 2^64
        ulong v3 = (Math.BigMul(v2, e, out _) >> 1) + (v2 << 31);
        // v4 = v3 - floor((v3 + 2^64 + 1) * d / 2^64), where (v3 + 2^64 + 1) * d = v3 * d + d + 2^64 * d.
        ulong hi = Math.BigMul(v3, d, out ulong lo);
        lo += d;
        hi += lo < d ? 1UL : 0;
        return v3 - hi - d;
    }

    /// <summary>
    /// The reciprocal floor((2^192 - 1) / (d1:d0)) - 2^64 of a normalized two-limb divisor, for <see cref="Div3By2"/>
    /// (Möller-Granlund, algorithm 6): the one-limb reciprocal of d1, adjusted down for d0.
    /// </summary>
    internal static ulong Reciprocal3By2(ulong d1, ulong d0)
    {
        ulong v = Reciprocal2By1(d1);
        ulong p = d1 * v;
        p += d0;
        if (p < d0)
        {
            v--;
            if (p >= d1) { v--; p -= d1; }
            p -= d1;
        }
        ulong t1 = Math.BigMul(v, d0, out ulong t0);
        p += t1;
        if (p < t1)
        {
            v--;
            if (p > d1 || (p == d1 && t0 >= d0)) v--;
        }
        return v;
    }

    /// <summary>
    /// (u2:u1:u0) / (d1:d0) for a normalized divisor and (u2:u1) &lt; (d1:d0), with the reciprocal from
    /// <see cref="Reciprocal3By2"/> (Möller-Granlund, algorithm 5). The quotient fits one limb; the remainder is (r1:r0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Div3By2(ulong u2, ulong u1, ulong u0, ulong d1, ulong d0, ulong reciprocal, out ulong r1, out ulong r0)
    {
        // (q1:q0) = reciprocal * u2 + (u2:u1)
        ulong q1 = Math.BigMul(reciprocal, u2, out ulong q0);
        q0 += u1;
        q1 += u2 + (q0 < u1 ? 1UL : 0);
        // (r1:r0) = (u1 - q1 * d1 : u0) - d0 * q1 - (d1:d0), all modulo 2^128 (limb pairs: UInt128's operators are calls)
        ulong rHi = u1 - q1 * d1;
        ulong tHi = Math.BigMul(d0, q1, out ulong tLo);
        ulong rLo = u0 - tLo;
        rHi = rHi - tHi - (u0 < tLo ? 1UL : 0);
        ulong borrow = rLo < d0 ? 1UL : 0;
        rLo -= d0;
        rHi = rHi - d1 - borrow;
        q1++;
        // First correction branch-free, as in Div2By1.
        ulong mask = 0UL - (rHi >= q0 ? 1UL : 0);
        q1 += mask;
        ulong addLo = d0 & mask;
        rLo += addLo;
        rHi += (d1 & mask) + (rLo < addLo ? 1UL : 0);
        if (rHi > d1 || (rHi == d1 && rLo >= d0))
        {
            q1++;
            borrow = rLo < d0 ? 1UL : 0;
            rLo -= d0;
            rHi = rHi - d1 - borrow;
        }
        r1 = rHi;
        r0 = rLo;
        return q1;
    }

    /// <summary>
    /// (u1:u0) / d for a normalized d and u1 &lt; d, using the precomputed <paramref name="reciprocal"/>
    /// (Möller-Granlund, algorithm 4): two multiplications and at most two corrections instead of a hardware divide.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Div2By1(ulong u1, ulong u0, ulong d, ulong reciprocal, out ulong remainder)
    {
        ulong q1 = Math.BigMul(reciprocal, u1, out ulong q0);
        q0 += u0;
        q1 += u1 + (q0 < u0 ? 1UL : 0) + 1;
        ulong r = u0 - q1 * d;
        // The first correction is taken about half the time, so it is done with a mask rather than a branch
        // (as the paper advises); the second is rare.
        ulong mask = 0UL - (r > q0 ? 1UL : 0);
        q1 += mask;
        r += d & mask;
        if (r >= d) { q1++; r -= d; }
        remainder = r;
        return q1;
    }

    /// <summary>Signed division (two's complement), truncating toward zero; -2^255 / -1 = -2^255 (Yellow Paper, SDIV).</summary>
    public static UInt256 SignedDivide(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        bool na = a.IsNegative, nb = b.IsNegative;
        // |-2^255| wraps to 2^255 as an unsigned value, so the one overflowing case falls out: 2^255 / 1 = -2^255.
        UInt256 q = Divide(na ? Negate(a) : a, nb ? Negate(b) : b);
        return na != nb ? Negate(q) : q;
    }

    /// <summary>Signed remainder; the result takes the sign of the dividend (Yellow Paper, SMOD).</summary>
    public static UInt256 SignedMod(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        bool na = a.IsNegative;
        UInt256 r = Mod(na ? Negate(a) : a, b.IsNegative ? Negate(b) : b);
        return na ? Negate(r) : r;
    }

    /// <summary>(a + b) mod m over the true 257-bit sum; m = 0 gives 0 (Yellow Paper, ADDMOD).</summary>
    [SkipLocalsInit]
    public static UInt256 AddMod(in UInt256 a, in UInt256 b, in UInt256 m)
    {
        if (m.IsZero) return Zero;
        UInt256 sum = Add(a, b);
        bool carry = LessThan(sum, a);
        if (LessThan(a, m) && LessThan(b, m))
        {
            // a + b < 2m, so one conditional subtraction reduces it; when the sum carried out, the wrapped
            // difference is still the right 256-bit value because the true result is below m.
            return carry || !LessThan(sum, m) ? Subtract(sum, m) : sum;
        }
        if (!carry) return Mod(sum, m);
        Span<ulong> u = stackalloc ulong[5];
        u[0] = sum.U0; u[1] = sum.U1; u[2] = sum.U2; u[3] = sum.U3; u[4] = 1;
        return ReduceLimbs(u, m);
    }

    /// <summary>(a * b) mod m over the full 512-bit product; m = 0 gives 0 (Yellow Paper, MULMOD).</summary>
    [SkipLocalsInit]
    public static UInt256 MulMod(in UInt256 a, in UInt256 b, in UInt256 m)
    {
        if (m.IsZero) return Zero;
        if ((a.U1 | a.U2 | a.U3 | b.U1 | b.U2 | b.U3) == 0)
        {
            ulong hi = Math.BigMul(a.U0, b.U0, out ulong lo);
            return Mod(new UInt256(lo, hi, 0, 0), m);
        }
        Span<ulong> p = stackalloc ulong[8];
        MultiplyFull(a, b, p);
        int len = 8;
        while (len > 0 && p[len - 1] == 0) len--;
        if (len <= 4) return Mod(new UInt256(p[0], p[1], p[2], p[3]), m);
        return ReduceLimbs(p[..len], m);
    }

    /// <summary>u mod m for a nonzero m and a dividend of 5..8 limbs whose top limb is nonzero.</summary>
    [SkipLocalsInit]
    private static UInt256 ReduceLimbs(ReadOnlySpan<ulong> u, in UInt256 m)
    {
        Span<ulong> v = stackalloc ulong[4];
        v[0] = m.U0; v[1] = m.U1; v[2] = m.U2; v[3] = m.U3;
        Span<ulong> q = stackalloc ulong[8];
        Span<ulong> r = stackalloc ulong[4];
        r.Clear();
        DivRemLimbs(u, v[..LimbCount(m)], q, r);
        return new UInt256(r[0], r[1], r[2], r[3]);
    }

    /// <summary>a^e mod 2^256 by right-to-left square-and-multiply (Yellow Paper, EXP).</summary>
    public static UInt256 Exp(in UInt256 a, in UInt256 e)
    {
        if (e.IsZero) return One;
        if ((a.U1 | a.U2 | a.U3) == 0 && a.U0 <= 1) return a; // 0^e = 0 and 1^e = 1 for e > 0
        UInt256 result = One, b = a;
        int bits = e.BitLength;
        for (int i = 0; i < bits; i++)
        {
            if (e.Bit(i)) result = Multiply(result, b);
            if (i + 1 < bits) b = Square(b);
        }
        return result;
    }

    /// <summary>EVM SIGNEXTEND: extends the sign of byte <paramref name="byteIndex"/> (0 = lowest) of <paramref name="x"/>.</summary>
    public static UInt256 SignExtend(in UInt256 byteIndex, in UInt256 x)
    {
        if (!byteIndex.FitsInUlong || byteIndex.U0 >= 31) return x;
        // Move byte b to the top, then shift it back arithmetically so its high bit fills everything above it.
        int shift = 248 - 8 * (int)byteIndex.U0;
        return ShiftRightArithmetic(ShiftLeft(x, shift), shift);
    }

    /// <summary>Two's complement negation, 0 - a mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Negate(in UInt256 a) => Subtract(Zero, a);

    /// <summary>Bit <paramref name="index"/> (0 = least significant).</summary>
    public bool Bit(int index) => index switch
    {
        < 64 => ((U0 >> index) & 1) != 0,
        < 128 => ((U1 >> (index - 64)) & 1) != 0,
        < 192 => ((U2 >> (index - 128)) & 1) != 0,
        _ => ((U3 >> (index - 192)) & 1) != 0,
    };

    /// <summary>EVM BYTE: byte <paramref name="index"/> counting from the most significant (0) end.</summary>
    public static UInt256 Byte(in UInt256 index, in UInt256 x)
    {
        if (!index.FitsInUlong || index.U0 >= 32) return Zero;
        int i = 31 - (int)index.U0; // from least significant
        ulong limb = (i >> 3) switch { 0 => x.U0, 1 => x.U1, 2 => x.U2, _ => x.U3 };
        return new UInt256((limb >> ((i & 7) * 8)) & 0xff);
    }

    // ---- shifts -----------------------------------------------------------------------
    // (x >> 1) >> (63 - s) stands for x >> (64 - s): C# masks shift counts to 6 bits, so x >> 64 would be x, not 0.

    /// <summary>Logical left shift; n &gt;= 256 gives zero, a negative n shifts right.</summary>
    public static UInt256 ShiftLeft(in UInt256 a, int n)
    {
        if (n <= 0) return n == 0 ? a : ShiftRight(a, -n);
        if (n >= 256) return Zero;
        int s = n & 63;
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        switch (n >> 6)
        {
            case 0:
                return new UInt256(a0 << s, (a1 << s) | ((a0 >> 1) >> (63 - s)),
                    (a2 << s) | ((a1 >> 1) >> (63 - s)), (a3 << s) | ((a2 >> 1) >> (63 - s)));
            case 1:
                return new UInt256(0, a0 << s, (a1 << s) | ((a0 >> 1) >> (63 - s)), (a2 << s) | ((a1 >> 1) >> (63 - s)));
            case 2:
                return new UInt256(0, 0, a0 << s, (a1 << s) | ((a0 >> 1) >> (63 - s)));
            default:
                return new UInt256(0, 0, 0, a0 << s);
        }
    }

    /// <summary>Logical right shift; n &gt;= 256 gives zero, a negative n shifts left.</summary>
    public static UInt256 ShiftRight(in UInt256 a, int n)
    {
        if (n <= 0) return n == 0 ? a : ShiftLeft(a, -n);
        if (n >= 256) return Zero;
        int s = n & 63;
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        switch (n >> 6)
        {
            case 0:
                return new UInt256((a0 >> s) | ((a1 << 1) << (63 - s)), (a1 >> s) | ((a2 << 1) << (63 - s)),
                    (a2 >> s) | ((a3 << 1) << (63 - s)), a3 >> s);
            case 1:
                return new UInt256((a1 >> s) | ((a2 << 1) << (63 - s)), (a2 >> s) | ((a3 << 1) << (63 - s)), a3 >> s, 0);
            case 2:
                return new UInt256((a2 >> s) | ((a3 << 1) << (63 - s)), a3 >> s, 0, 0);
            default:
                return new UInt256(a3 >> s, 0, 0, 0);
        }
    }

    /// <summary>Arithmetic (sign-filling) right shift, the EVM's SAR (EIP-145); n &gt;= 256 gives 0 or all ones.</summary>
    public static UInt256 ShiftRightArithmetic(in UInt256 a, int n)
    {
        if (!a.IsNegative) return ShiftRight(a, n);
        if (n >= 256) return MaxValue;
        // For negative a, sar(a, n) = ~(~a >> n): the complement's zero high bits become the ones filled in.
        return ~ShiftRight(~a, n);
    }

    // ---- comparison -------------------------------------------------------------------

    /// <summary>Unsigned a &lt; b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessThan(in UInt256 a, in UInt256 b)
    {
        if (a.U3 != b.U3) return a.U3 < b.U3;
        if (a.U2 != b.U2) return a.U2 < b.U2;
        if (a.U1 != b.U1) return a.U1 < b.U1;
        return a.U0 < b.U0;
    }

    /// <summary>Signed (two's complement) less-than.</summary>
    public static bool SignedLessThan(in UInt256 a, in UInt256 b)
    {
        bool na = a.IsNegative, nb = b.IsNegative;
        if (na != nb) return na;
        return LessThan(a, b);
    }

    /// <summary>Unsigned order.</summary>
    public int CompareTo(UInt256 other) => this == other ? 0 : LessThan(this, other) ? -1 : 1;
    /// <summary>Limb-wise equality.</summary>
    public bool Equals(UInt256 other) => U0 == other.U0 && U1 == other.U1 && U2 == other.U2 && U3 == other.U3;
    public override bool Equals(object? obj) => obj is UInt256 o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(U0, U1, U2, U3);

    // ---- operators --------------------------------------------------------------------

    /// <summary>Wrapping addition, <see cref="Add"/>.</summary>
    public static UInt256 operator +(in UInt256 a, in UInt256 b) => Add(a, b);
    /// <summary>Wrapping subtraction, <see cref="Subtract"/>.</summary>
    public static UInt256 operator -(in UInt256 a, in UInt256 b) => Subtract(a, b);
    /// <summary>Wrapping multiplication, <see cref="Multiply"/>.</summary>
    public static UInt256 operator *(in UInt256 a, in UInt256 b) => Multiply(a, b);
    /// <summary>Unsigned division (x / 0 = 0), <see cref="Divide"/>.</summary>
    public static UInt256 operator /(in UInt256 a, in UInt256 b) => Divide(a, b);
    /// <summary>Unsigned remainder (x % 0 = 0), <see cref="Mod"/>.</summary>
    public static UInt256 operator %(in UInt256 a, in UInt256 b) => Mod(a, b);
    public static UInt256 operator &(in UInt256 a, in UInt256 b) => new(a.U0 & b.U0, a.U1 & b.U1, a.U2 & b.U2, a.U3 & b.U3);
    public static UInt256 operator |(in UInt256 a, in UInt256 b) => new(a.U0 | b.U0, a.U1 | b.U1, a.U2 | b.U2, a.U3 | b.U3);
    public static UInt256 operator ^(in UInt256 a, in UInt256 b) => new(a.U0 ^ b.U0, a.U1 ^ b.U1, a.U2 ^ b.U2, a.U3 ^ b.U3);
    public static UInt256 operator ~(in UInt256 a) => new(~a.U0, ~a.U1, ~a.U2, ~a.U3);
    /// <summary>Logical left shift, <see cref="ShiftLeft"/>.</summary>
    public static UInt256 operator <<(in UInt256 a, int n) => ShiftLeft(a, n);
    /// <summary>Logical right shift, <see cref="ShiftRight"/>.</summary>
    public static UInt256 operator >>(in UInt256 a, int n) => ShiftRight(a, n);
    public static bool operator ==(in UInt256 a, in UInt256 b) => a.Equals(b);
    public static bool operator !=(in UInt256 a, in UInt256 b) => !a.Equals(b);
    public static bool operator <(in UInt256 a, in UInt256 b) => LessThan(a, b);
    public static bool operator >(in UInt256 a, in UInt256 b) => LessThan(b, a);
    public static bool operator <=(in UInt256 a, in UInt256 b) => !LessThan(b, a);
    public static bool operator >=(in UInt256 a, in UInt256 b) => !LessThan(a, b);

    // ---- text -------------------------------------------------------------------------

    /// <summary>Decimal text.</summary>
    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);

    /// <summary>0x-prefixed minimal hex ("0x0" for zero), the JSON-RPC quantity format.</summary>
    public string ToHexQuantity()
    {
        if (IsZero) return "0x0";
        string h = Convert.ToHexStringLower(ToBigEndian()).TrimStart('0');
        return "0x" + h;
    }

    /// <summary>Parses decimal or 0x-prefixed hex; values above 2^256-1 are rejected.</summary>
    public static UInt256 Parse(string text)
    {
        if (!TryParse(text, out UInt256 v)) throw new FormatException($"not a 256-bit unsigned integer: '{text}'");
        return v;
    }

    /// <summary>Parses decimal or 0x-prefixed hex ("0x" alone reads as zero); false for anything else or values above 2^256 - 1.</summary>
    public static bool TryParse(string? text, out UInt256 value)
    {
        value = Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> h = text.AsSpan(2).TrimStart('0');
            if (h.Length == 0) return true; // "0x", "0x0", "0x00..." are zero
            if (h.Length > 64) return false;
            foreach (char c in h) if (!char.IsAsciiHexDigit(c)) return false;
            value = new UInt256(Hex.Decode(h.ToString()));
            return true;
        }
        foreach (char c in text) if (!char.IsAsciiDigit(c)) return false;
        BigInteger b = BigInteger.Parse(text, CultureInfo.InvariantCulture);
        if (b >= Modulus) return false;
        value = FromBigInteger(b);
        return true;
    }
}
