using System.Numerics;

namespace Lockstep.Evm.Precompiles.Bn254;

/// <summary>
/// The optimal ate pairing on alt_bn128 (Vercauteren, "Optimal pairings", 2010; EIP-197):
/// e(P, Q) = (f_{6u+2,Q}(P) · l_{[6u+2]Q, π(Q)}(P) · l_{[6u+2]Q+π(Q), -π²(Q)}(P))^((p^12 - 1)/r).
/// Q lives on the twist; the untwisting map ψ(x, y) = (x·w^2, y·w^3) (w^6 = ξ) puts it on the curve over F_p12.
/// Line values are only ever defined up to factors in F_p6, which the final exponentiation removes, so vertical
/// lines are skipped.
/// </summary>
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

    /// <summary>Exponent p^2 of the easy part and the hard part (p^4 - p^2 + 1)/r of the final exponentiation.</summary>
    private static readonly bool[] PSquaredBits = Fp12.Bits(P * P);
    private static readonly bool[] HardPartBits = Fp12.Bits(HardPartExponent());

    private static BigInteger HardPartExponent()
    {
        BigInteger p2 = P * P;
        BigInteger phi12 = p2 * p2 - p2 + 1;
        if (!(phi12 % Bn254Curve.Order).IsZero) throw new InvalidOperationException("r does not divide Φ12(p): wrong curve constants");
        return phi12 / Bn254Curve.Order;
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
    private static Fp12 Line(in Fp2 lambda, in Fp2 tx, in Fp2 ty, in G1Point p)
    {
        var c0 = new Fp6(new Fp2(p.Y, Fp.Zero), Fp2.Zero, Fp2.Zero);
        var c1 = new Fp6(Fp2.Neg(Fp2.MulByFp(lambda, p.X)), Fp2.Sub(Fp2.Mul(lambda, tx), ty), Fp2.Zero);
        return new Fp12(c0, c1);
    }

    /// <summary>f^((p^12 - 1)/r) = ((f^(p^6 - 1))^(p^2 + 1))^((p^4 - p^2 + 1)/r).</summary>
    public static Fp12 FinalExponentiation(in Fp12 f)
    {
        Fp12 f1 = Fp12.Mul(Fp12.Conjugate(f), Fp12.Inverse(f));
        Fp12 f2 = Fp12.Mul(Fp12.Pow(f1, PSquaredBits), f1);
        return Fp12.Pow(f2, HardPartBits);
    }
}
