using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Lockstep.Primitives;

/// <summary>A 32-byte hash held as four big-endian 64-bit words, so equality and hashing never allocate.</summary>
public readonly struct Hash256 : IEquatable<Hash256>, IComparable<Hash256>
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 32;

    private readonly ulong _w0, _w1, _w2, _w3; // _w0 holds bytes 0..7 (most significant)

    /// <summary>The all-zero hash.</summary>
    public static readonly Hash256 Zero = default;

    /// <summary>Reads exactly 32 bytes.</summary>
    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a hash is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _w0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    private Hash256(ulong w0, ulong w1, ulong w2, ulong w3) { _w0 = w0; _w1 = w1; _w2 = w2; _w3 = w3; }

    /// <summary>True for the all-zero hash.</summary>
    public bool IsZero => (_w0 | _w1 | _w2 | _w3) == 0;

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>A new array with the 32 bytes.</summary>
    public byte[] ToArray()
    {
        var a = new byte[Size];
        CopyTo(a);
        return a;
    }

    /// <summary>The same 32 bytes read as a big-endian integer.</summary>
    public UInt256 ToUInt256() => new(_w3, _w2, _w1, _w0);

    /// <summary>The 32 bytes of a big-endian integer.</summary>
    public static Hash256 FromUInt256(in UInt256 value) => new(value.U3, value.U2, value.U1, value.U0);

    /// <summary>Parses 64 hex digits with or without 0x.</summary>
    public static Hash256 FromHex(string hex)
    {
        byte[] b = Hex.Decode(hex);
        if (b.Length != Size) throw new FormatException($"a hash is {Size} bytes, got {b.Length}");
        return new Hash256(b);
    }

    /// <summary>Byte-wise equality.</summary>
    public bool Equals(Hash256 other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;
    public override bool Equals(object? obj) => obj is Hash256 h && Equals(h);
    /// <summary>
    /// Seeded per process (HashCode is randomized), like Address and UInt256: hashes that end up as dictionary keys
    /// (storage slots, code hashes) can be chosen by users, and a fixed function of the bytes would let them grind
    /// bucket collisions cheaply.
    /// </summary>
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);
    /// <summary>Lexicographic order of the bytes (the order of the big-endian numbers).</summary>
    public int CompareTo(Hash256 other)
    {
        int c = _w0.CompareTo(other._w0);
        if (c != 0) return c;
        c = _w1.CompareTo(other._w1);
        if (c != 0) return c;
        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }
    /// <summary>Byte-wise equality.</summary>
    public static bool operator ==(Hash256 a, Hash256 b) => a.Equals(b);
    /// <summary>Byte-wise inequality.</summary>
    public static bool operator !=(Hash256 a, Hash256 b) => !a.Equals(b);

    /// <summary>0x-prefixed lower-case hex.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Size];
        CopyTo(b);
        return Hex.Encode(b);
    }
}
