using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>F_p12 = F_p6[w] / (w^2 - v): the element <c>C0 + C1·w</c>; pairing values live here.</summary>
internal readonly struct Fp12<T2> where T2 : struct, ITowerBase<T2>
{
    public readonly Fp6<T2> C0;
    public readonly Fp6<T2> C1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Fp12(in Fp6<T2> c0, in Fp6<T2> c1) { C0 = c0; C1 = c1; }

    public static Fp12<T2> One => new(Fp6<T2>.One, Fp6<T2>.Zero);
    public bool IsOne => Equal(this, One);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12<T2> Mul(in Fp12<T2> x, in Fp12<T2> y)
    {
        Fp6<T2> v0 = Fp6<T2>.Mul(x.C0, y.C0);
        Fp6<T2> v1 = Fp6<T2>.Mul(x.C1, y.C1);
        Fp6<T2> c1 = Fp6<T2>.Sub(Fp6<T2>.Sub(Fp6<T2>.Mul(Fp6<T2>.Add(x.C0, x.C1), Fp6<T2>.Add(y.C0, y.C1)), v0), v1);
        return new Fp12<T2>(Fp6<T2>.Add(v0, Fp6<T2>.MulByV(v1)), c1);
    }

    /// <summary>Complex squaring: C0^2 + C1^2·v = (C0 + C1)(C0 + C1·v) - t - t·v, with t = C0·C1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12<T2> Square(in Fp12<T2> x)
    {
        Fp6<T2> t = Fp6<T2>.Mul(x.C0, x.C1);
        Fp6<T2> c0 = Fp6<T2>.Sub(Fp6<T2>.Sub(Fp6<T2>.Mul(Fp6<T2>.Add(x.C0, x.C1), Fp6<T2>.Add(x.C0, Fp6<T2>.MulByV(x.C1))), t), Fp6<T2>.MulByV(t));
        return new Fp12<T2>(c0, Fp6<T2>.Add(t, t));
    }

    /// <summary>x^(p^6): w^(p^6) = -w, so this negates C1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp12<T2> Conjugate(in Fp12<T2> x) => new(x.C0, Fp6<T2>.Neg(x.C1));

    /// <summary>(C0 - C1·w) / (C0^2 - C1^2·v); zero maps to zero.</summary>
    public static Fp12<T2> Inverse(in Fp12<T2> x)
    {
        Fp6<T2> norm = Fp6<T2>.Sub(Fp6<T2>.Square(x.C0), Fp6<T2>.MulByV(Fp6<T2>.Square(x.C1)));
        Fp6<T2> inv = Fp6<T2>.Inverse(norm);
        return new Fp12<T2>(Fp6<T2>.Mul(x.C0, inv), Fp6<T2>.Neg(Fp6<T2>.Mul(x.C1, inv)));
    }

    /// <summary>x^e for a non-negative exponent given as big-endian bits (square-and-multiply).</summary>
    public static Fp12<T2> Pow(in Fp12<T2> x, ReadOnlySpan<bool> bitsMsbFirst)
    {
        Fp12<T2> result = One;
        for (int i = 0; i < bitsMsbFirst.Length; i++)
        {
            result = Square(result);
            if (bitsMsbFirst[i]) result = Mul(result, x);
        }
        return result;
    }

    /// <summary>The bits of <paramref name="e"/> (&gt; 0), most significant first, for <see cref="Pow"/>.</summary>
    public static bool[] Bits(BigInteger e)
    {
        var bits = new bool[(int)e.GetBitLength()];
        for (int i = 0; i < bits.Length; i++) bits[bits.Length - 1 - i] = !((e >> i) & 1).IsZero;
        return bits;
    }

    /// <summary>
    /// γ[k-1][i] = ξ^(i·(p^k - 1)/6): writing x = Σ c_i·w^i (c_i ∈ F_p2, i = 0..5, with v = w^2), the Frobenius
    /// power x^(p^k) is Σ conj^k(c_i)·γ[k-1][i]·w^i, because w^(p^k) = w·(w^6)^((p^k - 1)/6) and w^6 = ξ.
    /// </summary>
    private static readonly T2[][] FrobeniusCoefficients = ComputeFrobeniusCoefficients();

    private static T2[][] ComputeFrobeniusCoefficients()
    {
        var table = new T2[3][];
        for (int k = 1; k <= 3; k++)
        {
            BigInteger pk1 = BigInteger.Pow(T2.BaseModulus, k) - 1;
            if (!(pk1 % 6).IsZero) throw new InvalidOperationException("p^k - 1 is not divisible by 6");
            BigInteger e = pk1 / 6;
            table[k - 1] = new T2[6];
            for (int i = 0; i < 6; i++) table[k - 1][i] = T2.Pow(T2.NonResidue, e * i);
        }
        return table;
    }

    /// <summary>x^(p^k) for k = 1, 2, 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp12<T2> Frobenius(in Fp12<T2> x, int k)
    {
        T2[] g = FrobeniusCoefficients[k - 1];
        bool conjugate = (k & 1) == 1;
        // Basis positions: C0 = (w^0, w^2, w^4), C1 = (w^1, w^3, w^5).
        return new Fp12<T2>(
            new Fp6<T2>(Frob(x.C0.C0, g[0], conjugate), Frob(x.C0.C1, g[2], conjugate), Frob(x.C0.C2, g[4], conjugate)),
            new Fp6<T2>(Frob(x.C1.C0, g[1], conjugate), Frob(x.C1.C1, g[3], conjugate), Frob(x.C1.C2, g[5], conjugate)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T2 Frob(in T2 c, in T2 gamma, bool conjugate) => T2.Mul(conjugate ? T2.Conjugate(c) : c, gamma);

    public static bool Equal(in Fp12<T2> x, in Fp12<T2> y) => Fp6<T2>.Equal(x.C0, y.C0) && Fp6<T2>.Equal(x.C1, y.C1);
}
