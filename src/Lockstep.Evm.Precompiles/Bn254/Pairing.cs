using Fp6 = Lockstep.Evm.Precompiles.Curves.Fp6<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>>;
using Fp12 = Lockstep.Evm.Precompiles.Curves.Fp12<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>>;
using System.Runtime.CompilerServices;
using System.Numerics;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;

namespace Lockstep.Evm.Precompiles.Bn254;

/// <summary>
/// The optimal ate pairing on alt_bn128 (Vercauteren, "Optimal pairings", 2010; EIP-197):
/// e(P, Q) = (f_{6u+2,Q}(P) · l_{[6u+2]Q, π(Q)}(P) · l_{[6u+2]Q+π(Q), -π²(Q)}(P))^((p^12 - 1)/r).
/// Q lives on the twist; the untwisting map ψ(x, y) = (x·w^2, y·w^3) (w^6 = ξ) puts it on the curve over F_p12.
/// Line values are only ever defined up to factors in F_p6, which the final exponentiation removes, so vertical
/// lines are skipped.
/// </summary>
/// <remarks>
/// The arithmetic kernels carry <see cref="MethodImplOptions.AggressiveOptimization"/>: a pairing check runs millions
/// of field products in a few calls, and tier-0 (unoptimised) code was measured several times slower (9 ms vs 34-56 ms for a two-pair check under load) before tier-1 took over.
/// </remarks>
internal static class Pairing
{
    /// <summary>The BN parameter u (x in some texts) of alt_bn128.</summary>
    public const ulong U = 4965661367192848881UL;

    private static readonly BigInteger P = Fp.Modulus;

    /// <summary>6u + 2, the Miller loop length, most significant bit first.</summary>
    private static readonly bool[] LoopBits = Fp12.Bits(6 * (BigInteger)U + 2);

    /// <summary>Frobenius on the twist: π(x, y) = (conj(x)·ξ^((p-1)/3), conj(y)·ξ^((p-1)/2)).</summary>
    private static readonly Fp2 FrobeniusX = Fp2.Pow(Fp2.Xi, (P - 1) / 3);
    private static readonly Fp2 FrobeniusY = Fp2.Pow(Fp2.Xi, (P - 1) / 2);

    /// <summary>
    /// The hard part (p^4 - p^2 + 1)/r of the final exponentiation written in base p with coefficients that are
    /// polynomials in u (Scott et al., "On the final exponentiation for calculating pairings on ordinary elliptic
    /// curves", 2009): λ3 = 1, λ2 = 6u^2 + 1, λ1 = -36u^3 - 18u^2 - 12u + 1, λ0 = -36u^3 - 30u^2 - 18u - 2.
    /// Checked against the exact quotient at start-up, so a wrong coefficient cannot go unnoticed.
    /// </summary>
    private static readonly BigInteger[] HardPartCoefficients = ComputeHardPartCoefficients();
    private static readonly int HardPartBitLength = (int)BigInteger.Max(BigInteger.Abs(HardPartCoefficients[0]),
        BigInteger.Max(BigInteger.Abs(HardPartCoefficients[1]), HardPartCoefficients[2])).GetBitLength();
    private static readonly bool[][] HardPartBits =
    [
        PaddedBits(BigInteger.Abs(HardPartCoefficients[0])),
        PaddedBits(BigInteger.Abs(HardPartCoefficients[1])),
        PaddedBits(HardPartCoefficients[2]),
    ];

    private static BigInteger[] ComputeHardPartCoefficients()
    {
        BigInteger u = U, u2 = u * u, u3 = u2 * u;
        BigInteger l0 = -36 * u3 - 30 * u2 - 18 * u - 2;
        BigInteger l1 = -36 * u3 - 18 * u2 - 12 * u + 1;
        BigInteger l2 = 6 * u2 + 1;
        BigInteger p2 = P * P;
        BigInteger phi12 = p2 * p2 - p2 + 1;
        if (!(phi12 % Bn254Curve.Order).IsZero || phi12 / Bn254Curve.Order != l0 + l1 * P + l2 * p2 + p2 * P)
            throw new InvalidOperationException("final exponentiation decomposition does not match (p^4 - p^2 + 1)/r");
        return [l0, l1, l2];
    }

    private static bool[] PaddedBits(BigInteger e)
    {
        bool[] bits = new bool[HardPartBitLength];
        for (int i = 0; i < bits.Length; i++) bits[bits.Length - 1 - i] = !((e >> i) & 1).IsZero;
        return bits;
    }

    /// <summary>True when ∏ e(P_i, Q_i) = 1. Points must already be validated (on curve, Q_i in G2).</summary>
    public static bool ProductIsOne(ReadOnlySpan<G1Point> g1, ReadOnlySpan<G2Point> g2)
    {
        Fp12 f = Fp12.One;
        for (int i = 0; i < g1.Length; i++)
        {
            // e(O, Q) = e(P, O) = 1.
            if (g1[i].IsInfinity || g2[i].IsInfinity) continue;
            f = Fp12.Mul(f, MillerLoop(g1[i], g2[i]));
        }
        return FinalExponentiation(f).IsOne;
    }

