using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>The few Solidity ABI pieces the system contracts need: 4-byte selectors and 32-byte words.</summary>
public static class AbiWords
{
    /// <summary>First four bytes of keccak256(<paramref name="signature"/>), e.g. "burnETH(uint256,address)".</summary>
    public static byte[] Selector(string signature)
    {
        Hash256 h = Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature));
        byte[] bytes = h.ToArray();
        return bytes[..4];
    }

    /// <summary>Writes <paramref name="value"/> as a big-endian word at <paramref name="offset"/>.</summary>
    public static void Write(Span<byte> buffer, int offset, in UInt256 value) => value.WriteBigEndian(buffer.Slice(offset, 32));

    /// <summary>Writes <paramref name="address"/> left-padded to a word at <paramref name="offset"/>.</summary>
    public static void Write(Span<byte> buffer, int offset, in Address address)
    {
        buffer.Slice(offset, 12).Clear();
        address.CopyTo(buffer.Slice(offset + 12, 20));
    }

    /// <summary>Writes <paramref name="hash"/> as a word at <paramref name="offset"/>.</summary>
    public static void Write(Span<byte> buffer, int offset, in Hash256 hash) => hash.CopyTo(buffer.Slice(offset, 32));

    /// <summary>Reads the word at <paramref name="offset"/>.</summary>
    public static UInt256 ReadWord(ReadOnlySpan<byte> buffer, int offset) => new(buffer.Slice(offset, 32));

    /// <summary>Reads an address word at <paramref name="offset"/>; false when its top 12 bytes are not zero.</summary>
    public static bool TryReadAddress(ReadOnlySpan<byte> buffer, int offset, out Address address)
    {
        ReadOnlySpan<byte> word = buffer.Slice(offset, 32);
        if (word[..12].IndexOfAnyExcept((byte)0) >= 0) { address = default; return false; }
        address = new Address(word[12..]);
        return true;
    }

    /// <summary>Encodes <paramref name="selector"/> followed by <paramref name="headWords"/> static words and, when
    /// <paramref name="tail"/> is not null, one trailing dynamic <c>bytes</c> argument whose offset word is already
    /// among the head words (callers pass its position in <paramref name="tailOffsetIndex"/>).</summary>
    internal static byte[] Call(ReadOnlySpan<byte> selector, int headWords, byte[]? tail, int tailOffsetIndex, Action<Span<byte>> writeHead)
    {
        int tailWords = tail is null ? 0 : 1 + (tail.Length + 31) / 32;
        var data = new byte[4 + 32 * (headWords + tailWords)];
        selector.CopyTo(data);
        Span<byte> args = data.AsSpan(4);
        writeHead(args);
        if (tail is not null)
        {
            Write(args, 32 * tailOffsetIndex, new UInt256((ulong)(32 * headWords)));
            Write(args, 32 * headWords, new UInt256((ulong)tail.Length));
            tail.CopyTo(args[(32 * headWords + 32)..]);
        }
        return data;
    }
}
