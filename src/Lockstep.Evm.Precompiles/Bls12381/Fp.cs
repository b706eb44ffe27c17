using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>
/// An element of the BLS12-381 base field F_p (p = 0x1a0111ea…ffffaaab, 381 bits), in Montgomery form a·2^384 mod p
/// as six 64-bit limbs, least significant first; every stored value is fully reduced.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Fp : IField<Fp>
{
    private const int Limbs = 6;

    /// <summary>The field modulus p of BLS12-381.</summary>
    public static readonly BigInteger Modulus = BigInteger.Parse(
        "01a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
        NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static readonly ulong[] P = ToLimbs(Modulus);
    private static readonly ulong NegInv = ComputeNegInv();
    private static readonly Fp R2 = FromRaw(ToLimbs(BigInteger.ModPow(2, 2 * 384, Modulus)));
    private static readonly Fp OneValue = FromRaw(ToLimbs(BigInteger.ModPow(2, 384, Modulus)));
    private static readonly BigInteger SqrtExponent = (Modulus + 1) / 4; // p ≡ 3 (mod 4)
    private static readonly BigInteger HalfModulus = (Modulus - 1) / 2;

    private readonly ulong _l0, _l1, _l2, _l3, _l4, _l5;

    private Fp(ReadOnlySpan<ulong> l) { _l0 = l[0]; _l1 = l[1]; _l2 = l[2]; _l3 = l[3]; _l4 = l[4]; _l5 = l[5]; }

    public static Fp Zero => default;
    public static Fp One => OneValue;
    public bool IsZero => (_l0 | _l1 | _l2 | _l3 | _l4 | _l5) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<ulong> Span(in Fp x) => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in x._l0), Limbs);

    private static ulong[] ToLimbs(BigInteger v)
    {
        Span<byte> b = stackalloc byte[8 * Limbs];
        b.Clear();
        v.TryWriteBytes(b, out _, isUnsigned: true, isBigEndian: false);
        var limbs = new ulong[Limbs];
        for (int i = 0; i < Limbs; i++) limbs[i] = BinaryPrimitives.ReadUInt64LittleEndian(b[(8 * i)..]);
        return limbs;
    }

    private static Fp FromRaw(ReadOnlySpan<ulong> limbs) => new(limbs);

    private static ulong ComputeNegInv()
    {
        ulong p0 = ToLimbs(Modulus)[0];
        ulong inv = 1;
        for (int i = 0; i < 6; i++) inv *= 2 - p0 * inv;
        return 0 - inv;
    }

    public static Fp FromBigInteger(BigInteger v)
    {
        v %= Modulus;
        if (v.Sign < 0) v += Modulus;
        return Mul(FromRaw(ToLimbs(v)), R2);
    }

    public BigInteger ToBigInteger()
    {
        Fp plain = Mul(this, FromRaw([1, 0, 0, 0, 0, 0]));
        Span<byte> b = stackalloc byte[8 * Limbs];
        ReadOnlySpan<ulong> l = Span(plain);
        for (int i = 0; i < Limbs; i++) BinaryPrimitives.WriteUInt64LittleEndian(b[(8 * i)..], l[i]);
        return new BigInteger(b, isUnsigned: true, isBigEndian: false);
    }

    /// <summary>Reads a big-endian integer (at most 48 bytes); false when it is not below p.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bigEndian, out Fp value)
    {
        var v = new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true);
        if (v >= Modulus)
        {
            value = default;
            return false;
        }
        value = Mul(FromRaw(ToLimbs(v)), R2);
        return true;
    }

    /// <summary>True when the value exceeds (p - 1)/2, i.e. it is the larger of y and -y (the ZCash sign flag).</summary>
    public bool IsLexicographicallyLargest => ToBigInteger() > HalfModulus;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mac(ulong a, ulong b, ulong c, ref ulong carry)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        lo += c;
        hi += lo < c ? 1UL : 0UL;
        lo += carry;
        hi += lo < carry ? 1UL : 0UL;
        carry = hi;
        return lo;
    }

    /// <summary>Subtracts p once if the value (below 2p) is at least p.</summary>
    private static Fp Reduce(ReadOnlySpan<ulong> t)
    {
        Span<ulong> d = stackalloc ulong[Limbs];
        ulong borrow = 0;
        for (int i = 0; i < Limbs; i++)
        {
            ulong x = t[i] - P[i];
            ulong b1 = t[i] < P[i] ? 1UL : 0UL;
            d[i] = x - borrow;
            borrow = b1 | (x < borrow ? 1UL : 0UL);
        }
        return borrow != 0 ? FromRaw(t) : FromRaw(d);
    }

    public static Fp Add(in Fp a, in Fp b)
    {
        // a, b < p < 2^381: the sum fits in 384 bits.
        ReadOnlySpan<ulong> x = Span(a), y = Span(b);
        Span<ulong> s = stackalloc ulong[Limbs];
        ulong carry = 0;
        for (int i = 0; i < Limbs; i++)
        {
            ulong t = x[i] + y[i];
            ulong c1 = t < x[i] ? 1UL : 0UL;
            s[i] = t + carry;
            carry = c1 | (s[i] < t ? 1UL : 0UL);
        }
        return Reduce(s);
    }

    public static Fp Sub(in Fp a, in Fp b)
    {
        ReadOnlySpan<ulong> x = Span(a), y = Span(b);
        Span<ulong> d = stackalloc ulong[Limbs];
        ulong borrow = 0;
        for (int i = 0; i < Limbs; i++)
        {
            ulong t = x[i] - y[i];
            ulong b1 = x[i] < y[i] ? 1UL : 0UL;
            d[i] = t - borrow;
            borrow = b1 | (t < borrow ? 1UL : 0UL);
        }
        if (borrow != 0)
        {
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong t = d[i] + P[i];
                ulong c1 = t < d[i] ? 1UL : 0UL;
                d[i] = t + carry;
                carry = c1 | (d[i] < t ? 1UL : 0UL);
            }
        }
        return FromRaw(d);
    }

    public static Fp Double(in Fp a) => Add(a, a);
    public static Fp Neg(in Fp a) => a.IsZero ? a : Sub(default, a);

    /// <summary>Montgomery product (CIOS) a·b·2^-384 mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp Mul(in Fp a, in Fp b)
    {
        ReadOnlySpan<ulong> x = Span(a), y = Span(b), p = P;
        Span<ulong> t = stackalloc ulong[Limbs + 2];
        t.Clear();
        ulong negInv = NegInv;
        for (int i = 0; i < Limbs; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < Limbs; j++) t[j] = Mac(x[j], y[i], t[j], ref carry);
            ulong top = t[Limbs] + carry;
            t[Limbs + 1] = top < carry ? 1UL : 0UL;
            t[Limbs] = top;

            ulong m = t[0] * negInv;
            carry = 0;
            _ = Mac(m, p[0], t[0], ref carry);
            for (int j = 1; j < Limbs; j++) t[j - 1] = Mac(m, p[j], t[j], ref carry);
            top = t[Limbs] + carry;
            t[Limbs - 1] = top;
            t[Limbs] = t[Limbs + 1] + (top < carry ? 1UL : 0UL);
        }
        // p < 2^381, so the result is below 2p < 2^384 and t[6] is zero.
        return Reduce(t[..Limbs]);
    }

    public static Fp Square(in Fp a) => Mul(a, a);

    public static Fp Pow(in Fp a, BigInteger e)
    {
        Fp result = One;
        for (long bit = (long)e.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Square(result);
            if (!((e >> (int)bit) & 1).IsZero) result = Mul(result, a);
        }
        return result;
    }

    /// <summary>a^(p-2); zero maps to zero.</summary>
    public static Fp Inverse(in Fp a) => Pow(a, Modulus - 2);

    /// <summary>The square root a^((p+1)/4) when a is a square (p ≡ 3 mod 4).</summary>
    public static bool TrySqrt(in Fp a, out Fp root)
    {
        root = Pow(a, SqrtExponent);
        return Equal(Square(root), a);
    }

    public static bool Equal(in Fp a, in Fp b) => Span(a).SequenceEqual(Span(b));

    public override string ToString() => ToBigInteger().ToString("x", CultureInfo.InvariantCulture);
}
