using Fp6 = Lockstep.Evm.Precompiles.Curves.Fp6<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bls12381.Fp, Lockstep.Evm.Precompiles.Bls12381.Bls12381Xi>>;
using Fp12 = Lockstep.Evm.Precompiles.Curves.Fp12<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bls12381.Fp, Lockstep.Evm.Precompiles.Bls12381.Bls12381Xi>>;
using System.Runtime.CompilerServices;
using System.Numerics;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bls12381.Fp, Lockstep.Evm.Precompiles.Bls12381.Bls12381Xi>;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>
/// The optimal ate pairing on BLS12-381: e(P, Q) = f_{x,Q}(P)^((p^12 - 1)/r) with x = -0xd201000000010000.
/// Q lives on the M-type twist; ψ(x, y) = (x/w^2, y/w^3) (w^6 = ξ = 1 + u) maps it to the curve over F_p12.
/// Factors of the Miller value in proper subfields (and ±1) vanish in the final exponentiation, so lines are scaled
/// by w^3 and by F_p2 denominators, and vertical lines are skipped.
/// </summary>
internal static class Pairing
{
    /// <summary>|x| for BLS12-381; x itself is negative.</summary>
    public const ulong AbsX = 0xd201000000010000UL;

    private static readonly BigInteger P = Fp.Modulus;
    private static readonly bool[] LoopBits = Fp12.Bits(AbsX);
    /// <summary>x = -|x|.</summary>
    private static readonly BigInteger X = -(BigInteger)AbsX;
    /// <summary>(x - 1)^2 / 3, the first factor of the hard part below.</summary>
    private static readonly bool[] HardPartFactorBits = Fp12.Bits(HardPartFactor());

    /// <summary>
    /// For BLS12 curves (p^4 - p^2 + 1)/r = (x - 1)^2/3 · (x + p) · (x^2 + p^2 - 1) + 1, the identity behind the
    /// usual hard-part chains (e.g. Hayashida, Hayasaka and Teruya, 2020). Checked against the exact quotient at
    /// start-up, so a wrong constant cannot go unnoticed.
    /// </summary>
    private static BigInteger HardPartFactor()
    {
        BigInteger p2 = P * P;
        BigInteger phi12 = p2 * p2 - p2 + 1;
        BigInteger xm1Squared = (X - 1) * (X - 1);
        if (!(phi12 % Curve.Order).IsZero || !(xm1Squared % 3).IsZero
            || phi12 / Curve.Order != xm1Squared / 3 * (X + P) * (X * X + p2 - 1) + 1)
            throw new InvalidOperationException("BLS12-381 final exponentiation decomposition does not hold");
        return xm1Squared / 3;
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

    /// <summary>
    /// f_{x,Q}(P), conjugated because x is negative (f^-1 and conj(f) agree after the final exponentiation).
    /// T is kept in Jacobian coordinates (X/Z^2, Y/Z^3) so no step inverts; each line is scaled by an F_p2 factor,
    /// which the final exponentiation removes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12 MillerLoop(in Fp px, in Fp py, in Fp2 qx, in Fp2 qy)
    {
        Fp12 f = Fp12.One;
        JacobianPoint<Fp2> q = JacobianPoint<Fp2>.FromAffine(qx, qy);
        JacobianPoint<Fp2> t = q;
        for (int i = 1; i < LoopBits.Length; i++)
        {
            f = Fp12.Square(f);
            // Tangent at T (T never reaches infinity: |x| < r and Q has order r). With λ = 3X^2/(2YZ), the
            // line times 2YZ^3 is (3X^3 - 2Y^2) - 3X^2·Z^2·x_P·w^2 + 2Y·Z^3·y_P·w^3.
            Fp2 x2 = Fp2.Square(t.X);
            Fp2 threeX2 = Fp2.Add(Fp2.Double(x2), x2);
            Fp2 z2 = Fp2.Square(t.Z);
            Fp2 c00 = Fp2.Sub(Fp2.Mul(threeX2, t.X), Fp2.Double(Fp2.Square(t.Y)));
            Fp2 c01 = Fp2.Neg(Fp2.MulByFp(Fp2.Mul(threeX2, z2), px));
            Fp2 c11 = Fp2.MulByFp(Fp2.Double(Fp2.Mul(t.Y, Fp2.Mul(z2, t.Z))), py);
            f = Fp12.Mul(f, Line(c00, c01, c11));
            t = JacobianPoint<Fp2>.Double(t);
            if (LoopBits[i])
            {
                // Chord through T and Q, written from Q: slope N/D with N = y_Q·Z^3 - Y, D = Z·(x_Q·Z^2 - X);
                // the line times D is (N·x_Q - D·y_Q) - N·x_P·w^2 + D·y_P·w^3.
                z2 = Fp2.Square(t.Z);
                Fp2 n = Fp2.Sub(Fp2.Mul(qy, Fp2.Mul(z2, t.Z)), t.Y);
                Fp2 d = Fp2.Mul(t.Z, Fp2.Sub(Fp2.Mul(qx, z2), t.X));
                c00 = Fp2.Sub(Fp2.Mul(n, qx), Fp2.Mul(d, qy));
                c01 = Fp2.Neg(Fp2.MulByFp(n, px));
                c11 = Fp2.MulByFp(d, py);
                f = Fp12.Mul(f, Line(c00, c01, c11));
                t = JacobianPoint<Fp2>.Add(t, q);
            }
        }
        return Fp12.Conjugate(f);
    }

    /// <summary>
    /// A line value c00 + c01·w^2 + c11·w^3 (the untwisted line scaled by w^3 and an F_p2 factor), i.e.
    /// C0 = (c00, c01, 0) and C1 = (0, c11, 0) in the F_p6[w] basis (w^2 = v, w^3 = v·w).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Fp12 Line(in Fp2 c00, in Fp2 c01, in Fp2 c11) =>
        new(new Fp6(c00, c01, Fp2.Zero), new Fp6(Fp2.Zero, c11, Fp2.Zero));

    /// <summary>f^((p^12 - 1)/r) = ((f^(p^6 - 1))^(p^2 + 1))^((p^4 - p^2 + 1)/r).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12 FinalExponentiation(in Fp12 f)
    {
        Fp12 f1 = Fp12.Mul(Fp12.Conjugate(f), Fp12.Inverse(f));
        Fp12 m = Fp12.Mul(Fp12.Frobenius(f1, 2), f1);
        // m is in the cyclotomic subgroup (m^-1 = conj(m)), so negative powers of x cost a conjugation.
        Fp12 a = Fp12.Pow(m, HardPartFactorBits);                                   // m^((x-1)^2/3)
        Fp12 b = Fp12.Mul(PowX(a), Fp12.Frobenius(a, 1));                            // a^(x + p)
        Fp12 c = Fp12.Mul(Fp12.Mul(PowX(PowX(b)), Fp12.Frobenius(b, 2)), Fp12.Conjugate(b)); // b^(x^2 + p^2 - 1)
        return Fp12.Mul(c, m);
    }

    /// <summary>g^x for g in the cyclotomic subgroup (x &lt; 0).</summary>
    private static Fp12 PowX(in Fp12 g) => Fp12.Conjugate(Fp12.Pow(g, LoopBits));
}