    /// <summary>The full pairing value e(P, Q) (tests; the precompile only needs the product check).</summary>
    public static Fp12 Pair(in G1Point p, in G2Point q) =>
        p.IsInfinity || q.IsInfinity ? Fp12.One : FinalExponentiation(MillerLoop(p, q));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12 MillerLoop(in G1Point p, in G2Point q)
    {
        Fp12 f = Fp12.One;
        Fp2 tx = q.X, ty = q.Y;
        bool tInfinity = false;
        for (int i = 1; i < LoopBits.Length; i++)
        {
            f = Fp12.Square(f);
            DoubleStep(ref f, ref tx, ref ty, ref tInfinity, p);
            if (LoopBits[i]) AddStep(ref f, ref tx, ref ty, ref tInfinity, q.X, q.Y, p);
        }
        Fp2 q1x = Fp2.Mul(Fp2.Conjugate(q.X), FrobeniusX);
        Fp2 q1y = Fp2.Mul(Fp2.Conjugate(q.Y), FrobeniusY);
        Fp2 q2x = Fp2.Mul(Fp2.Conjugate(q1x), FrobeniusX);
        Fp2 q2y = Fp2.Mul(Fp2.Conjugate(q1y), FrobeniusY);
        AddStep(ref f, ref tx, ref ty, ref tInfinity, q1x, q1y, p);
        AddStep(ref f, ref tx, ref ty, ref tInfinity, q2x, Fp2.Neg(q2y), p);
        return f;
    }

    /// <summary>f·l_{T,T}(P), T = 2T (tangent slope 3x^2 / 2y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DoubleStep(ref Fp12 f, ref Fp2 tx, ref Fp2 ty, ref bool tInfinity, in G1Point p)
    {
        if (tInfinity) return;
        if (ty.IsZero)
        {
            // Vertical tangent: 2T = O, and the line lies in F_p6 (removed by the final exponentiation).
            tInfinity = true;
            return;
        }
        Fp2 x2 = Fp2.Square(tx);
        Fp2 lambda = Fp2.Mul(Fp2.Add(Fp2.Double(x2), x2), Fp2.Inverse(Fp2.Double(ty)));
        f = Fp12.Mul(f, Line(lambda, tx, ty, p));
        Fp2 x3 = Fp2.Sub(Fp2.Square(lambda), Fp2.Double(tx));
        ty = Fp2.Sub(Fp2.Mul(lambda, Fp2.Sub(tx, x3)), ty);
        tx = x3;
    }

    /// <summary>f·l_{T,Q}(P), T = T + Q (chord slope (yQ - yT) / (xQ - xT)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddStep(ref Fp12 f, ref Fp2 tx, ref Fp2 ty, ref bool tInfinity, in Fp2 qx, in Fp2 qy, in G1Point p)
    {
        if (tInfinity)
        {
            tx = qx;
            ty = qy;
            tInfinity = false;
            return;
        }
        if (Fp2.Equal(tx, qx))
        {
            if (Fp2.Equal(ty, qy)) DoubleStep(ref f, ref tx, ref ty, ref tInfinity, p);
            else tInfinity = true; // T = -Q: vertical line, removed by the final exponentiation
            return;
        }
        Fp2 lambda = Fp2.Mul(Fp2.Sub(qy, ty), Fp2.Inverse(Fp2.Sub(qx, tx)));
        f = Fp12.Mul(f, Line(lambda, tx, ty, p));
        Fp2 x3 = Fp2.Sub(Fp2.Sub(Fp2.Square(lambda), tx), qx);
        ty = Fp2.Sub(Fp2.Mul(lambda, Fp2.Sub(tx, x3)), ty);
        tx = x3;
    }

    /// <summary>
    /// The line through ψ(T) with slope λ·w, evaluated at P: y_P - λ·x_P·w + (λ·x_T - y_T)·w^3, i.e. in the
    /// F_p6[w] basis C0 = (y_P, 0, 0) and C1 = (-λ·x_P, λ·x_T - y_T, 0) (w^3 = v·w).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Fp12 Line(in Fp2 lambda, in Fp2 tx, in Fp2 ty, in G1Point p)
    {
        var c0 = new Fp6(new Fp2(p.Y, Fp.Zero), Fp2.Zero, Fp2.Zero);
        var c1 = new Fp6(Fp2.Neg(Fp2.MulByFp(lambda, p.X)), Fp2.Sub(Fp2.Mul(lambda, tx), ty), Fp2.Zero);
        return new Fp12(c0, c1);
    }

    /// <summary>f^((p^12 - 1)/r) = ((f^(p^6 - 1))^(p^2 + 1))^((p^4 - p^2 + 1)/r).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12 FinalExponentiation(in Fp12 f)
    {
        // Easy part: f^(p^6) is the conjugate, and the p^2-power is a Frobenius map.
        Fp12 f1 = Fp12.Mul(Fp12.Conjugate(f), Fp12.Inverse(f));
        Fp12 m = Fp12.Mul(Fp12.Frobenius(f1, 2), f1);
        // m is now in the cyclotomic subgroup, where m^-1 = conj(m); the hard part is
        // m^λ0 · (m^p)^λ1 · (m^p^2)^λ2 · m^p^3 as one simultaneous (Shamir) exponentiation.
        Fp12 b0 = HardPartCoefficients[0].Sign < 0 ? Fp12.Conjugate(m) : m;
        Fp12 m1 = Fp12.Frobenius(m, 1);
        Fp12 b1 = HardPartCoefficients[1].Sign < 0 ? Fp12.Conjugate(m1) : m1;
        Fp12 b2 = Fp12.Frobenius(m, 2);
        bool[] e0 = HardPartBits[0], e1 = HardPartBits[1], e2 = HardPartBits[2];
        Fp12 acc = Fp12.One;
        for (int i = 0; i < e0.Length; i++)
        {
            acc = Fp12.Square(acc);
            if (e0[i]) acc = Fp12.Mul(acc, b0);
            if (e1[i]) acc = Fp12.Mul(acc, b1);
            if (e2[i]) acc = Fp12.Mul(acc, b2);
        }
        return Fp12.Mul(acc, Fp12.Frobenius(m, 3));
    }
}
