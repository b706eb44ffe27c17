using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>A prime field F_p usable as the base of <see cref="Fp2{TFp, TXi}"/>.</summary>
internal interface IPrimeField<T> : IField<T> where T : struct, IPrimeField<T>
{
    /// <summary>The characteristic p.</summary>
    static abstract BigInteger Characteristic { get; }
}

/// <summary>
/// The sextic non-residue ξ of a pairing curve's tower over F_p2 = F_p[u]/(u^2 + 1). alt_bn128 (ξ = 9 + u) and
/// BLS12-381 (ξ = 1 + u) each supply one; multiplying by ξ is specialised per curve because it is on the hot path.
/// </summary>
internal interface INonResidue<TFp, TSelf>
    where TFp : struct, IPrimeField<TFp>
    where TSelf : struct, INonResidue<TFp, TSelf>
{
    /// <summary>ξ itself.</summary>
    static abstract Fp2<TFp, TSelf> Xi { get; }
    /// <summary>x·ξ.</summary>
    static abstract Fp2<TFp, TSelf> MulByXi(in Fp2<TFp, TSelf> x);
}

/// <summary>
/// F_p2 = F_p[u] / (u^2 + 1): the element <c>A + B·u</c>. Both pairing curves use this extension (u^2 = -1 since
/// p ≡ 3 mod 4 for each); only the base field and ξ differ, so one generic struct serves both and the JIT
/// specialises it per curve.
/// </summary>
internal readonly struct Fp2<TFp, TXi> : ITowerBase<Fp2<TFp, TXi>>
    where TFp : struct, IPrimeField<TFp>
    where TXi : struct, INonResidue<TFp, TXi>
{
    public readonly TFp A;
    public readonly TFp B;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Fp2(in TFp a, in TFp b) { A = a; B = b; }

    public static Fp2<TFp, TXi> Zero => default;
    public static Fp2<TFp, TXi> One => new(TFp.One, TFp.Zero);
    public bool IsZero => A.IsZero && B.IsZero;

    /// <summary>The curve's sextic non-residue ξ.</summary>
    public static Fp2<TFp, TXi> Xi => TXi.Xi;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> Add(in Fp2<TFp, TXi> x, in Fp2<TFp, TXi> y) => new(TFp.Add(x.A, y.A), TFp.Add(x.B, y.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> Sub(in Fp2<TFp, TXi> x, in Fp2<TFp, TXi> y) => new(TFp.Sub(x.A, y.A), TFp.Sub(x.B, y.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> Double(in Fp2<TFp, TXi> x) => new(TFp.Double(x.A), TFp.Double(x.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> Neg(in Fp2<TFp, TXi> x) => new(TFp.Neg(x.A), TFp.Neg(x.B));

    /// <summary>Karatsuba: three base-field products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp2<TFp, TXi> Mul(in Fp2<TFp, TXi> x, in Fp2<TFp, TXi> y)
    {
        TFp v0 = TFp.Mul(x.A, y.A);
        TFp v1 = TFp.Mul(x.B, y.B);
        TFp cross = TFp.Mul(TFp.Add(x.A, x.B), TFp.Add(y.A, y.B));
        return new(TFp.Sub(v0, v1), TFp.Sub(TFp.Sub(cross, v0), v1));
    }

    /// <summary>(A + Bu)^2 = (A + B)(A - B) + 2AB·u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp2<TFp, TXi> Square(in Fp2<TFp, TXi> x)
    {
        TFp ab = TFp.Mul(x.A, x.B);
        return new(TFp.Mul(TFp.Add(x.A, x.B), TFp.Sub(x.A, x.B)), TFp.Double(ab));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> MulByFp(in Fp2<TFp, TXi> x, in TFp k) => new(TFp.Mul(x.A, k), TFp.Mul(x.B, k));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> MulByXi(in Fp2<TFp, TXi> x) => TXi.MulByXi(x);

    /// <summary>The Frobenius map x^p, which on F_p2 is conjugation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<TFp, TXi> Conjugate(in Fp2<TFp, TXi> x) => new(x.A, TFp.Neg(x.B));

    /// <summary>(A - Bu) / (A^2 + B^2); zero maps to zero.</summary>
    public static Fp2<TFp, TXi> Inverse(in Fp2<TFp, TXi> x)
    {
        TFp norm = TFp.Add(TFp.Square(x.A), TFp.Square(x.B));
        TFp inv = TFp.Inverse(norm);
        return new(TFp.Mul(x.A, inv), TFp.Neg(TFp.Mul(x.B, inv)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(in Fp2<TFp, TXi> x, in Fp2<TFp, TXi> y) => TFp.Equal(x.A, y.A) && TFp.Equal(x.B, y.B);

    /// <summary>x^e by square-and-multiply (constants and tests only).</summary>
    public static Fp2<TFp, TXi> Pow(in Fp2<TFp, TXi> x, BigInteger e)
    {
        Fp2<TFp, TXi> result = One;
        for (long bit = (long)e.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Square(result);
            if (!(e >> (int)bit).IsEven) result = Mul(result, x);
        }
        return result;
    }

    public override string ToString() => $"({A}, {B})";

    static Fp2<TFp, TXi> ITowerBase<Fp2<TFp, TXi>>.NonResidue => TXi.Xi;
    static BigInteger ITowerBase<Fp2<TFp, TXi>>.BaseModulus => TFp.Characteristic;
}
