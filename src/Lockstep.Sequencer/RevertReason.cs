using System.Numerics;
using System.Text;
using System.Text.Json;
using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.SystemContracts;

namespace Lockstep.Sequencer;

/// <summary>
/// Turns a failed call's status and revert data into a readable reason: Solidity's <c>Error(string)</c> and
/// <c>Panic(uint256)</c>, the system contracts' custom errors (from their ABIs, static arguments decoded, a
/// <c>bytes</c> argument decoded recursively as nested revert data, e.g. <c>EthPayoutFailed(bytes)</c>), or the raw hex.
/// </summary>
public static class RevertReason
{
    private static readonly byte[] ErrorSelector = [0x08, 0xc3, 0x79, 0xa0];
    private static readonly byte[] PanicSelector = [0x4e, 0x48, 0x7b, 0x71];
    private static readonly Lazy<Dictionary<uint, (string Name, string[] Types)>> KnownErrors = new(LoadErrors);

    /// <summary>The reason for a call that ended with <paramref name="status"/> and returned <paramref name="output"/>.</summary>
    public static string Describe(ExecStatus status, ReadOnlySpan<byte> output)
    {
        if (status != ExecStatus.Revert) return status.ToString();
        return DescribeRevertData(output, 0);
    }

    /// <summary>Decodes ABI revert data (empty data: "reverted without a reason").</summary>
    public static string DescribeRevertData(ReadOnlySpan<byte> data, int nesting = 0)
    {
        if (data.IsEmpty) return "reverted without a reason";
        if (data.Length < 4 || nesting > 4) return "revert " + Hex.Encode(data);
        ReadOnlySpan<byte> args = data[4..];
        if (data[..4].SequenceEqual(ErrorSelector) && TryReadBytes(args, 0, out ReadOnlySpan<byte> text))
            return Encoding.UTF8.GetString(text);
        if (data[..4].SequenceEqual(PanicSelector) && args.Length >= 32)
            return $"Panic(0x{new BigInteger(args[..32], isUnsigned: true, isBigEndian: true):x2})";
        uint selector = (uint)(data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3]);
        if (!KnownErrors.Value.TryGetValue(selector, out var error) || args.Length < 32 * error.Types.Length)
            return "revert " + Hex.Encode(data);
        var sb = new StringBuilder(error.Name).Append('(');
        for (int i = 0; i < error.Types.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            ReadOnlySpan<byte> word = args.Slice(32 * i, 32);
            switch (error.Types[i])
            {
                case "address": sb.Append(Hex.Encode(word[12..])); break;
                case "bool": sb.Append(word[31] != 0 ? "true" : "false"); break;
                case "bytes":
                    sb.Append(TryReadBytes(args, 32 * i, out ReadOnlySpan<byte> inner) ? DescribeRevertData(inner, nesting + 1) : "?");
                    break;
                case "string":
                    sb.Append(TryReadBytes(args, 32 * i, out ReadOnlySpan<byte> s) ? Encoding.UTF8.GetString(s) : "?");
                    break;
                default:
                    if (error.Types[i].StartsWith("uint", StringComparison.Ordinal))
                        sb.Append(new BigInteger(word, isUnsigned: true, isBigEndian: true).ToString());
                    else sb.Append(Hex.Encode(word));
                    break;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Reads a dynamic <c>bytes</c>/<c>string</c> whose offset word is at <paramref name="headOffset"/> of <paramref name="args"/>.</summary>
    private static bool TryReadBytes(ReadOnlySpan<byte> args, int headOffset, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (args.Length < headOffset + 32) return false;
        var offset = new UInt256(args.Slice(headOffset, 32));
        if (!offset.FitsInUlong || (ulong)offset > (ulong)args.Length - 32) return false;
        int at = (int)(ulong)offset;
        var length = new UInt256(args.Slice(at, 32));
        if (!length.FitsInUlong || (ulong)length > (ulong)(args.Length - at - 32)) return false;
        value = args.Slice(at + 32, (int)(ulong)length);
        return true;
    }

    private static Dictionary<uint, (string, string[])> LoadErrors()
    {
        var errors = new Dictionary<uint, (string, string[])>();
        foreach (SystemArtifact artifact in new[] { SystemArtifacts.MintBurn, SystemArtifacts.Messenger, SystemArtifacts.MessageTrees, SystemArtifacts.CrossRollupToken })
        {
            using JsonDocument abi = JsonDocument.Parse(artifact.AbiJson);
            foreach (JsonElement item in abi.RootElement.EnumerateArray())
            {
                if (item.GetProperty("type").GetString() != "error") continue;
                string name = item.GetProperty("name").GetString()!;
                var types = new List<string>();
                foreach (JsonElement input in item.GetProperty("inputs").EnumerateArray()) types.Add(input.GetProperty("type").GetString()!);
                byte[] selector = AbiWords.Selector($"{name}({string.Join(',', types)})");
                errors[(uint)(selector[0] << 24 | selector[1] << 16 | selector[2] << 8 | selector[3])] = (name, types.ToArray());
            }
        }
        return errors;
    }
}
