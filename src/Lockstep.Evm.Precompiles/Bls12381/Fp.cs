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
internal readonly struct Fp : IPrimeField<Fp>
{
    private const int Limbs = 6;

    /// <summary>The field modulus p of BLS12-381.</summary>
    public static readonly BigInteger Modulus = BigInteger.Parse(
        "01a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
        NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static readonly Fp R2 = FromRaw(ToLimbs(BigInteger.ModPow(2, 2 * 384, Modulus)));
    private static readonly Fp OneValue = FromRaw(ToLimbs(BigInteger.ModPow(2, 384, Modulus)));
    private static readonly bool[] SqrtExponentBits = Scalars.BitsMsbFirst((Modulus + 1) / 4); // p ≡ 3 (mod 4)
    private static readonly bool[] InverseExponentBits = Scalars.BitsMsbFirst(Modulus - 2);
    private static readonly BigInteger HalfModulus = (Modulus - 1) / 2;

    private readonly ulong _l0, _l1, _l2, _l3, _l4, _l5;

    private Fp(ReadOnlySpan<ulong> l) { _l0 = l[0]; _l1 = l[1]; _l2 = l[2]; _l3 = l[3]; _l4 = l[4]; _l5 = l[5]; }

    public static Fp Zero => default;
    static BigInteger IPrimeField<Fp>.Characteristic => Modulus;

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

    internal static ulong ComputeNegInv()
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

    // p as limbs, least significant first (Modulus above), and -p^-1 mod 2^64; the tests compare both with Modulus.
    internal const ulong P0 = 0xb9feffffffffaaabUL, P1 = 0x1eabfffeb153ffffUL, P2 = 0x6730d2a0f6b0f624UL,
        P3 = 0x64774b84f38512bfUL, P4 = 0x4b1ba7b6434bacd7UL, P5 = 0x1a0111ea397fe69aUL;
    internal const ulong NegInvConst = 0x89f3fffcfffcfffdUL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Fp(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4, ulong l5) { _l0 = l0; _l1 = l1; _l2 = l2; _l3 = l3; _l4 = l4; _l5 = l5; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddCarry(ulong a, ulong b, ref ulong carry)
    {
        ulong s = a + b;
        ulong c1 = s < a ? 1UL : 0UL;
        ulong r = s + carry;
        carry = c1 | (r < s ? 1UL : 0UL);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubBorrow(ulong a, ulong b, ref ulong borrow)
    {
        ulong d = a - b;
        ulong b1 = a < b ? 1UL : 0UL;
        ulong r = d - borrow;
        borrow = b1 | (d < borrow ? 1UL : 0UL);
        return r;
    }

    /// <summary>Subtracts p once if the value (below 2p) is at least p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Fp Reduce(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4, ulong l5)
    {
        ulong borrow = 0;
        ulong r0 = SubBorrow(l0, P0, ref borrow);
        ulong r1 = SubBorrow(l1, P1, ref borrow);
        ulong r2 = SubBorrow(l2, P2, ref borrow);
        ulong r3 = SubBorrow(l3, P3, ref borrow);
        ulong r4 = SubBorrow(l4, P4, ref borrow);
        ulong r5 = SubBorrow(l5, P5, ref borrow);
        return borrow != 0 ? new Fp(l0, l1, l2, l3, l4, l5) : new Fp(r0, r1, r2, r3, r4, r5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Add(in Fp a, in Fp b)
    {
        // a, b < p < 2^381: the sum fits in 384 bits.
        ulong c = 0;
        ulong l0 = AddCarry(a._l0, b._l0, ref c);
        ulong l1 = AddCarry(a._l1, b._l1, ref c);
        ulong l2 = AddCarry(a._l2, b._l2, ref c);
        ulong l3 = AddCarry(a._l3, b._l3, ref c);
        ulong l4 = AddCarry(a._l4, b._l4, ref c);
        ulong l5 = AddCarry(a._l5, b._l5, ref c);
        return Reduce(l0, l1, l2, l3, l4, l5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Sub(in Fp a, in Fp b)
    {
        ulong borrow = 0;
        ulong l0 = SubBorrow(a._l0, b._l0, ref borrow);
        ulong l1 = SubBorrow(a._l1, b._l1, ref borrow);
        ulong l2 = SubBorrow(a._l2, b._l2, ref borrow);
        ulong l3 = SubBorrow(a._l3, b._l3, ref borrow);
        ulong l4 = SubBorrow(a._l4, b._l4, ref borrow);
        ulong l5 = SubBorrow(a._l5, b._l5, ref borrow);
        if (borrow == 0) return new Fp(l0, l1, l2, l3, l4, l5);
        ulong c = 0;
        l0 = AddCarry(l0, P0, ref c);
        l1 = AddCarry(l1, P1, ref c);
        l2 = AddCarry(l2, P2, ref c);
        l3 = AddCarry(l3, P3, ref c);
        l4 = AddCarry(l4, P4, ref c);
        l5 = AddCarry(l5, P5, ref c);
        return new Fp(l0, l1, l2, l3, l4, l5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Double(in Fp a) => Add(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Neg(in Fp a) => a.IsZero ? a : Sub(default, a);

    /// <summary>Montgomery product (CIOS) a·b·2^-384 mod p, fully unrolled over the six limbs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Fp Mul(in Fp a, in Fp b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0;
        MulRound(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, a, b._l0);
        MulRound(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, a, b._l1);
        MulRound(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, a, b._l2);
        MulRound(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, a, b._l3);
        MulRound(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, a, b._l4);
        MulRound(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, a, b._l5);
        // p < 2^381, so the result is below 2p < 2^384 and t6 is zero.
        return Reduce(t0, t1, t2, t3, t4, t5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulRound(ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4, ref ulong t5, ref ulong t6, in Fp a, ulong bi)
    {
        ulong carry = 0;
        t0 = Mac(a._l0, bi, t0, ref carry);
        t1 = Mac(a._l1, bi, t1, ref carry);
        t2 = Mac(a._l2, bi, t2, ref carry);
        t3 = Mac(a._l3, bi, t3, ref carry);
        t4 = Mac(a._l4, bi, t4, ref carry);
        t5 = Mac(a._l5, bi, t5, ref carry);
        ulong top = t6 + carry;
        ulong topCarry = top < carry ? 1UL : 0UL;

        ulong m = t0 * NegInvConst;
        carry = 0;
        _ = Mac(m, P0, t0, ref carry);
        t0 = Mac(m, P1, t1, ref carry);
        t1 = Mac(m, P2, t2, ref carry);
        t2 = Mac(m, P3, t3, ref carry);
        t3 = Mac(m, P4, t4, ref carry);
        t4 = Mac(m, P5, t5, ref carry);
        t5 = top + carry;
        t6 = topCarry + (t5 < carry ? 1UL : 0UL);
    }

    public static Fp Square(in Fp a) => Mul(a, a);

    /// <summary>a^e for an exponent given as bits, most significant first (see <see cref="Scalars.BitsMsbFirst"/>).</summary>
    public static Fp Pow(in Fp a, ReadOnlySpan<bool> bitsMsbFirst)
    {
        Fp result = One;
        for (int i = 0; i < bitsMsbFirst.Length; i++)
        {
            result = Square(result);
            if (bitsMsbFirst[i]) result = Mul(result, a);
        }
        return result;
    }

    /// <summary>a^(p-2); zero maps to zero.</summary>
    public static Fp Inverse(in Fp a) => Pow(a, InverseExponentBits);

    /// <summary>The square root a^((p+1)/4) when a is a square (p ≡ 3 mod 4).</summary>
    public static bool TrySqrt(in Fp a, out Fp root)
    {
        root = Pow(a, SqrtExponentBits);
        return Equal(Square(root), a);
    }

    public static bool Equal(in Fp a, in Fp b) =>
        a._l0 == b._l0 && a._l1 == b._l1 && a._l2 == b._l2 && a._l3 == b._l3 && a._l4 == b._l4 && a._l5 == b._l5;

    public override string ToString() => ToBigInteger().ToString("x", CultureInfo.InvariantCulture);
}
