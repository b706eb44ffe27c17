using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lockstep.Primitives;

// Division and modular reduction. Every path is allocation-free and works on limbs held in locals: a divisor of one
// or two limbs uses chains of 2-by-1 / 3-by-2 divisions by a precomputed reciprocal (Möller and Granlund, "Improved
// division by invariant integers", IEEE Trans. Computers 60(2), 2011); a divisor of three or four limbs uses Knuth's
// algorithm D (TAOCP vol. 2, 4.3.1) unrolled for that width, each quotient limb estimated by a 3-by-2 division of the
// window's top three limbs by the divisor's top two (never too small, at most one too large), as intx and evmone do.
// MULMOD by a full-width modulus, the worst case of loopMul (vmPerformance), is five such steps after the product.
public readonly partial struct UInt256
{
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
    /// (the EVM's DIV and MOD convention).
    /// </summary>
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

        // Three or four divisor limbs: normalize both (the dividend gains a fifth limb n4), then one algorithm D step
        // per quotient limb. The starting window (the dividend's top limbs) is below the divisor because n4 < 2^s.
        int s = BitOperations.LeadingZeroCount(b.U3 != 0 ? b.U3 : b.U2);
        UInt256 d = ShiftLeftSmall(b, s);
        ulong n4 = (a.U3 >> 1) >> (63 - s);
        UInt256 n = ShiftLeftSmall(a, s);
        if (b.U3 != 0)
        {
            ulong reciprocal = Reciprocal3By2(d.U3, d.U2);
            UInt256 window = new(n.U1, n.U2, n.U3, n4);
            UInt256 r = Step5By4(window, n.U0, d, reciprocal, out ulong q0);
            quotient = new UInt256(q0);
            remainder = ShiftRightSmall(r, s);
        }
        else
        {
            ulong reciprocal = Reciprocal3By2(d.U2, d.U1);
            UInt256 window = new(n.U2, n.U3, n4, 0);
            window = Step4By3(window, n.U1, d, reciprocal, out ulong q1);
            UInt256 r = Step4By3(window, n.U0, d, reciprocal, out ulong q0);
            quotient = new UInt256(q0, q1, 0, 0);
            remainder = ShiftRightSmall(r, s);
        }
    }

    /// <summary>(a + b) mod m over the true 257-bit sum; m = 0 gives 0 (Yellow Paper, ADDMOD).</summary>
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
        // The 257-bit sum as the low five limbs of an eight-limb dividend.
        return Remainder(sum.U0, sum.U1, sum.U2, sum.U3, 1, 0, 0, 0, m);
    }

    /// <summary>(a * b) mod m over the full 512-bit product; m = 0 gives 0 (Yellow Paper, MULMOD).</summary>
    public static UInt256 MulMod(in UInt256 a, in UInt256 b, in UInt256 m)
    {
        if (m.IsZero) return Zero;
        if ((a.U1 | a.U2 | a.U3 | b.U1 | b.U2 | b.U3) == 0)
        {
            ulong hi = Math.BigMul(a.U0, b.U0, out ulong lo);
            return Mod(new UInt256(lo, hi, 0, 0), m);
        }
        MultiplyFull(a, b, out ulong p0, out ulong p1, out ulong p2, out ulong p3, out ulong p4, out ulong p5, out ulong p6, out ulong p7);
        if ((p4 | p5 | p6 | p7) == 0) return Mod(new UInt256(p0, p1, p2, p3), m);
        return Remainder(p0, p1, p2, p3, p4, p5, p6, p7, m);
    }

    /// <summary>(p7:...:p0) mod m for eight little-endian limbs; m = 0 gives 0. For tests of the reduction on chosen dividends.</summary>
    internal static UInt256 Mod512(ReadOnlySpan<ulong> p, in UInt256 m) =>
        m.IsZero ? Zero : Remainder(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], m);

    /// <summary>The 512-bit product into eight limbs held by the caller (locals, so they stay in registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyFull(in UInt256 a, in UInt256 b, out ulong p0, out ulong p1, out ulong p2, out ulong p3,
        out ulong p4, out ulong p5, out ulong p6, out ulong p7)
    {
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        ulong b0 = b.U0, b1 = b.U1, b2 = b.U2, b3 = b.U3;
        ulong c;
        c = Math.BigMul(a0, b0, out p0);
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
        p7 = MulAdd(a3, b3, p6, c, out p6);
    }

    /// <summary>
    /// (p7:...:p0) mod m for a nonzero m: normalize m and the dividend by the same shift (the dividend gains a ninth limb
    /// u8), then slide a window of m's width down the dividend one limb at a time, each step an algorithm D step
    /// (or a 3-by-2 / 2-by-1 division for narrow moduli) that keeps the window below the divisor. One method per
    /// modulus width: a single method holding all four exhausts the JIT's inlining budget and calls Math.BigMul.
    /// </summary>
    private static UInt256 Remainder(ulong p0, ulong p1, ulong p2, ulong p3, ulong p4, ulong p5, ulong p6, ulong p7, in UInt256 m)
    {
        if (m.U3 != 0) return RemainderByFourLimbs(p0, p1, p2, p3, p4, p5, p6, p7, m);
        if (m.U2 != 0) return RemainderByThreeLimbs(p0, p1, p2, p3, p4, p5, p6, p7, m);
        if (m.U1 != 0) return RemainderByTwoLimbs(p0, p1, p2, p3, p4, p5, p6, p7, m);
        return RemainderByLimb(p0, p1, p2, p3, p4, p5, p6, p7, m.U0);
    }

    private static UInt256 RemainderByFourLimbs(ulong p0, ulong p1, ulong p2, ulong p3, ulong p4, ulong p5, ulong p6, ulong p7, in UInt256 m)
    {
        int s = BitOperations.LeadingZeroCount(m.U3);
        UInt256 d = ShiftLeftSmall(m, s);
        ulong reciprocal = Reciprocal3By2(d.U3, d.U2);
        // (x >> 1) >> (63 - s) is x >> (64 - s) that also works for s = 0. The starting window (u8:u7:u6:u5) is below
        // d because u8 < 2^s.
        ulong top = (p7 >> 1) >> (63 - s);
        var r = new UInt256((p5 << s) | ((p4 >> 1) >> (63 - s)), (p6 << s) | ((p5 >> 1) >> (63 - s)), (p7 << s) | ((p6 >> 1) >> (63 - s)), top);
        // The next limbs to bring down, highest first: u4..u0, rotated through n4 by the loop.
        ulong n4 = (p4 << s) | ((p3 >> 1) >> (63 - s));
        ulong n3 = (p3 << s) | ((p2 >> 1) >> (63 - s));
        ulong n2 = (p2 << s) | ((p1 >> 1) >> (63 - s));
        ulong n1 = (p1 << s) | ((p0 >> 1) >> (63 - s));
        ulong n0 = p0 << s;
        for (int i = 0; i < 5; i++)
        {
            r = Step5By4(r, n4, d, reciprocal, out _);
            n4 = n3; n3 = n2; n2 = n1; n1 = n0;
        }
        return ShiftRightSmall(r, s);
    }

    private static UInt256 RemainderByThreeLimbs(ulong p0, ulong p1, ulong p2, ulong p3, ulong p4, ulong p5, ulong p6, ulong p7, in UInt256 m)
    {
        int s = BitOperations.LeadingZeroCount(m.U2);
        UInt256 d = ShiftLeftSmall(m, s);
        ulong reciprocal = Reciprocal3By2(d.U2, d.U1);
        // Window (u8:u7:u6), below d because u8 < 2^s; then u5..u0.
        UInt256 r = new((p6 << s) | ((p5 >> 1) >> (63 - s)), (p7 << s) | ((p6 >> 1) >> (63 - s)), (p7 >> 1) >> (63 - s), 0);
        ulong n5 = (p5 << s) | ((p4 >> 1) >> (63 - s));
        ulong n4 = (p4 << s) | ((p3 >> 1) >> (63 - s));
        ulong n3 = (p3 << s) | ((p2 >> 1) >> (63 - s));
        ulong n2 = (p2 << s) | ((p1 >> 1) >> (63 - s));
        ulong n1 = (p1 << s) | ((p0 >> 1) >> (63 - s));
        ulong n0 = p0 << s;
        for (int i = 0; i < 6; i++)
        {
            r = Step4By3(r, n5, d, reciprocal, out _);
            n5 = n4; n4 = n3; n3 = n2; n2 = n1; n1 = n0;
        }
        return ShiftRightSmall(r, s);
    }

    private static UInt256 RemainderByTwoLimbs(ulong p0, ulong p1, ulong p2, ulong p3, ulong p4, ulong p5, ulong p6, ulong p7, in UInt256 m)
    {
        int s = BitOperations.LeadingZeroCount(m.U1);
        ulong d1 = (m.U1 << s) | ((m.U0 >> 1) >> (63 - s)), d0 = m.U0 << s;
        ulong reciprocal = Reciprocal3By2(d1, d0);
        ulong r1 = (p7 >> 1) >> (63 - s);
        ulong r0 = (p7 << s) | ((p6 >> 1) >> (63 - s));
        ulong n6 = (p6 << s) | ((p5 >> 1) >> (63 - s));
        ulong n5 = (p5 << s) | ((p4 >> 1) >> (63 - s));
        ulong n4 = (p4 << s) | ((p3 >> 1) >> (63 - s));
        ulong n3 = (p3 << s) | ((p2 >> 1) >> (63 - s));
        ulong n2 = (p2 << s) | ((p1 >> 1) >> (63 - s));
        ulong n1 = (p1 << s) | ((p0 >> 1) >> (63 - s));
        ulong n0 = p0 << s;
        for (int i = 0; i < 7; i++)
        {
            Div3By2(r1, r0, n6, d1, d0, reciprocal, out r1, out r0);
            n6 = n5; n5 = n4; n4 = n3; n3 = n2; n2 = n1; n1 = n0;
        }
        return new UInt256((r0 >> s) | ((r1 << 1) << (63 - s)), r1 >> s, 0, 0);
    }

    private static UInt256 RemainderByLimb(ulong p0, ulong p1, ulong p2, ulong p3, ulong p4, ulong p5, ulong p6, ulong p7, ulong m)
    {
        int s = BitOperations.LeadingZeroCount(m);
        ulong d = m << s, reciprocal = Reciprocal2By1(d);
        ulong r = (p7 >> 1) >> (63 - s);
        ulong n7 = (p7 << s) | ((p6 >> 1) >> (63 - s));
        ulong n6 = (p6 << s) | ((p5 >> 1) >> (63 - s));
        ulong n5 = (p5 << s) | ((p4 >> 1) >> (63 - s));
        ulong n4 = (p4 << s) | ((p3 >> 1) >> (63 - s));
        ulong n3 = (p3 << s) | ((p2 >> 1) >> (63 - s));
        ulong n2 = (p2 << s) | ((p1 >> 1) >> (63 - s));
        ulong n1 = (p1 << s) | ((p0 >> 1) >> (63 - s));
        ulong n0 = p0 << s;
        for (int i = 0; i < 8; i++)
        {
            Div2By1(r, n7, d, reciprocal, out r);
            n7 = n6; n6 = n5; n5 = n4; n4 = n3; n3 = n2; n2 = n1; n1 = n0;
        }
        return new UInt256(r >> s);
    }

    /// <summary>
    /// One algorithm D step for a normalized four-limb divisor <paramref name="d"/>: the five-limb window (r:u), whose
    /// top four limbs r are below d, becomes its remainder modulo d (returned) and quotient limb <paramref name="q"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt256 Step5By4(UInt256 r, ulong u, UInt256 d, ulong reciprocal, out ulong q)
    {
        if (r.U3 == d.U3 && r.U2 == d.U2) return Step5By4TopEqual(r, u, d, out q);
        // D3: the estimate from the top three window limbs and the divisor's top two; (s1:s0) is what those limbs leave.
        ulong qhat = Div3By2(r.U3, r.U2, r.U1, d.U3, d.U2, reciprocal, out ulong s1, out ulong s0);
        // D4: take qhat * (d1:d0) = (t2:t1:t0) off (s1:s0:r0:u).
        ulong h0 = Math.BigMul(qhat, d.U0, out ulong t0);
        ulong t2 = Math.BigMul(qhat, d.U1, out ulong t1);
        t1 += h0;
        t2 += t1 < h0 ? 1UL : 0;
        ulong x0 = u - t0;
        ulong borrow = u < t0 ? 1UL : 0;
        ulong x1 = r.U0 - t1;
        ulong b1 = r.U0 < t1 ? 1UL : 0;
        b1 |= x1 < borrow ? 1UL : 0;
        x1 -= borrow;
        ulong x2 = s0 - t2;
        ulong b2 = s0 < t2 ? 1UL : 0;
        b2 |= x2 < b1 ? 1UL : 0;
        x2 -= b1;
        ulong x3 = s1 - b2;
        var x = new UInt256(x0, x1, x2, x3);
        if (s1 < b2)
        {
            // D6: qhat was one too large; adding d back wraps the window into range (the carry out cancels the borrow).
            qhat--;
            x = Add(x, d);
        }
        q = qhat;
        return x;
    }

    /// <summary>
    /// <see cref="Step5By4"/> when the window's top two limbs equal the divisor's, where the 3-by-2 quotient would not fit
    /// one limb. Then the quotient limb is exactly 2^64 - 1: the window W = r * 2^64 + u has r &lt; d and d - r &lt; 2^128,
    /// so W / d &gt; 2^64 - 2^192 / d &gt;= 2^64 - 2^-63 (d &gt;= 2^255). W - (2^64 - 1) * d = (r - d) * 2^64 + u + d, which is in
    /// [0, d), so the arithmetic modulo 2^256 is exact.
    /// </summary>
    private static UInt256 Step5By4TopEqual(UInt256 r, ulong u, UInt256 d, out ulong q)
    {
        UInt256 e = Subtract(r, d);
        q = ulong.MaxValue;
        return Add(new UInt256(u, e.U0, e.U1, e.U2), d);
    }

    /// <summary>
    /// One algorithm D step for a normalized three-limb divisor <paramref name="d"/> (d.U3 = 0): the four-limb window
    /// (r:u), r below d, becomes its remainder modulo d (returned, U3 = 0) and quotient limb <paramref name="q"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt256 Step4By3(UInt256 r, ulong u, UInt256 d, ulong reciprocal, out ulong q)
    {
        if (r.U2 == d.U2 && r.U1 == d.U1)
        {
            // As in Step5By4TopEqual, with d >= 2^191 and d - r < 2^64: the quotient limb is exactly 2^64 - 1 and
            // (r - d) * 2^64 + u + d is the remainder, exact modulo 2^256.
            UInt256 e = Subtract(r, d);
            q = ulong.MaxValue;
            return Add(new UInt256(u, e.U0, e.U1, e.U2), d);
        }
        ulong qhat = Div3By2(r.U2, r.U1, r.U0, d.U2, d.U1, reciprocal, out ulong s1, out ulong s0);
        // Take qhat * d0 = (t1:t0) off (s1:s0:u).
        ulong t1 = Math.BigMul(qhat, d.U0, out ulong t0);
        ulong x0 = u - t0;
        ulong borrow = u < t0 ? 1UL : 0;
        ulong x1 = s0 - t1;
        ulong b1 = s0 < t1 ? 1UL : 0;
        b1 |= x1 < borrow ? 1UL : 0;
        x1 -= borrow;
        ulong x2 = s1 - b1;
        if (s1 < b1)
        {
            // D6: add d back over three limbs; the carry out of the top cancels the borrow.
            qhat--;
            x0 += d.U0;
            ulong c = x0 < d.U0 ? 1UL : 0;
            x1 += c;
            ulong c1 = x1 < c ? 1UL : 0;
            x1 += d.U1;
            c1 |= x1 < d.U1 ? 1UL : 0;
            x2 += d.U2 + c1;
        }
        q = qhat;
        return new UInt256(x0, x1, x2, 0);
    }

    /// <summary>x &lt;&lt; s for 0 &lt;= s &lt; 64, dropping the bits shifted out of the top limb (normalization).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt256 ShiftLeftSmall(in UInt256 x, int s) => new(
        x.U0 << s,
        (x.U1 << s) | ((x.U0 >> 1) >> (63 - s)),
        (x.U2 << s) | ((x.U1 >> 1) >> (63 - s)),
        (x.U3 << s) | ((x.U2 >> 1) >> (63 - s)));

    /// <summary>x &gt;&gt; s for 0 &lt;= s &lt; 64 (unnormalizing a remainder).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt256 ShiftRightSmall(in UInt256 x, int s) => new(
        (x.U0 >> s) | ((x.U1 << 1) << (63 - s)),
        (x.U1 >> s) | ((x.U2 << 1) << (63 - s)),
        (x.U2 >> s) | ((x.U3 << 1) << (63 - s)),
        x.U3 >> s);

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
}
