using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lockstep.Primitives.Tests")]

namespace Lockstep.Primitives;

/// <summary>
/// An unsigned 256-bit integer: four 64-bit limbs, least significant first (<see cref="U0"/>).
/// Arithmetic wraps modulo 2^256 as in the EVM. Signed operations read the value as two's complement.
/// </summary>
public readonly partial struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    /// <summary>Least significant limb.</summary>
    public readonly ulong U0;
    /// <summary>Bits 64..127.</summary>
    public readonly ulong U1;
    /// <summary>Bits 128..191.</summary>
    public readonly ulong U2;
    /// <summary>Most significant limb.</summary>
    public readonly ulong U3;

    /// <summary>0.</summary>
    public static readonly UInt256 Zero = default;
    /// <summary>1.</summary>
    public static readonly UInt256 One = new(1);
    /// <summary>2^256 - 1 (also -1 read as two's complement).</summary>
    public static readonly UInt256 MaxValue = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    private static readonly BigInteger Modulus = BigInteger.One << 256;

    /// <summary>From four limbs, least significant first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256(ulong u0, ulong u1, ulong u2, ulong u3) { U0 = u0; U1 = u1; U2 = u2; U3 = u3; }

    /// <summary>From a 64-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256(ulong value) { U0 = value; U1 = 0; U2 = 0; U3 = 0; }

    /// <summary>Reads up to 32 big-endian bytes (shorter input is left-padded with zeros).</summary>
    public UInt256(ReadOnlySpan<byte> bigEndian)
    {
        if (bigEndian.Length == 32)
        {
            U3 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian);
            U2 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]);
            U1 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]);
            U0 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]);
            return;
        }
        if (bigEndian.Length > 32) throw new ArgumentException("more than 32 bytes", nameof(bigEndian));
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        bigEndian.CopyTo(padded[(32 - bigEndian.Length)..]);
        U3 = BinaryPrimitives.ReadUInt64BigEndian(padded);
        U2 = BinaryPrimitives.ReadUInt64BigEndian(padded[8..]);
        U1 = BinaryPrimitives.ReadUInt64BigEndian(padded[16..]);
        U0 = BinaryPrimitives.ReadUInt64BigEndian(padded[24..]);
    }

    /// <summary>True for 0.</summary>
    public bool IsZero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => (U0 | U1 | U2 | U3) == 0; }
    /// <summary>True for 1.</summary>
    public bool IsOne => U0 == 1 && (U1 | U2 | U3) == 0;
    /// <summary>True when the value fits in 64 bits.</summary>
    public bool FitsInUlong { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => (U1 | U2 | U3) == 0; }
    /// <summary>True when the top bit is set (negative as two's complement).</summary>
    public bool IsNegative => (long)U3 < 0;

    /// <summary>Number of significant bits (0 for zero).</summary>
    public int BitLength =>
        U3 != 0 ? 256 - BitOperations.LeadingZeroCount(U3) :
        U2 != 0 ? 192 - BitOperations.LeadingZeroCount(U2) :
        U1 != 0 ? 128 - BitOperations.LeadingZeroCount(U1) :
        64 - BitOperations.LeadingZeroCount(U0);

    /// <summary>Number of bytes needed to write the value without leading zeros.</summary>
    public int ByteLength => (BitLength + 7) / 8;

    /// <summary>Writes 32 big-endian bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBigEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, U3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], U2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], U1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], U0);
    }

    /// <summary>32 big-endian bytes.</summary>
    public byte[] ToBigEndian()
    {
        var b = new byte[32];
        WriteBigEndian(b);
        return b;
    }

    /// <summary>Big-endian bytes without leading zeros (empty for zero), as RLP wants scalars.</summary>
    public byte[] ToBigEndianTrimmed()
    {
        Span<byte> b = stackalloc byte[32];
        WriteBigEndian(b);
        return b[(32 - ByteLength)..].ToArray();
    }

    // ---- conversions -------------------------------------------------------------------

    /// <summary>Widens a 64-bit value.</summary>
    public static implicit operator UInt256(ulong v) => new(v);
    /// <summary>Widens a 32-bit value.</summary>
    public static implicit operator UInt256(uint v) => new(v);
    /// <summary>Widens a non-negative int; a negative one throws <see cref="OverflowException"/>.</summary>
    public static implicit operator UInt256(int v) => v >= 0 ? new((ulong)v) : throw new OverflowException("negative value");
    /// <summary>The low 64 bits (truncating, as a limb read).</summary>
    public static explicit operator ulong(UInt256 v) => v.U0;

    /// <summary>The value as a non-negative BigInteger (allocates; for tests, tools and text, not for the EVM loop).</summary>
    public BigInteger ToBigInteger()
    {
        Span<byte> b = stackalloc byte[32];
        WriteBigEndian(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Reduces <paramref name="v"/> modulo 2^256 (negative values wrap as two's complement).</summary>
    public static UInt256 FromBigInteger(BigInteger v)
    {
        v %= Modulus;
        if (v.Sign < 0) v += Modulus;
        Span<byte> b = stackalloc byte[33];
        b.Clear();
        v.TryWriteBytes(b, out int written, isUnsigned: true, isBigEndian: true);
        return new UInt256(b[..written]);
    }

    /// <summary>Same as <see cref="ToBigInteger"/>.</summary>
    public static explicit operator BigInteger(UInt256 v) => v.ToBigInteger();

    /// <summary>True and the value when it fits in a signed 64-bit integer's non-negative range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetLong(out long value)
    {
        value = (long)U0;
        return (U1 | U2 | U3) == 0 && value >= 0;
    }

    // ---- arithmetic (wrapping) --------------------------------------------------------

    /// <summary>a + b mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Add(in UInt256 a, in UInt256 b)
    {
        ulong r0 = a.U0 + b.U0; ulong c = r0 < a.U0 ? 1UL : 0;
        ulong t1 = a.U1 + b.U1; ulong c1 = t1 < a.U1 ? 1UL : 0; ulong r1 = t1 + c; c1 |= r1 < t1 ? 1UL : 0;
        ulong t2 = a.U2 + b.U2; ulong c2 = t2 < a.U2 ? 1UL : 0; ulong r2 = t2 + c1; c2 |= r2 < t2 ? 1UL : 0;
        ulong r3 = a.U3 + b.U3 + c2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Adds and reports whether the true sum exceeded 2^256 - 1.</summary>
    public static UInt256 AddOverflow(in UInt256 a, in UInt256 b, out bool overflow)
    {
        UInt256 r = Add(a, b);
        overflow = r < a;
        return r;
    }

    /// <summary>a - b mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Subtract(in UInt256 a, in UInt256 b)
    {
        ulong r0 = a.U0 - b.U0; ulong br = a.U0 < b.U0 ? 1UL : 0;
        ulong t1 = a.U1 - b.U1; ulong b1 = a.U1 < b.U1 ? 1UL : 0; ulong r1 = t1 - br; b1 |= t1 < br ? 1UL : 0;
        ulong t2 = a.U2 - b.U2; ulong b2 = a.U2 < b.U2 ? 1UL : 0; ulong r2 = t2 - b1; b2 |= t2 < b1 ? 1UL : 0;
        ulong r3 = a.U3 - b.U3 - b2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Subtracts and reports whether b &gt; a (the result wrapped).</summary>
    public static UInt256 SubtractUnderflow(in UInt256 a, in UInt256 b, out bool underflow)
    {
        underflow = LessThan(a, b);
        return Subtract(a, b);
    }

    /// <summary>hi:lo = x * y + addend + carry; cannot overflow 128 bits ((2^64-1)^2 + 2(2^64-1) = 2^128 - 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong x, ulong y, ulong addend, ulong carry, out ulong lo)
    {
        ulong hi = Math.BigMul(x, y, out ulong l);
        l += addend; hi += l < addend ? 1UL : 0;
        l += carry; hi += l < carry ? 1UL : 0;
        lo = l;
        return hi;
    }

    /// <summary>Schoolbook multiplication keeping the low 256 bits (the ten partial products that reach them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Multiply(in UInt256 a, in UInt256 b)
    {
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        ulong b0 = b.U0, b1 = b.U1, b2 = b.U2, b3 = b.U3;
        if ((a1 | a2 | a3 | b1 | b2 | b3) == 0)
        {
            ulong h = Math.BigMul(a0, b0, out ulong l);
            return new UInt256(l, h, 0, 0);
        }
        // row a0 * b
        ulong c = Math.BigMul(a0, b0, out ulong r0);
        c = MulAdd(a0, b1, c, 0, out ulong r1);
        c = MulAdd(a0, b2, c, 0, out ulong r2);
        ulong r3 = a0 * b3 + c;
        // row a1 * b, one limb up
        c = MulAdd(a1, b0, r1, 0, out r1);
        c = MulAdd(a1, b1, r2, c, out r2);
        r3 += a1 * b2 + c;
        // row a2 * b, two limbs up
        c = MulAdd(a2, b0, r2, 0, out r2);
        r3 += a2 * b1 + c;
        // row a3 * b
        r3 += a3 * b0;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>
    /// a^2 mod 2^256: the cross products a_i * a_j (i &lt; j) once, doubled by a shift, plus the squares on the diagonal;
    /// six multiplications instead of ten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static UInt256 Square(in UInt256 a)
    {
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        // cross = a0*a1 * 2^64 + a0*a2 * 2^128 + (a0*a3 + a1*a2) * 2^192, limbs x1..x3
        ulong h01 = Math.BigMul(a0, a1, out ulong x1);
        ulong h02 = Math.BigMul(a0, a2, out ulong l02);
        ulong x2 = h01 + l02;
        ulong x3 = h02 + (x2 < l02 ? 1UL : 0) + a0 * a3 + a1 * a2;
        x3 = (x3 << 1) | (x2 >> 63);
        x2 = (x2 << 1) | (x1 >> 63);
        x1 <<= 1;
        ulong h00 = Math.BigMul(a0, a0, out ulong r0);
        ulong h11 = Math.BigMul(a1, a1, out ulong l11);
        ulong r1 = x1 + h00;
        ulong c = r1 < h00 ? 1UL : 0;
        ulong r2 = x2 + l11;
        ulong c2 = r2 < l11 ? 1UL : 0;
        r2 += c;
        c2 |= r2 < c ? 1UL : 0;
        ulong r3 = x3 + h11 + c2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>The full 512-bit product of <paramref name="a"/> and <paramref name="b"/> into 8 limbs, least significant first.</summary>
    public static void MultiplyFull(in UInt256 a, in UInt256 b, Span<ulong> product)
    {
        if (product.Length < 8) ThrowProductTooShort();
        MultiplyFull(a, b, out product[0], out product[1], out product[2], out product[3],
            out product[4], out product[5], out product[6], out product[7]);
    }

    [DoesNotReturn]
    private static void ThrowProductTooShort() => throw new ArgumentException("needs 8 limbs", "product");

    /// <summary>Signed division (two's complement), truncating toward zero; -2^255 / -1 = -2^255 (Yellow Paper, SDIV).</summary>
    public static UInt256 SignedDivide(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        bool na = a.IsNegative, nb = b.IsNegative;
        // |-2^255| wraps to 2^255 as an unsigned value, so the one overflowing case falls out: 2^255 / 1 = -2^255.
        UInt256 q = Divide(na ? Negate(a) : a, nb ? Negate(b) : b);
        return na != nb ? Negate(q) : q;
    }

    /// <summary>Signed remainder; the result takes the sign of the dividend (Yellow Paper, SMOD).</summary>
    public static UInt256 SignedMod(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        bool na = a.IsNegative;
        UInt256 r = Mod(na ? Negate(a) : a, b.IsNegative ? Negate(b) : b);
        return na ? Negate(r) : r;
    }

    /// <summary>a^e mod 2^256 by right-to-left square-and-multiply (Yellow Paper, EXP).</summary>
    public static UInt256 Exp(in UInt256 a, in UInt256 e)
    {
        if (e.IsZero) return One;
        if ((a.U1 | a.U2 | a.U3) == 0 && a.U0 <= 1) return a; // 0^e = 0 and 1^e = 1 for e > 0
        UInt256 result = One, b = a;
        int bits = e.BitLength;
        for (int i = 0; i < bits; i++)
        {
            if (e.Bit(i)) result = Multiply(result, b);
            if (i + 1 < bits) b = Square(b);
        }
        return result;
    }

    /// <summary>EVM SIGNEXTEND: extends the sign of byte <paramref name="byteIndex"/> (0 = lowest) of <paramref name="x"/>.</summary>
    public static UInt256 SignExtend(in UInt256 byteIndex, in UInt256 x)
    {
        if (!byteIndex.FitsInUlong || byteIndex.U0 >= 31) return x;
        // Move byte b to the top, then shift it back arithmetically so its high bit fills everything above it.
        int shift = 248 - 8 * (int)byteIndex.U0;
        return ShiftRightArithmetic(ShiftLeft(x, shift), shift);
    }

    /// <summary>Two's complement negation, 0 - a mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Negate(in UInt256 a) => Subtract(Zero, a);

    /// <summary>Bit <paramref name="index"/> (0 = least significant).</summary>
    public bool Bit(int index) => index switch
    {
        < 64 => ((U0 >> index) & 1) != 0,
        < 128 => ((U1 >> (index - 64)) & 1) != 0,
        < 192 => ((U2 >> (index - 128)) & 1) != 0,
        _ => ((U3 >> (index - 192)) & 1) != 0,
    };

    /// <summary>EVM BYTE: byte <paramref name="index"/> counting from the most significant (0) end.</summary>
    public static UInt256 Byte(in UInt256 index, in UInt256 x)
    {
        if (!index.FitsInUlong || index.U0 >= 32) return Zero;
        int i = 31 - (int)index.U0; // from least significant
        ulong limb = (i >> 3) switch { 0 => x.U0, 1 => x.U1, 2 => x.U2, _ => x.U3 };
        return new UInt256((limb >> ((i & 7) * 8)) & 0xff);
    }

    // ---- shifts -----------------------------------------------------------------------
    // (x >> 1) >> (63 - s) stands for x >> (64 - s): C# masks shift counts to 6 bits, so x >> 64 would be x, not 0.

    /// <summary>Logical left shift; n &gt;= 256 gives zero, a negative n shifts right.</summary>
    public static UInt256 ShiftLeft(in UInt256 a, int n)
    {
        if (n <= 0) return n == 0 ? a : ShiftRight(a, -n);
        if (n >= 256) return Zero;
        int s = n & 63;
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        switch (n >> 6)
        {
            case 0:
                return new UInt256(a0 << s, (a1 << s) | ((a0 >> 1) >> (63 - s)),
                    (a2 << s) | ((a1 >> 1) >> (63 - s)), (a3 << s) | ((a2 >> 1) >> (63 - s)));
            case 1:
                return new UInt256(0, a0 << s, (a1 << s) | ((a0 >> 1) >> (63 - s)), (a2 << s) | ((a1 >> 1) >> (63 - s)));
            case 2:
                return new UInt256(0, 0, a0 << s, (a1 << s) | ((a0 >> 1) >> (63 - s)));
            default:
                return new UInt256(0, 0, 0, a0 << s);
        }
    }

    /// <summary>Logical right shift; n &gt;= 256 gives zero, a negative n shifts left.</summary>
    public static UInt256 ShiftRight(in UInt256 a, int n)
    {
        if (n <= 0) return n == 0 ? a : ShiftLeft(a, -n);
        if (n >= 256) return Zero;
        int s = n & 63;
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        switch (n >> 6)
        {
            case 0:
                return new UInt256((a0 >> s) | ((a1 << 1) << (63 - s)), (a1 >> s) | ((a2 << 1) << (63 - s)),
                    (a2 >> s) | ((a3 << 1) << (63 - s)), a3 >> s);
            case 1:
                return new UInt256((a1 >> s) | ((a2 << 1) << (63 - s)), (a2 >> s) | ((a3 << 1) << (63 - s)), a3 >> s, 0);
            case 2:
                return new UInt256((a2 >> s) | ((a3 << 1) << (63 - s)), a3 >> s, 0, 0);
            default:
                return new UInt256(a3 >> s, 0, 0, 0);
        }
    }

    /// <summary>Arithmetic (sign-filling) right shift, the EVM's SAR (EIP-145); n &gt;= 256 gives 0 or all ones.</summary>
    public static UInt256 ShiftRightArithmetic(in UInt256 a, int n)
    {
        if (!a.IsNegative) return ShiftRight(a, n);
        if (n >= 256) return MaxValue;
        // For negative a, sar(a, n) = ~(~a >> n): the complement's zero high bits become the ones filled in.
        return ~ShiftRight(~a, n);
    }

    // ---- comparison -------------------------------------------------------------------

    /// <summary>Unsigned a &lt; b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessThan(in UInt256 a, in UInt256 b)
    {
        if (a.U3 != b.U3) return a.U3 < b.U3;
        if (a.U2 != b.U2) return a.U2 < b.U2;
        if (a.U1 != b.U1) return a.U1 < b.U1;
        return a.U0 < b.U0;
    }

    /// <summary>Signed (two's complement) less-than.</summary>
    public static bool SignedLessThan(in UInt256 a, in UInt256 b)
    {
        bool na = a.IsNegative, nb = b.IsNegative;
        if (na != nb) return na;
        return LessThan(a, b);
    }

    /// <summary>Unsigned order.</summary>
    public int CompareTo(UInt256 other) => this == other ? 0 : LessThan(this, other) ? -1 : 1;
    /// <summary>Limb-wise equality.</summary>
    public bool Equals(UInt256 other) => U0 == other.U0 && U1 == other.U1 && U2 == other.U2 && U3 == other.U3;
    public override bool Equals(object? obj) => obj is UInt256 o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(U0, U1, U2, U3);

    // ---- operators --------------------------------------------------------------------

    /// <summary>Wrapping addition, <see cref="Add"/>.</summary>
    public static UInt256 operator +(in UInt256 a, in UInt256 b) => Add(a, b);
    /// <summary>Wrapping subtraction, <see cref="Subtract"/>.</summary>
    public static UInt256 operator -(in UInt256 a, in UInt256 b) => Subtract(a, b);
    /// <summary>Wrapping multiplication, <see cref="Multiply"/>.</summary>
    public static UInt256 operator *(in UInt256 a, in UInt256 b) => Multiply(a, b);
    /// <summary>Unsigned division (x / 0 = 0), <see cref="Divide"/>.</summary>
    public static UInt256 operator /(in UInt256 a, in UInt256 b) => Divide(a, b);
    /// <summary>Unsigned remainder (x % 0 = 0), <see cref="Mod"/>.</summary>
    public static UInt256 operator %(in UInt256 a, in UInt256 b) => Mod(a, b);
    public static UInt256 operator &(in UInt256 a, in UInt256 b) => new(a.U0 & b.U0, a.U1 & b.U1, a.U2 & b.U2, a.U3 & b.U3);
    public static UInt256 operator |(in UInt256 a, in UInt256 b) => new(a.U0 | b.U0, a.U1 | b.U1, a.U2 | b.U2, a.U3 | b.U3);
    public static UInt256 operator ^(in UInt256 a, in UInt256 b) => new(a.U0 ^ b.U0, a.U1 ^ b.U1, a.U2 ^ b.U2, a.U3 ^ b.U3);
    public static UInt256 operator ~(in UInt256 a) => new(~a.U0, ~a.U1, ~a.U2, ~a.U3);
    /// <summary>Logical left shift, <see cref="ShiftLeft"/>.</summary>
    public static UInt256 operator <<(in UInt256 a, int n) => ShiftLeft(a, n);
    /// <summary>Logical right shift, <see cref="ShiftRight"/>.</summary>
    public static UInt256 operator >>(in UInt256 a, int n) => ShiftRight(a, n);
    public static bool operator ==(in UInt256 a, in UInt256 b) => a.Equals(b);
    public static bool operator !=(in UInt256 a, in UInt256 b) => !a.Equals(b);
    public static bool operator <(in UInt256 a, in UInt256 b) => LessThan(a, b);
    public static bool operator >(in UInt256 a, in UInt256 b) => LessThan(b, a);
    public static bool operator <=(in UInt256 a, in UInt256 b) => !LessThan(b, a);
    public static bool operator >=(in UInt256 a, in UInt256 b) => !LessThan(a, b);

    // ---- text -------------------------------------------------------------------------

    /// <summary>Decimal text.</summary>
    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);

    /// <summary>0x-prefixed minimal hex ("0x0" for zero), the JSON-RPC quantity format.</summary>
    public string ToHexQuantity()
    {
        if (IsZero) return "0x0";
        string h = Convert.ToHexStringLower(ToBigEndian()).TrimStart('0');
        return "0x" + h;
    }

    /// <summary>Parses decimal or 0x-prefixed hex; values above 2^256-1 are rejected.</summary>
    public static UInt256 Parse(string text)
    {
        if (!TryParse(text, out UInt256 v)) throw new FormatException($"not a 256-bit unsigned integer: '{text}'");
        return v;
    }

    /// <summary>Parses decimal or 0x-prefixed hex ("0x" alone reads as zero); false for anything else or values above 2^256 - 1.</summary>
    public static bool TryParse(string? text, out UInt256 value)
    {
        value = Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> h = text.AsSpan(2).TrimStart('0');
            if (h.Length == 0) return true; // "0x", "0x0", "0x00..." are zero
            if (h.Length > 64) return false;
            foreach (char c in h) if (!char.IsAsciiHexDigit(c)) return false;
            value = new UInt256(Hex.Decode(h.ToString()));
            return true;
        }
        foreach (char c in text) if (!char.IsAsciiDigit(c)) return false;
        BigInteger b = BigInteger.Parse(text, CultureInfo.InvariantCulture);
        if (b >= Modulus) return false;
        value = FromBigInteger(b);
        return true;
    }
}
