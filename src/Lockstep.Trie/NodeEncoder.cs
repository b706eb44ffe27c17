using System.Diagnostics.CodeAnalysis;

namespace Lockstep.Trie;

/// <summary>
/// RLP of trie nodes written straight into a reusable buffer: lengths are computed first, so list headers are
/// written once with no payload moves (unlike a general RLP writer that patches headers afterwards).
/// Children must already have valid references (<see cref="Node.HashValid"/>).
/// </summary>
internal static class NodeEncoder
{
    /// <summary>Encodes <paramref name="n"/> into <paramref name="buffer"/> (grown when too small); returns the length.</summary>
    internal static int Encode(Node n, [NotNull] ref byte[]? buffer)
    {
        int payload = PayloadLength(n);
        int total = HeaderLength(payload) + payload;
        if (buffer is null || buffer.Length < total) buffer = new byte[Math.Max(Math.Max(total, 1024), (buffer?.Length ?? 0) * 2)];
        Span<byte> d = buffer;
        int o = WriteHeader(d, 0xc0, payload);
        switch (n)
        {
            case LeafNode leaf:
                o += WriteHexPrefix(d[o..], leaf.Path, isLeaf: true);
                o += WriteString(d[o..], leaf.Value);
                break;
            case ExtensionNode ext:
                o += WriteHexPrefix(d[o..], ext.Path, isLeaf: false);
                o += WriteReference(d[o..], ext.Child);
                break;
            case BranchNode branch:
                for (int i = 0; i < 16; i++) o += WriteReference(d[o..], branch.Children[i]);
                o += WriteString(d[o..], branch.Value ?? []);
                break;
            default:
                throw new InvalidOperationException("cannot encode an unresolved node");
        }
        return o;
    }

    private static int PayloadLength(Node n)
    {
        switch (n)
        {
            case LeafNode leaf:
                return HexPrefixLength(leaf.Path.Length) + StringLength(leaf.Value);
            case ExtensionNode ext:
                return HexPrefixLength(ext.Path.Length) + ReferenceLength(ext.Child);
            case BranchNode branch:
                int len = StringLength(branch.Value ?? []);
                for (int i = 0; i < 16; i++) len += ReferenceLength(branch.Children[i]);
                return len;
            default:
                throw new InvalidOperationException("cannot encode an unresolved node");
        }
    }

    // A hex-prefix path is at least one byte; a one-byte path is 0x00..0x3f (< 0x80), so it encodes as itself.
    internal static int HexPrefixLength(int nibbles)
    {
        int bytes = nibbles / 2 + 1;
        return bytes == 1 ? 1 : HeaderLength(bytes) + bytes;
    }

    private static int ReferenceLength(Node? child) => child is null ? 1 : child.Inline?.Length ?? 33;

    internal static int StringLength(ReadOnlySpan<byte> s) => s.Length == 1 && s[0] < 0x80 ? 1 : HeaderLength(s.Length) + s.Length;

    internal static int HeaderLength(int payload) => payload < 56 ? 1 : 1 + LengthOfLength(payload);

    private static int LengthOfLength(int length) => length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;

    internal static int WriteHeader(Span<byte> d, byte offset, int payload)
    {
        if (payload < 56)
        {
            d[0] = (byte)(offset + payload);
            return 1;
        }
        int n = LengthOfLength(payload);
        d[0] = (byte)(offset + 55 + n);
        for (int i = n; i >= 1; i--, payload >>= 8) d[i] = (byte)payload;
        return 1 + n;
    }

    internal static int WriteString(Span<byte> d, ReadOnlySpan<byte> s)
    {
        if (s.Length == 1 && s[0] < 0x80)
        {
            d[0] = s[0];
            return 1;
        }
        int h = WriteHeader(d, 0x80, s.Length);
        s.CopyTo(d[h..]);
        return h + s.Length;
    }

    private static int WriteReference(Span<byte> d, Node? child)
    {
        if (child is null)
        {
            d[0] = 0x80;
            return 1;
        }
        if (child.Inline is { } inline)
        {
            inline.CopyTo(d);
            return inline.Length;
        }
        d[0] = 0xa0;
        child.Hash.CopyTo(d[1..]);
        return 33;
    }

    /// <summary>Hex-prefix encoding (Yellow Paper appendix C): flag nibble 2 for a leaf, +1 for an odd length.</summary>
    internal static int WriteHexPrefix(Span<byte> d, ReadOnlySpan<byte> nibbles, bool isLeaf)
    {
        int bytes = nibbles.Length / 2 + 1;
        int o = bytes == 1 ? 0 : WriteHeader(d, 0x80, bytes);
        int flag = isLeaf ? 2 : 0;
        int i = 0;
        if ((nibbles.Length & 1) == 1)
        {
            d[o] = (byte)(((flag + 1) << 4) | nibbles[0]);
            i = 1;
        }
        else
        {
            d[o] = (byte)(flag << 4);
        }
        int w = o + 1;
        for (; i < nibbles.Length; i += 2) d[w++] = (byte)((nibbles[i] << 4) | nibbles[i + 1]);
        return w;
    }
}
