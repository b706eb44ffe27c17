using System.Runtime.CompilerServices;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>F_p6 = F_p2[v] / (v^3 - ξ), ξ = 1 + u (BLS12-381): the element <c>C0 + C1·v + C2·v^2</c>.</summary>
internal readonly struct Fp6
{
    public readonly Fp2 C0;
    public readonly Fp2 C1;
    public readonly Fp2 C2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Fp6(in Fp2 c0, in Fp2 c1, in Fp2 c2) { C0 = c0; C1 = c1; C2 = c2; }

    public static Fp6 Zero => default;
    public static Fp6 One => new(Fp2.One, Fp2.Zero, Fp2.Zero);
    public bool IsZero => C0.IsZero && C1.IsZero && C2.IsZero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6 Add(in Fp6 x, in Fp6 y) => new(Fp2.Add(x.C0, y.C0), Fp2.Add(x.C1, y.C1), Fp2.Add(x.C2, y.C2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6 Sub(in Fp6 x, in Fp6 y) => new(Fp2.Sub(x.C0, y.C0), Fp2.Sub(x.C1, y.C1), Fp2.Sub(x.C2, y.C2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6 Neg(in Fp6 x) => new(Fp2.Neg(x.C0), Fp2.Neg(x.C1), Fp2.Neg(x.C2));

    /// <summary>Karatsuba-style product with six F_p2 multiplications.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp6 Mul(in Fp6 x, in Fp6 y)
    {
        Fp2 v0 = Fp2.Mul(x.C0, y.C0);
        Fp2 v1 = Fp2.Mul(x.C1, y.C1);
        Fp2 v2 = Fp2.Mul(x.C2, y.C2);
        // c0 = v0 + ξ(x1·y2 + x2·y1)
        Fp2 t = Fp2.Sub(Fp2.Sub(Fp2.Mul(Fp2.Add(x.C1, x.C2), Fp2.Add(y.C1, y.C2)), v1), v2);
        Fp2 c0 = Fp2.Add(v0, Fp2.MulByXi(t));
        // c1 = x0·y1 + x1·y0 + ξ·x2·y2
        t = Fp2.Sub(Fp2.Sub(Fp2.Mul(Fp2.Add(x.C0, x.C1), Fp2.Add(y.C0, y.C1)), v0), v1);
        Fp2 c1 = Fp2.Add(t, Fp2.MulByXi(v2));
        // c2 = x0·y2 + x2·y0 + x1·y1
        t = Fp2.Sub(Fp2.Sub(Fp2.Mul(Fp2.Add(x.C0, x.C2), Fp2.Add(y.C0, y.C2)), v0), v2);
        Fp2 c2 = Fp2.Add(t, v1);
        return new Fp6(c0, c1, c2);
    }

    public static Fp6 Square(in Fp6 x) => Mul(x, x);

    /// <summary>x·v = ξ·C2 + C0·v + C1·v^2 (since v^3 = ξ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp6 MulByV(in Fp6 x) => new(Fp2.MulByXi(x.C2), x.C0, x.C1);

    public static Fp6 MulByFp2(in Fp6 x, in Fp2 k) => new(Fp2.Mul(x.C0, k), Fp2.Mul(x.C1, k), Fp2.Mul(x.C2, k));

    /// <summary>The inverse via the norm to F_p2; zero maps to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp6 Inverse(in Fp6 x)
    {
        Fp2 t0 = Fp2.Sub(Fp2.Square(x.C0), Fp2.MulByXi(Fp2.Mul(x.C1, x.C2)));
        Fp2 t1 = Fp2.Sub(Fp2.MulByXi(Fp2.Square(x.C2)), Fp2.Mul(x.C0, x.C1));
        Fp2 t2 = Fp2.Sub(Fp2.Square(x.C1), Fp2.Mul(x.C0, x.C2));
        Fp2 norm = Fp2.Add(Fp2.Mul(x.C0, t0), Fp2.MulByXi(Fp2.Add(Fp2.Mul(x.C2, t1), Fp2.Mul(x.C1, t2))));
        Fp2 inv = Fp2.Inverse(norm);
        return new Fp6(Fp2.Mul(t0, inv), Fp2.Mul(t1, inv), Fp2.Mul(t2, inv));
    }

    public static bool Equal(in Fp6 x, in Fp6 y) => Fp2.Equal(x.C0, y.C0) && Fp2.Equal(x.C1, y.C1) && Fp2.Equal(x.C2, y.C2);
}
