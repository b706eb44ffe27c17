using System.Buffers.Binary;
using System.Text;
using Lockstep.Primitives;

namespace Lockstep.Node;

/// <summary>
/// Decodes Solidity revert data: <c>Error(string)</c> (selector 0x08c379a0) and <c>Panic(uint256)</c>
/// (selector 0x4e487b71, codes from the Solidity documentation "Panic via assert and Error via require").
/// </summary>
public static class RevertReason
{
    /// <summary>
    /// The text after "execution reverted: ", or null when the data is neither a well-formed Error(string) nor a
    /// Panic(uint256) (custom errors and empty reverts keep the bare "execution reverted").
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) return null;
        uint selector = BinaryPrimitives.ReadUInt32BigEndian(data);
        ReadOnlySpan<byte> body = data[4..];
        if (selector == 0x08c379a0)
        {
            // ABI: offset (32) | length (32) | bytes padded.
            if (body.Length < 64) return null;
            var offset = new UInt256(body[..32]);
            if (!offset.FitsInUlong || (ulong)offset > (ulong)body.Length - 32) return null;
            int at = (int)(ulong)offset;
            var length = new UInt256(body.Slice(at, 32));
            if (!length.FitsInUlong || (ulong)length > (ulong)(body.Length - at - 32)) return null;
            return Encoding.UTF8.GetString(body.Slice(at + 32, (int)(ulong)length));
        }
        if (selector == 0x4e487b71 && body.Length >= 32)
        {
            var code = new UInt256(body[..32]);
            string? meaning = code.FitsInUlong ? PanicMeaning((ulong)code) : null;
            return meaning is null ? $"panic: unknown code {code.ToHexQuantity()}" : $"panic: {meaning} ({code.ToHexQuantity()})";
        }
        return null;
    }

    private static string? PanicMeaning(ulong code) => code switch
    {
        0x00 => "generic panic",
        0x01 => "assert(false)",
        0x11 => "arithmetic underflow or overflow",
        0x12 => "division or modulo by zero",
        0x21 => "enum overflow",
        0x22 => "invalid encoded storage byte array accessed",
        0x31 => "out-of-bounds array access; popping on an empty array",
        0x32 => "out-of-bounds access of an array or bytesN",
        0x41 => "out of memory",
        0x51 => "uninitialized function",
        _ => null,
    };
}
