using System.Numerics;
using System.Runtime.CompilerServices;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles.Bn254;

/// <summary>F_p2 = F_p[u] / (u^2 + 1) (EIP-197): the element <c>A + B·u</c>.</summary>
internal readonly struct Fp2 : ITowerBase<Fp2>
{
    public readonly Fp A;
    public readonly Fp B;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Fp2(in Fp a, in Fp b) { A = a; B = b; }

    public static Fp2 Zero => default;
    public static Fp2 One => new(Fp.One, Fp.Zero);
    public bool IsZero => A.IsZero && B.IsZero;

    /// <summary>ξ = 9 + u: the sextic non-residue defining F_p6 = F_p2[v]/(v^3 - ξ) and the twist (EIP-197).</summary>
    public static readonly Fp2 Xi = new(Fp.FromUlong(9), Fp.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 Add(in Fp2 x, in Fp2 y) => new(Fp.Add(x.A, y.A), Fp.Add(x.B, y.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 Sub(in Fp2 x, in Fp2 y) => new(Fp.Sub(x.A, y.A), Fp.Sub(x.B, y.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 Double(in Fp2 x) => new(Fp.Double(x.A), Fp.Double(x.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 Neg(in Fp2 x) => new(Fp.Neg(x.A), Fp.Neg(x.B));

    /// <summary>Karatsuba: three base-field products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp2 Mul(in Fp2 x, in Fp2 y)
    {
        Fp v0 = Fp.Mul(x.A, y.A);
        Fp v1 = Fp.Mul(x.B, y.B);
        Fp cross = Fp.Mul(Fp.Add(x.A, x.B), Fp.Add(y.A, y.B));
        return new Fp2(Fp.Sub(v0, v1), Fp.Sub(Fp.Sub(cross, v0), v1));
    }

    /// <summary>(A + Bu)^2 = (A + B)(A - B) + 2AB·u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp2 Square(in Fp2 x)
    {
        Fp ab = Fp.Mul(x.A, x.B);
        return new Fp2(Fp.Mul(Fp.Add(x.A, x.B), Fp.Sub(x.A, x.B)), Fp.Double(ab));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 MulByFp(in Fp2 x, in Fp k) => new(Fp.Mul(x.A, k), Fp.Mul(x.B, k));

    /// <summary>x·ξ = (9A - B) + (A + 9B)u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 MulByXi(in Fp2 x)
    {
        Fp a8 = Fp.Double(Fp.Double(Fp.Double(x.A)));
        Fp b8 = Fp.Double(Fp.Double(Fp.Double(x.B)));
        return new Fp2(Fp.Sub(Fp.Add(a8, x.A), x.B), Fp.Add(Fp.Add(b8, x.B), x.A));
    }

    /// <summary>The Frobenius map x^p, which on F_p2 is conjugation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2 Conjugate(in Fp2 x) => new(x.A, Fp.Neg(x.B));

    /// <summary>(A - Bu) / (A^2 + B^2); zero maps to zero.</summary>
    public static Fp2 Inverse(in Fp2 x)
    {
        Fp norm = Fp.Add(Fp.Square(x.A), Fp.Square(x.B));
        Fp inv = Fp.Inverse(norm);
        return new Fp2(Fp.Mul(x.A, inv), Fp.Neg(Fp.Mul(x.B, inv)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(in Fp2 x, in Fp2 y) => Fp.Equal(x.A, y.A) && Fp.Equal(x.B, y.B);

    /// <summary>x^e by square-and-multiply (constants and tests only).</summary>
    public static Fp2 Pow(in Fp2 x, BigInteger e)
    {
        Fp2 result = One;
        for (long bit = (long)e.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Square(result);
            if (!(e >> (int)bit).IsEven) result = Mul(result, x);
        }
        return result;
    }

    public override string ToString() => $"({A}, {B})";

    static Fp2 ITowerBase<Fp2>.NonResidue => Xi;
    static System.Numerics.BigInteger ITowerBase<Fp2>.BaseModulus => Fp.Modulus;
}
