using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lockstep.Primitives;

/// <summary>
/// An unsigned 256-bit integer: four 64-bit limbs, least significant first (<see cref="U0"/>).
/// Arithmetic wraps modulo 2^256 as in the EVM. Signed operations read the value as two's complement.
/// </summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    /// <summary>Least significant limb.</summary>
    public readonly ulong U0;
    public readonly ulong U1;
    public readonly ulong U2;
    /// <summary>Most significant limb.</summary>
    public readonly ulong U3;

    public static readonly UInt256 Zero = default;
    public static readonly UInt256 One = new(1);
    public static readonly UInt256 MaxValue = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    private static readonly BigInteger Modulus = BigInteger.One << 256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256(ulong u0, ulong u1, ulong u2, ulong u3) { U0 = u0; U1 = u1; U2 = u2; U3 = u3; }

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

    public bool IsZero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => (U0 | U1 | U2 | U3) == 0; }
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

    public static implicit operator UInt256(ulong v) => new(v);
    public static implicit operator UInt256(uint v) => new(v);
    public static implicit operator UInt256(int v) => v >= 0 ? new((ulong)v) : throw new OverflowException("negative value");
    public static explicit operator ulong(UInt256 v) => v.U0;

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

    public static explicit operator BigInteger(UInt256 v) => v.ToBigInteger();

    /// <summary>True and the value when it fits in a signed 64-bit integer's non-negative range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetLong(out long value)
    {
        value = (long)U0;
        return (U1 | U2 | U3) == 0 && value >= 0;
    }

    // ---- arithmetic (wrapping) --------------------------------------------------------

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt256 Subtract(in UInt256 a, in UInt256 b)
    {
        ulong r0 = a.U0 - b.U0; ulong br = a.U0 < b.U0 ? 1UL : 0;
        ulong t1 = a.U1 - b.U1; ulong b1 = a.U1 < b.U1 ? 1UL : 0; ulong r1 = t1 - br; b1 |= t1 < br ? 1UL : 0;
        ulong t2 = a.U2 - b.U2; ulong b2 = a.U2 < b.U2 ? 1UL : 0; ulong r2 = t2 - b1; b2 |= t2 < b1 ? 1UL : 0;
        ulong r3 = a.U3 - b.U3 - b2;
        return new UInt256(r0, r1, r2, r3);
    }

    /// <summary>Schoolbook multiplication keeping the low 256 bits.</summary>
    public static UInt256 Multiply(in UInt256 a, in UInt256 b)
    {
        if (a.FitsInUlong && b.FitsInUlong)
        {
            ulong hi = Math.BigMul(a.U0, b.U0, out ulong lo);
            return new UInt256(lo, hi, 0, 0);
        }
        Span<ulong> x = [a.U0, a.U1, a.U2, a.U3];
        Span<ulong> y = [b.U0, b.U1, b.U2, b.U3];
        Span<ulong> r = [0, 0, 0, 0];
        for (int i = 0; i < 4; i++)
        {
            if (x[i] == 0) continue;
            ulong carry = 0;
            for (int j = 0; i + j < 4; j++)
            {
                ulong hi = Math.BigMul(x[i], y[j], out ulong lo);
                ulong s = r[i + j] + lo; if (s < lo) hi++;
                s += carry; if (s < carry) hi++;
                r[i + j] = s;
                carry = hi;
            }
        }
        return new UInt256(r[0], r[1], r[2], r[3]);
    }

    /// <summary>Unsigned division; division by zero gives zero as in the EVM.</summary>
    public static UInt256 Divide(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        if (a.FitsInUlong && b.FitsInUlong) return new UInt256(a.U0 / b.U0);
        if (a < b) return Zero;
        return FromBigInteger(a.ToBigInteger() / b.ToBigInteger());
    }

    /// <summary>Unsigned remainder; modulo zero gives zero as in the EVM.</summary>
    public static UInt256 Mod(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        if (a.FitsInUlong && b.FitsInUlong) return new UInt256(a.U0 % b.U0);
        if (a < b) return a;
        return FromBigInteger(a.ToBigInteger() % b.ToBigInteger());
    }

    /// <summary>Signed division (two's complement), truncating toward zero; -2^255 / -1 = -2^255.</summary>
    public static UInt256 SignedDivide(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        bool na = a.IsNegative, nb = b.IsNegative;
        UInt256 q = Divide(na ? Negate(a) : a, nb ? Negate(b) : b);
        return na != nb ? Negate(q) : q;
    }

    /// <summary>Signed remainder; the result takes the sign of the dividend.</summary>
    public static UInt256 SignedMod(in UInt256 a, in UInt256 b)
    {
        if (b.IsZero) return Zero;
        bool na = a.IsNegative;
        UInt256 r = Mod(na ? Negate(a) : a, b.IsNegative ? Negate(b) : b);
        return na ? Negate(r) : r;
    }

    /// <summary>(a + b) mod m computed without 256-bit overflow; m = 0 gives 0.</summary>
    public static UInt256 AddMod(in UInt256 a, in UInt256 b, in UInt256 m)
    {
        if (m.IsZero) return Zero;
        return FromBigInteger((a.ToBigInteger() + b.ToBigInteger()) % m.ToBigInteger());
    }

    /// <summary>(a * b) mod m with the full 512-bit product; m = 0 gives 0.</summary>
    public static UInt256 MulMod(in UInt256 a, in UInt256 b, in UInt256 m)
    {
        if (m.IsZero) return Zero;
        return FromBigInteger(a.ToBigInteger() * b.ToBigInteger() % m.ToBigInteger());
    }

    /// <summary>a^e mod 2^256 by square-and-multiply.</summary>
    public static UInt256 Exp(in UInt256 a, in UInt256 e)
    {
        UInt256 result = One, b = a;
        int bits = e.BitLength;
        for (int i = 0; i < bits; i++)
        {
            if (e.Bit(i)) result = Multiply(result, b);
            if (i + 1 < bits) b = Multiply(b, b);
        }
        return result;
    }

    /// <summary>EVM SIGNEXTEND: extends the sign of byte <paramref name="byteIndex"/> (0 = lowest) of <paramref name="x"/>.</summary>
    public static UInt256 SignExtend(in UInt256 byteIndex, in UInt256 x)
    {
        if (!byteIndex.FitsInUlong || byteIndex.U0 >= 31) return x;
        int bit = (int)byteIndex.U0 * 8 + 7;
        UInt256 mask = (One << (bit + 1)) - One; // bits 0..bit
        return x.Bit(bit) ? (x | ~mask) : (x & mask);
    }

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

    public static UInt256 ShiftLeft(in UInt256 a, int n)
    {
        if (n <= 0) return n == 0 ? a : ShiftRight(a, -n);
        if (n >= 256) return Zero;
        int limbs = n >> 6, bits = n & 63;
        Span<ulong> src = [a.U0, a.U1, a.U2, a.U3];
        Span<ulong> r = [0, 0, 0, 0];
        for (int i = 3; i >= limbs; i--)
        {
            ulong v = src[i - limbs] << bits;
            if (bits != 0 && i - limbs - 1 >= 0) v |= src[i - limbs - 1] >> (64 - bits);
            r[i] = v;
        }
        return new UInt256(r[0], r[1], r[2], r[3]);
    }

    public static UInt256 ShiftRight(in UInt256 a, int n)
    {
        if (n <= 0) return n == 0 ? a : ShiftLeft(a, -n);
        if (n >= 256) return Zero;
        int limbs = n >> 6, bits = n & 63;
        Span<ulong> src = [a.U0, a.U1, a.U2, a.U3];
        Span<ulong> r = [0, 0, 0, 0];
        for (int i = 0; i + limbs < 4; i++)
        {
            ulong v = src[i + limbs] >> bits;
            if (bits != 0 && i + limbs + 1 < 4) v |= src[i + limbs + 1] << (64 - bits);
            r[i] = v;
        }
        return new UInt256(r[0], r[1], r[2], r[3]);
    }

    /// <summary>Arithmetic (sign-filling) right shift.</summary>
    public static UInt256 ShiftRightArithmetic(in UInt256 a, int n)
    {
        if (!a.IsNegative) return ShiftRight(a, n);
        if (n >= 256) return MaxValue;
        return ShiftRight(a, n) | ~ShiftRight(MaxValue, n);
    }

    // ---- comparison -------------------------------------------------------------------

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

    public int CompareTo(UInt256 other) => this == other ? 0 : LessThan(this, other) ? -1 : 1;
    public bool Equals(UInt256 other) => U0 == other.U0 && U1 == other.U1 && U2 == other.U2 && U3 == other.U3;
    public override bool Equals(object? obj) => obj is UInt256 o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(U0, U1, U2, U3);

    // ---- operators --------------------------------------------------------------------

    public static UInt256 operator +(in UInt256 a, in UInt256 b) => Add(a, b);
    public static UInt256 operator -(in UInt256 a, in UInt256 b) => Subtract(a, b);
    public static UInt256 operator *(in UInt256 a, in UInt256 b) => Multiply(a, b);
    public static UInt256 operator /(in UInt256 a, in UInt256 b) => Divide(a, b);
    public static UInt256 operator %(in UInt256 a, in UInt256 b) => Mod(a, b);
    public static UInt256 operator &(in UInt256 a, in UInt256 b) => new(a.U0 & b.U0, a.U1 & b.U1, a.U2 & b.U2, a.U3 & b.U3);
    public static UInt256 operator |(in UInt256 a, in UInt256 b) => new(a.U0 | b.U0, a.U1 | b.U1, a.U2 | b.U2, a.U3 | b.U3);
    public static UInt256 operator ^(in UInt256 a, in UInt256 b) => new(a.U0 ^ b.U0, a.U1 ^ b.U1, a.U2 ^ b.U2, a.U3 ^ b.U3);
    public static UInt256 operator ~(in UInt256 a) => new(~a.U0, ~a.U1, ~a.U2, ~a.U3);
    public static UInt256 operator <<(in UInt256 a, int n) => ShiftLeft(a, n);
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

    public static bool TryParse(string? text, out UInt256 value)
    {
        value = Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> h = text.AsSpan(2).TrimStart('0');
            if (h.Length == 0) return text.Length > 2 || true;
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
