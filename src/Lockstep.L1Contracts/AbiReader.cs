using Lockstep.Primitives;

namespace Lockstep.L1Contracts;

/// <summary>Thrown when ABI data (calldata, return data, event data) is truncated or malformed.</summary>
public sealed class AbiException(string message) : Exception(message);

/// <summary>
/// Reads ABI-encoded data by absolute byte position. A tuple at position <c>b</c> has field <c>k</c>'s head at
/// <c>b + 32k</c>; a dynamic field's head holds its offset relative to <c>b</c> (<see cref="Tail"/>). Every read is
/// bounds-checked and throws <see cref="AbiException"/>, so untrusted L1 data never reads out of range.
/// </summary>
public readonly struct AbiReader(ReadOnlyMemory<byte> data)
{
    /// <summary>The encoded bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>The 32-byte word at <paramref name="position"/> as an unsigned integer.</summary>
    public UInt256 Word(int position) => new(Slice(position, 32));

    /// <summary>The word at <paramref name="position"/> as a hash.</summary>
    public Hash256 Hash(int position) => new(Slice(position, 32));

    /// <summary>The word at <paramref name="position"/> as a <c>uint64</c>; throws when it does not fit.</summary>
    public ulong UInt64(int position)
    {
        UInt256 w = Word(position);
        if (!w.FitsInUlong) throw new AbiException($"value at {position} exceeds uint64");
        return (ulong)w;
    }

    /// <summary>The word at <paramref name="position"/> as an address; throws when the upper 12 bytes are not zero.</summary>
    public Address Address(int position)
    {
        ReadOnlySpan<byte> w = Slice(position, 32);
        if (w[..12].IndexOfAnyExcept((byte)0) >= 0) throw new AbiException($"value at {position} is not an address");
        return new Address(w[12..]);
    }

    /// <summary>The word at <paramref name="position"/> as a <c>bool</c> (0 or 1 only).</summary>
    public bool Bool(int position)
    {
        UInt256 w = Word(position);
        if (w > UInt256.One) throw new AbiException($"value at {position} is not a bool");
        return !w.IsZero;
    }

    /// <summary>The absolute position of a dynamic field whose head is at <paramref name="headPosition"/> in a tuple
    /// (or array element area) starting at <paramref name="basePosition"/>.</summary>
    public int Tail(int basePosition, int headPosition)
    {
        ulong offset = UInt64(headPosition);
        if (offset > (ulong)(Data.Length - basePosition)) throw new AbiException($"offset {offset} at {headPosition} out of range");
        return basePosition + (int)offset;
    }

    /// <summary>The length word of a dynamic array or <c>bytes</c> at <paramref name="position"/>, checked against the data left.</summary>
    public int Length(int position, int minBytesPerItem)
    {
        ulong n = UInt64(position);
        if (n > (ulong)(Data.Length - position - 32) / (ulong)Math.Max(1, minBytesPerItem)) throw new AbiException($"length {n} at {position} out of range");
        return (int)n;
    }

    /// <summary>The <c>bytes</c> value whose length word is at <paramref name="position"/>.</summary>
    public byte[] Bytes(int position)
    {
        int n = Length(position, 1);
        return Slice(position + 32, n).ToArray();
    }

    /// <summary>The <c>bytes[]</c> value whose length word is at <paramref name="position"/>.</summary>
    public List<byte[]> BytesArray(int position)
    {
        int n = Length(position, 32);
        int elements = position + 32;
        var result = new List<byte[]>(n);
        for (int i = 0; i < n; i++) result.Add(Bytes(Tail(elements, elements + 32 * i)));
        return result;
    }

    private ReadOnlySpan<byte> Slice(int position, int length)
    {
        if (position < 0 || length < 0 || position > Data.Length - length) throw new AbiException($"read of {length} bytes at {position} out of range ({Data.Length} bytes)");
        return Data.Span.Slice(position, length);
    }
}
