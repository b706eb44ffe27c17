using System.Buffers.Binary;

namespace Lockstep.Primitives;

/// <summary>A 20-byte account address as a value type (three words, no array).</summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 20;

    private readonly ulong _w0, _w1; // bytes 0..7, 8..15
    private readonly uint _w2;       // bytes 16..19

    /// <summary>The zero address.</summary>
    public static readonly Address Zero = default;

    /// <summary>Reads exactly 20 bytes.</summary>
    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"an address is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _w0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    private Address(ulong w0, ulong w1, uint w2) { _w0 = w0; _w1 = w1; _w2 = w2; }

    /// <summary>True for 0x000...0.</summary>
    public bool IsZero => (_w0 | _w1 | _w2) == 0;

    /// <summary>Writes the 20 bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _w2);
    }

    /// <summary>A new array with the 20 bytes.</summary>
    public byte[] ToArray()
    {
        var a = new byte[Size];
        CopyTo(a);
        return a;
    }

    /// <summary>The low 20 bytes of a 256-bit word (how the EVM turns a stack item into an address).</summary>
    public static Address FromUInt256(in UInt256 v) => new((v.U2 << 32) | (v.U1 >> 32), (v.U1 << 32) | (v.U0 >> 32), (uint)v.U0);

    /// <summary>The address as a 256-bit word, zero-extended on the left.</summary>
    public UInt256 ToUInt256() => new(((ulong)_w1 << 32) | _w2, (_w0 << 32) | (_w1 >> 32), _w0 >> 32, 0);

    /// <summary>The last 20 bytes of a 32-byte hash (address from a public key hash, CREATE addresses).</summary>
    public static Address FromHashTail(in Hash256 hash)
    {
        Span<byte> b = stackalloc byte[32];
        hash.CopyTo(b);
        return new Address(b[12..]);
    }

    /// <summary>A small-number address such as a precompile's 0x...01.</summary>
    public static Address FromNumber(uint n) => new(0, 0, n);

    /// <summary>Parses 40 hex digits with or without 0x.</summary>
    public static Address FromHex(string hex)
    {
        byte[] b = Hex.Decode(hex);
        if (b.Length != Size) throw new FormatException($"an address is {Size} bytes, got {b.Length}");
        return new Address(b);
    }

    /// <summary>Byte-wise equality.</summary>
    public bool Equals(Address other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2;
    public override bool Equals(object? obj) => obj is Address a && Equals(a);
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2);
    /// <summary>Lexicographic order of the bytes (the order of the big-endian numbers).</summary>
    public int CompareTo(Address other)
    {
        int c = _w0.CompareTo(other._w0);
        if (c != 0) return c;
        c = _w1.CompareTo(other._w1);
        return c != 0 ? c : _w2.CompareTo(other._w2);
    }
    /// <summary>Byte-wise equality.</summary>
    public static bool operator ==(Address a, Address b) => a.Equals(b);
    /// <summary>Byte-wise inequality.</summary>
    public static bool operator !=(Address a, Address b) => !a.Equals(b);

    /// <summary>0x-prefixed lower-case hex.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Size];
        CopyTo(b);
        return Hex.Encode(b);
    }
}
