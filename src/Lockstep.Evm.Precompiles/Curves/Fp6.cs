using System.Runtime.CompilerServices;

namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>F_p6 = F_p2[v] / (v^3 - ξ) (ξ from the base field <typeparamref name="T2"/>): the element <c>C0 + C1·v + C2·v^2</c>.</summary>
internal readonly struct Fp6<T2> where T2 : struct, ITowerBase<T2>
{
    public readonly T2 C0;
    public readonly T2 C1;
    public readonly T2 C2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Fp6(in T2 c0, in T2 c1, in T2 c2) { C0 = c0; C1 = c1; C2 = c2; }

    public static Fp6<T2> Zero => default;
    public static Fp6<T2> One => new(T2.One, T2.Zero, T2.Zero);
    public bool IsZero => C0.IsZero && C1.IsZero && C2.IsZero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6<T2> Add(in Fp6<T2> x, in Fp6<T2> y) => new(T2.Add(x.C0, y.C0), T2.Add(x.C1, y.C1), T2.Add(x.C2, y.C2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6<T2> Sub(in Fp6<T2> x, in Fp6<T2> y) => new(T2.Sub(x.C0, y.C0), T2.Sub(x.C1, y.C1), T2.Sub(x.C2, y.C2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6<T2> Neg(in Fp6<T2> x) => new(T2.Neg(x.C0), T2.Neg(x.C1), T2.Neg(x.C2));

    /// <summary>Karatsuba-style product with six F_p2 multiplications.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp6<T2> Mul(in Fp6<T2> x, in Fp6<T2> y)
    {
        T2 v0 = T2.Mul(x.C0, y.C0);
        T2 v1 = T2.Mul(x.C1, y.C1);
        T2 v2 = T2.Mul(x.C2, y.C2);
        // c0 = v0 + ξ(x1·y2 + x2·y1)
        T2 t = T2.Sub(T2.Sub(T2.Mul(T2.Add(x.C1, x.C2), T2.Add(y.C1, y.C2)), v1), v2);
        T2 c0 = T2.Add(v0, T2.MulByXi(t));
        // c1 = x0·y1 + x1·y0 + ξ·x2·y2
        t = T2.Sub(T2.Sub(T2.Mul(T2.Add(x.C0, x.C1), T2.Add(y.C0, y.C1)), v0), v1);
        T2 c1 = T2.Add(t, T2.MulByXi(v2));
        // c2 = x0·y2 + x2·y0 + x1·y1
        t = T2.Sub(T2.Sub(T2.Mul(T2.Add(x.C0, x.C2), T2.Add(y.C0, y.C2)), v0), v2);
        T2 c2 = T2.Add(t, v1);
        return new Fp6<T2>(c0, c1, c2);
    }

    public static Fp6<T2> Square(in Fp6<T2> x) => Mul(x, x);

    /// <summary>x·v = ξ·C2 + C0·v + C1·v^2 (since v^3 = ξ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6<T2> MulByV(in Fp6<T2> x) => new(T2.MulByXi(x.C2), x.C0, x.C1);

    public static Fp6<T2> MulByFp2(in Fp6<T2> x, in T2 k) => new(T2.Mul(x.C0, k), T2.Mul(x.C1, k), T2.Mul(x.C2, k));

    /// <summary>The inverse via the norm to F_p2; zero maps to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp6<T2> Inverse(in Fp6<T2> x)
    {
        T2 t0 = T2.Sub(T2.Square(x.C0), T2.MulByXi(T2.Mul(x.C1, x.C2)));
        T2 t1 = T2.Sub(T2.MulByXi(T2.Square(x.C2)), T2.Mul(x.C0, x.C1));
        T2 t2 = T2.Sub(T2.Square(x.C1), T2.Mul(x.C0, x.C2));
        T2 norm = T2.Add(T2.Mul(x.C0, t0), T2.MulByXi(T2.Add(T2.Mul(x.C2, t1), T2.Mul(x.C1, t2))));
        T2 inv = T2.Inverse(norm);
        return new Fp6<T2>(T2.Mul(t0, inv), T2.Mul(t1, inv), T2.Mul(t2, inv));
    }

    public static bool Equal(in Fp6<T2> x, in Fp6<T2> y) => T2.Equal(x.C0, y.C0) && T2.Equal(x.C1, y.C1) && T2.Equal(x.C2, y.C2);
}
