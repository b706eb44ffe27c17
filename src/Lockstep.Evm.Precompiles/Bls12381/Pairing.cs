using System.Runtime.CompilerServices;
using System.Numerics;
using Lockstep.Evm.Precompiles.Bn254;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>
/// The optimal ate pairing on BLS12-381: e(P, Q) = f_{x,Q}(P)^((p^12 - 1)/r) with x = -0xd201000000010000.
/// Q lives on the M-type twist; ψ(x, y) = (x/w^2, y/w^3) (w^6 = ξ = 1 + u) maps it to the curve over F_p12.
/// Factors of the Miller value in proper subfields (and ±1) vanish in the final exponentiation, so lines are scaled
/// by w^3 to make them integral and vertical lines are skipped.
/// </summary>
internal static class Pairing
{
    /// <summary>|x| for BLS12-381; x itself is negative.</summary>
    public const ulong AbsX = 0xd201000000010000UL;

    private static readonly BigInteger P = Fp.Modulus;
    private static readonly bool[] LoopBits = Fp12.Bits(AbsX);
    private static readonly bool[] HardPartBits = Fp12.Bits(HardPartExponent());

    private static BigInteger HardPartExponent()
    {
        BigInteger p2 = P * P;
        BigInteger phi12 = p2 * p2 - p2 + 1;
        if (!(phi12 % Curve.Order).IsZero) throw new InvalidOperationException("r does not divide Φ12(p): wrong curve constants");
        return phi12 / Curve.Order;
    }

    /// <summary>True when ∏ e(P_i, Q_i) = 1 for affine, validated points (infinity pairs contribute 1).</summary>
    public static bool ProductIsOne(ReadOnlySpan<JacobianPoint<Fp>> g1, ReadOnlySpan<JacobianPoint<Fp2>> g2)
    {
        Fp12 f = Fp12.One;
        for (int i = 0; i < g1.Length; i++)
        {
            if (!g1[i].TryToAffine(out Fp px, out Fp py) || !g2[i].TryToAffine(out Fp2 qx, out Fp2 qy)) continue;
            f = Fp12.Mul(f, MillerLoop(px, py, qx, qy));
        }
        return FinalExponentiation(f).IsOne;
    }

    /// <summary>f_{x,Q}(P), conjugated because x is negative (f^-1 and conj(f) agree after the final exponentiation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12 MillerLoop(in Fp px, in Fp py, in Fp2 qx, in Fp2 qy)
    {
        Fp12 f = Fp12.One;
        Fp2 tx = qx, ty = qy;
        for (int i = 1; i < LoopBits.Length; i++)
        {
            f = Fp12.Square(f);
            // Tangent at T: λ = 3x^2 / 2y (T never reaches infinity: |x| < r and Q has order r).
            Fp2 x2 = Fp2.Square(tx);
            Fp2 lambda = Fp2.Mul(Fp2.Add(Fp2.Double(x2), x2), Fp2.Inverse(Fp2.Double(ty)));
            f = Fp12.Mul(f, Line(lambda, tx, ty, px, py));
            Fp2 x3 = Fp2.Sub(Fp2.Square(lambda), Fp2.Double(tx));
            ty = Fp2.Sub(Fp2.Mul(lambda, Fp2.Sub(tx, x3)), ty);
            tx = x3;
            if (LoopBits[i])
            {
                lambda = Fp2.Mul(Fp2.Sub(qy, ty), Fp2.Inverse(Fp2.Sub(qx, tx)));
                f = Fp12.Mul(f, Line(lambda, tx, ty, px, py));
                x3 = Fp2.Sub(Fp2.Sub(Fp2.Square(lambda), tx), qx);
                ty = Fp2.Sub(Fp2.Mul(lambda, Fp2.Sub(tx, x3)), ty);
                tx = x3;
            }
        }
        return Fp12.Conjugate(f);
    }

    /// <summary>
    /// w^3 times the line through ψ(T) with slope λ/w at P: (λ·x_T - y_T) - λ·x_P·w^2 + y_P·w^3, i.e.
    /// C0 = (λ·x_T - y_T, -λ·x_P, 0) and C1 = (0, y_P, 0) in the F_p6[w] basis (w^2 = v, w^3 = v·w).
    /// </summary>
    private static Fp12 Line(in Fp2 lambda, in Fp2 tx, in Fp2 ty, in Fp px, in Fp py)
    {
        var c0 = new Fp6(Fp2.Sub(Fp2.Mul(lambda, tx), ty), Fp2.Neg(Fp2.MulByFp(lambda, px)), Fp2.Zero);
        var c1 = new Fp6(Fp2.Zero, new Fp2(py, Fp.Zero), Fp2.Zero);
        return new Fp12(c0, c1);
    }

    /// <summary>f^((p^12 - 1)/r) = ((f^(p^6 - 1))^(p^2 + 1))^((p^4 - p^2 + 1)/r); the hard part by plain square-and-multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12 FinalExponentiation(in Fp12 f)
    {
        Fp12 f1 = Fp12.Mul(Fp12.Conjugate(f), Fp12.Inverse(f));
        Fp12 f2 = Fp12.Mul(Fp12.Frobenius(f1, 2), f1);
        return Fp12.Pow(f2, HardPartBits);
    }
}
