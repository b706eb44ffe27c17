using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lockstep.Evm.Precompiles.Bn254;

/// <summary>F_p12 = F_p6[w] / (w^2 - v): the element <c>C0 + C1·w</c>; pairing values live here.</summary>
internal readonly struct Fp12
{
    public readonly Fp6 C0;
    public readonly Fp6 C1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Fp12(in Fp6 c0, in Fp6 c1) { C0 = c0; C1 = c1; }

    public static Fp12 One => new(Fp6.One, Fp6.Zero);
    public bool IsOne => Equal(this, One);

    public static Fp12 Mul(in Fp12 x, in Fp12 y)
    {
        Fp6 v0 = Fp6.Mul(x.C0, y.C0);
        Fp6 v1 = Fp6.Mul(x.C1, y.C1);
        Fp6 c1 = Fp6.Sub(Fp6.Sub(Fp6.Mul(Fp6.Add(x.C0, x.C1), Fp6.Add(y.C0, y.C1)), v0), v1);
        return new Fp12(Fp6.Add(v0, Fp6.MulByV(v1)), c1);
    }

    /// <summary>Complex squaring: C0^2 + C1^2·v = (C0 + C1)(C0 + C1·v) - t - t·v, with t = C0·C1.</summary>
    public static Fp12 Square(in Fp12 x)
    {
        Fp6 t = Fp6.Mul(x.C0, x.C1);
        Fp6 c0 = Fp6.Sub(Fp6.Sub(Fp6.Mul(Fp6.Add(x.C0, x.C1), Fp6.Add(x.C0, Fp6.MulByV(x.C1))), t), Fp6.MulByV(t));
        return new Fp12(c0, Fp6.Add(t, t));
    }

    /// <summary>x^(p^6): w^(p^6) = -w, so this negates C1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp12 Conjugate(in Fp12 x) => new(x.C0, Fp6.Neg(x.C1));

    /// <summary>(C0 - C1·w) / (C0^2 - C1^2·v); zero maps to zero.</summary>
    public static Fp12 Inverse(in Fp12 x)
    {
        Fp6 norm = Fp6.Sub(Fp6.Square(x.C0), Fp6.MulByV(Fp6.Square(x.C1)));
        Fp6 inv = Fp6.Inverse(norm);
        return new Fp12(Fp6.Mul(x.C0, inv), Fp6.Neg(Fp6.Mul(x.C1, inv)));
    }

    /// <summary>x^e for a non-negative exponent given as big-endian bits (square-and-multiply).</summary>
    public static Fp12 Pow(in Fp12 x, ReadOnlySpan<bool> bitsMsbFirst)
    {
        Fp12 result = One;
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

    public static bool Equal(in Fp12 x, in Fp12 y) => Fp6.Equal(x.C0, y.C0) && Fp6.Equal(x.C1, y.C1);
}
