namespace Lockstep.Primitives.Rlp;

/// <summary>
/// Reads RLP from a span with strict validation: canonical lengths (no leading zeros, long form only
/// for 56+ bytes), single bytes below 0x80 not wrapped, and items that stay inside their parent.
/// Every error is an <see cref="RlpException"/>.
/// </summary>
public ref struct RlpReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public RlpReader(ReadOnlySpan<byte> data) { _data = data; _position = 0; }

    public readonly int Position => _position;
    public readonly bool HasMore => _position < _data.Length;
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when the next item is a list.</summary>
    public readonly bool NextIsList
    {
        get
        {
            if (_position >= _data.Length) throw new RlpException("unexpected end of input");
            return _data[_position] >= 0xc0;
        }
    }

    /// <summary>Reads the header of the next item: whether it is a list, where its payload starts and its length.</summary>
    private readonly (bool isList, int payloadStart, int payloadLength) PeekHeader()
    {
        if (_position >= _data.Length) throw new RlpException("unexpected end of input");
        byte prefix = _data[_position];
        int remaining = _data.Length - _position;
        if (prefix < 0x80) return (false, _position, 1);
        if (prefix <= 0xb7)
        {
            int len = prefix - 0x80;
            if (len + 1 > remaining) throw new RlpException("string longer than input");
            if (len == 1 && _data[_position + 1] < 0x80) throw new RlpException("non-canonical single byte");
            return (false, _position + 1, len);
        }
        if (prefix <= 0xbf)
        {
            int lenOfLen = prefix - 0xb7;
            int len = ReadLength(_position + 1, lenOfLen, remaining);
            return (false, _position + 1 + lenOfLen, len);
        }
        if (prefix <= 0xf7)
        {
            int len = prefix - 0xc0;
            if (len + 1 > remaining) throw new RlpException("list longer than input");
            return (true, _position + 1, len);
        }
        {
            int lenOfLen = prefix - 0xf7;
            int len = ReadLength(_position + 1, lenOfLen, remaining);
            return (true, _position + 1 + lenOfLen, len);
        }
    }

    private readonly int ReadLength(int at, int lenOfLen, int remaining)
    {
        if (1 + lenOfLen > remaining) throw new RlpException("length prefix past end of input");
        if (_data[at] == 0) throw new RlpException("length has leading zeros");
        if (lenOfLen > 4) throw new RlpException("length too large");
        ulong len = 0;
        for (int i = 0; i < lenOfLen; i++) len = (len << 8) | _data[at + i];
        if (len < 56) throw new RlpException("long form used for a short item");
        if (len > int.MaxValue || (long)len + 1 + lenOfLen > remaining) throw new RlpException("item longer than input");
        return (int)len;
    }

    /// <summary>Reads a byte string.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var (isList, start, len) = PeekHeader();
        if (isList) throw new RlpException("expected a string, found a list");
        _position = start + len;
        return _data.Slice(start, len);
    }

    /// <summary>Reads the next item, list or string, returning its full encoding.</summary>
    public ReadOnlySpan<byte> ReadEncodedItem()
    {
        int begin = _position;
        var (_, start, len) = PeekHeader();
        _position = start + len;
        return _data[begin.._position];
    }

    /// <summary>Enters a list; returns the position where it ends (pass to <see cref="IsBefore"/>/<see cref="ExpectEnd"/>).</summary>
    public int ReadListHeader()
    {
        var (isList, start, len) = PeekHeader();
        if (!isList) throw new RlpException("expected a list, found a string");
        _position = start;
        return start + len;
    }

    public readonly bool IsBefore(int end) => _position < end;

    /// <summary>Checks that a list was consumed exactly.</summary>
    public readonly void ExpectEnd(int end)
    {
        if (_position != end) throw new RlpException("list has extra items");
    }

    /// <summary>Checks that the whole input was consumed.</summary>
    public readonly void ExpectEndOfInput()
    {
        if (_position != _data.Length) throw new RlpException("trailing bytes after RLP item");
    }

    /// <summary>A canonical scalar of at most 8 bytes (no leading zeros).</summary>
    public ulong ReadUInt64()
    {
        ReadOnlySpan<byte> b = ReadBytes();
        if (b.Length > 8) throw new RlpException("integer too large for 64 bits");
        if (b.Length > 0 && b[0] == 0) throw new RlpException("integer has leading zeros");
        ulong v = 0;
        foreach (byte x in b) v = (v << 8) | x;
        return v;
    }

    /// <summary>A canonical scalar of at most 32 bytes.</summary>
    public UInt256 ReadUInt256()
    {
        ReadOnlySpan<byte> b = ReadBytes();
        if (b.Length > 32) throw new RlpException("integer too large for 256 bits");
        if (b.Length > 0 && b[0] == 0) throw new RlpException("integer has leading zeros");
        return new UInt256(b);
    }

    public Address ReadAddress()
    {
        ReadOnlySpan<byte> b = ReadBytes();
        if (b.Length != Address.Size) throw new RlpException($"address must be 20 bytes, got {b.Length}");
        return new Address(b);
    }

    public Hash256 ReadHash()
    {
        ReadOnlySpan<byte> b = ReadBytes();
        if (b.Length != Hash256.Size) throw new RlpException($"hash must be 32 bytes, got {b.Length}");
        return new Hash256(b);
    }

    /// <summary>Validates that <paramref name="data"/> is exactly one well-formed item, recursing into lists.</summary>
    public static void Validate(ReadOnlySpan<byte> data)
    {
        var r = new RlpReader(data);
        r.SkipValidated(0);
        r.ExpectEndOfInput();
    }

    private void SkipValidated(int depth)
    {
        if (depth > 1024) throw new RlpException("nesting too deep");
        var (isList, start, len) = PeekHeader();
        if (!isList) { _position = start + len; return; }
        _position = start;
        int end = start + len;
        while (_position < end) SkipValidated(depth + 1);
        if (_position != end) throw new RlpException("list payload overruns its length");
    }

}
