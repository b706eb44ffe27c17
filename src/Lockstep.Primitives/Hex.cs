namespace Lockstep.Primitives;

/// <summary>Hex text as Ethereum tools write it: optional 0x prefix, lower case on output.</summary>
public static class Hex
{
    /// <summary>Decodes hex with or without a 0x prefix; an odd number of digits gets a leading zero.</summary>
    /// <exception cref="FormatException">on characters that are not hex digits.</exception>
    public static byte[] Decode(string text)
    {
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        if (s.Length == 0) return [];
        if ((s.Length & 1) == 1)
        {
            Span<char> padded = s.Length < 1024 ? stackalloc char[s.Length + 1] : new char[s.Length + 1];
            padded[0] = '0';
            s.CopyTo(padded[1..]);
            return Convert.FromHexString(padded);
        }
        return Convert.FromHexString(s);
    }

    /// <summary>Encodes as lower-case hex with a 0x prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Encodes as lower-case hex without a prefix.</summary>
    public static string EncodeBare(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
