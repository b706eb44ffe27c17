using System.Buffers;
using System.Buffers.Binary;

namespace Lockstep.Primitives.Rlp;

/// <summary>
/// Appends RLP items to a growing buffer. Lists are written by <see cref="StartList"/> /
/// <see cref="EndList"/>, which reserve the header and patch it once the payload length is known.
/// </summary>
public sealed class RlpWriter
{
    private byte[] _buffer;
    private int _length;
    private readonly Stack<int> _openLists = new();

    public RlpWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    /// <summary>Bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the encoding; every list must be closed.</summary>
    public byte[] ToArray()
    {
        if (_openLists.Count != 0) throw new InvalidOperationException("unclosed RLP list");
        return Written.ToArray();
    }

    public void Reset() { _length = 0; _openLists.Clear(); }

    private Span<byte> Grow(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        Span<byte> s = _buffer.AsSpan(_length, n);
        _length += n;
        return s;
    }

    /// <summary>A byte string.</summary>
    public RlpWriter WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80) { Grow(1)[0] = bytes[0]; return this; }
        WriteHeader(0x80, bytes.Length);
        bytes.CopyTo(Grow(bytes.Length));
        return this;
    }

    /// <summary>An already-encoded item, copied verbatim.</summary>
    public RlpWriter WriteRaw(ReadOnlySpan<byte> encoded) { encoded.CopyTo(Grow(encoded.Length)); return this; }

    /// <summary>A scalar: big-endian without leading zeros; zero is the empty string.</summary>
    public RlpWriter WriteUInt64(ulong value)
    {
        if (value == 0) { Grow(1)[0] = 0x80; return this; }
        if (value < 0x80) { Grow(1)[0] = (byte)value; return this; }
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        int skip = System.Numerics.BitOperations.LeadingZeroCount(value) / 8;
        return WriteBytes(b[skip..]);
    }

    /// <summary>A 256-bit scalar without leading zeros.</summary>
    public RlpWriter WriteUInt256(in UInt256 value)
    {
        if (value.FitsInUlong) return WriteUInt64(value.U0);
        Span<byte> b = stackalloc byte[32];
        value.WriteBigEndian(b);
        return WriteBytes(b[(32 - value.ByteLength)..]);
    }

    public RlpWriter WriteAddress(in Address a)
    {
        Span<byte> b = stackalloc byte[Address.Size];
        a.CopyTo(b);
        return WriteBytes(b);
    }

    public RlpWriter WriteHash(in Hash256 h)
    {
        Span<byte> b = stackalloc byte[Hash256.Size];
        h.CopyTo(b);
        return WriteBytes(b);
    }

    /// <summary>Opens a list; its items follow until <see cref="EndList"/>.</summary>
    public RlpWriter StartList()
    {
        _openLists.Push(_length);
        Grow(1); // short-form header; widened in EndList when needed
        return this;
    }

    public RlpWriter EndList()
    {
        int start = _openLists.Pop();
        int payload = _length - start - 1;
        if (payload < 56)
        {
            _buffer[start] = (byte)(0xc0 + payload);
            return this;
        }
        int lenBytes = LengthOfLength(payload);
        Grow(lenBytes);
        Array.Copy(_buffer, start + 1, _buffer, start + 1 + lenBytes, payload);
        _buffer[start] = (byte)(0xf7 + lenBytes);
        WriteBigEndianLength(_buffer.AsSpan(start + 1, lenBytes), payload);
        return this;
    }

    /// <summary>Room <see cref="ReserveListHeader"/> keeps: a type byte (EIP-2718) and the longest list header (9 bytes).</summary>
    public const int ReservedPrefix = 10;

    /// <summary>
    /// Starts a top-level list whose header is written in front of its payload by <see cref="CloseReservedList"/>,
    /// so the payload is never moved (<see cref="EndList"/> moves it once it reaches 56 bytes: for a transaction, the
    /// whole transaction, on every hash and root). Returns where the payload starts. Call on an empty writer.
    /// </summary>
    public int ReserveListHeader()
    {
        if (_length != 0 || _openLists.Count != 0) throw new InvalidOperationException("reserve the header of a top-level list on an empty writer");
        Grow(ReservedPrefix);
        return _length;
    }

    /// <summary>
    /// Closes the list begun by <see cref="ReserveListHeader"/> at <paramref name="payloadStart"/>: writes its header
    /// (preceded by <paramref name="typePrefix"/> when not negative) just before the payload and returns the encoding
    /// from there to the end. <see cref="Written"/> and <see cref="ToArray"/> still include the unused reserved bytes.
    /// </summary>
    public ReadOnlySpan<byte> CloseReservedList(int payloadStart, int typePrefix = -1)
    {
        if (_openLists.Count != 0) throw new InvalidOperationException("unclosed RLP list");
        if (payloadStart != ReservedPrefix) throw new ArgumentOutOfRangeException(nameof(payloadStart), "not a reserved list's payload start");
        int payload = _length - payloadStart;
        int begin;
        if (payload < 56)
        {
            begin = payloadStart - 1;
            _buffer[begin] = (byte)(0xc0 + payload);
        }
        else
        {
            int lenBytes = LengthOfLength(payload);
            begin = payloadStart - 1 - lenBytes;
            _buffer[begin] = (byte)(0xf7 + lenBytes);
            WriteBigEndianLength(_buffer.AsSpan(begin + 1, lenBytes), payload);
        }
        if (typePrefix >= 0) _buffer[--begin] = (byte)typePrefix;
        return _buffer.AsSpan(begin, _length - begin);
    }

    private void WriteHeader(byte offset, int length)
    {
        if (length < 56) { Grow(1)[0] = (byte)(offset + length); return; }
        int lenBytes = LengthOfLength(length);
        Span<byte> h = Grow(1 + lenBytes);
        h[0] = (byte)(offset + 55 + lenBytes);
        WriteBigEndianLength(h[1..], length);
    }

    private static int LengthOfLength(int length) => length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;

    private static void WriteBigEndianLength(Span<byte> dest, int length)
    {
        for (int i = dest.Length - 1; i >= 0; i--) { dest[i] = (byte)length; length >>= 8; }
    }

    // ---- one-shot helpers ----------------------------------------------------------------

    /// <summary>RLP of a single byte string.</summary>
    public static byte[] EncodeBytes(ReadOnlySpan<byte> bytes) => new RlpWriter(bytes.Length + 9).WriteBytes(bytes).ToArray();

    /// <summary>RLP list header + the concatenation of already-encoded items.</summary>
    public static byte[] EncodeList(params byte[][] encodedItems)
    {
        int total = 0;
        foreach (byte[] item in encodedItems) total += item.Length;
        var w = new RlpWriter(total + 9);
        w.StartList();
        foreach (byte[] item in encodedItems) w.WriteRaw(item);
        return w.EndList().ToArray();
    }
}
