using System.Globalization;
using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Rpc;

/// <summary>
/// The positional <c>params</c> of one request with typed, validating accessors. Every failure is an
/// <see cref="RpcException"/> with code -32602 that names the argument index (geth's "invalid argument N").
/// </summary>
public readonly struct RpcParams
{
    private readonly JsonElement _array;

    /// <summary>Wraps a params array (default: no params).</summary>
    public RpcParams(JsonElement array) => _array = array;

    /// <summary>How many arguments were given.</summary>
    public int Count => _array.ValueKind == JsonValueKind.Array ? _array.GetArrayLength() : 0;

    /// <summary>True when argument <paramref name="i"/> is present and not null.</summary>
    public bool Has(int i) => i < Count && _array[i].ValueKind != JsonValueKind.Null;

    /// <summary>Argument <paramref name="i"/>; -32602 when missing.</summary>
    public JsonElement Get(int i, string name)
    {
        if (!Has(i)) throw RpcException.InvalidParam(i, $"missing value for required argument '{name}'");
        return _array[i];
    }

    /// <summary>A required string argument.</summary>
    public string String(int i, string name)
    {
        JsonElement e = Get(i, name);
        if (e.ValueKind != JsonValueKind.String) throw RpcException.InvalidParam(i, $"'{name}' must be a string");
        return e.GetString()!;
    }

    /// <summary>0x-prefixed hex bytes.</summary>
    public byte[] Bytes(int i, string name) => ParseBytes(Get(i, name), i, name);

    /// <summary>A 20-byte address.</summary>
    public Address Address(int i, string name) => ParseAddress(Get(i, name), i, name);

    /// <summary>A 32-byte hash.</summary>
    public Hash256 Hash(int i, string name) => ParseHash(Get(i, name), i, name);

    /// <summary>A 64-bit quantity (0x hex; decimal numbers accepted for leniency).</summary>
    public ulong Quantity(int i, string name) => ParseQuantity(Get(i, name), i, name);

    /// <summary>A boolean.</summary>
    public bool Bool(int i, string name)
    {
        JsonElement e = Get(i, name);
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw RpcException.InvalidParam(i, $"'{name}' must be a boolean"),
        };
    }

    /// <summary>Parses 0x-prefixed hex bytes.</summary>
    public static byte[] ParseBytes(JsonElement e, int i, string name)
    {
        if (e.ValueKind != JsonValueKind.String) throw RpcException.InvalidParam(i, $"'{name}' must be a 0x-prefixed hex string");
        string s = e.GetString()!;
        if (!s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) throw RpcException.InvalidParam(i, $"'{name}': hex string without 0x prefix");
        if ((s.Length & 1) == 1) throw RpcException.InvalidParam(i, $"'{name}': hex string of odd length");
        try { return Convert.FromHexString(s.AsSpan(2)); }
        catch (FormatException) { throw RpcException.InvalidParam(i, $"'{name}': invalid hex string"); }
    }

    /// <summary>Parses an address.</summary>
    public static Address ParseAddress(JsonElement e, int i, string name)
    {
        byte[] b = ParseBytes(e, i, name);
        if (b.Length != 20) throw RpcException.InvalidParam(i, $"'{name}': an address is 20 bytes, got {b.Length}");
        return new Address(b);
    }

    /// <summary>Parses a 32-byte hash.</summary>
    public static Hash256 ParseHash(JsonElement e, int i, string name)
    {
        byte[] b = ParseBytes(e, i, name);
        if (b.Length != 32) throw RpcException.InvalidParam(i, $"'{name}': a hash is 32 bytes, got {b.Length}");
        return new Hash256(b);
    }

    /// <summary>Parses a 64-bit quantity.</summary>
    public static ulong ParseQuantity(JsonElement e, int i, string name)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out ulong n)) return n;
        if (e.ValueKind == JsonValueKind.String)
        {
            string s = e.GetString()!;
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && s.Length > 2 && s.Length <= 18
                && ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
                return v;
        }
        throw RpcException.InvalidParam(i, $"'{name}' must be a 0x-prefixed hex quantity of at most 64 bits");
    }

    /// <summary>Parses a 256-bit quantity (also accepts a 32-byte padded word, as storage keys come).</summary>
    public static UInt256 ParseUInt256(JsonElement e, int i, string name)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out ulong n)) return n;
        if (e.ValueKind == JsonValueKind.String)
        {
            string s = e.GetString()!;
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && s.Length > 2 && UInt256.TryParse(s, out UInt256 v)) return v;
        }
        throw RpcException.InvalidParam(i, $"'{name}' must be a 0x-prefixed hex quantity of at most 256 bits");
    }
}
