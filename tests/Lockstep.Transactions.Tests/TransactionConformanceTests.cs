using System.Text;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Testing;
using Xunit.Abstractions;

namespace Lockstep.Transactions.Tests;

/// <summary>
/// ethereum/tests TransactionTests: every case of every file, judged by its Cancun result (hash, sender,
/// intrinsic gas, or an exception). About 60 cases have no Cancun entry (they stop at London/Shanghai); every
/// one of those is an exception at its last fork, and nothing that made them invalid changed in Cancun except
/// type 4, still unsupported, so they are run as "must reject".
/// </summary>
public class TransactionConformanceTests(ITestOutputHelper output)
{
    /// <summary>Mainnet: the chain id the suite signs with.</summary>
    private const ulong ChainId = 1;

    private static readonly string Root = Path.Combine(RepoPaths.EthereumTests, "TransactionTests");

    private static readonly string[] ForkOrder =
        ["Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix", "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun"];

    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (string dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Fact]
    public void SuiteIsPresent() => Assert.Equal(14, Folders().Count);

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder(string folder)
    {
        var failures = new StringBuilder();
        int cases = 0, passed = 0, valid = 0, invalid = 0, noCancun = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(Path.Combine(Root, folder), "*.json").Order(StringComparer.Ordinal))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonProperty test in doc.RootElement.EnumerateObject())
            {
                cases++;
                string name = $"{Path.GetFileName(file)}/{test.Name}";
                JsonElement results = test.Value.GetProperty("result");
                if (!results.TryGetProperty("Cancun", out JsonElement expected))
                {
                    noCancun++;
                    string last = ForkOrder.Last(f => results.TryGetProperty(f, out _));
                    expected = results.GetProperty(last);
                    if (!expected.TryGetProperty("exception", out _)) { failures.AppendLine($"{name}: no Cancun result and valid at {last}"); continue; }
                }
                string? message = RunCase(test.Value.GetProperty("txbytes").GetString()!, expected, reasons);
                if (expected.TryGetProperty("exception", out _)) invalid++; else valid++;
                if (message is null) passed++;
                else failures.AppendLine($"{name}: {message}");
            }
        }
        output.WriteLine($"{folder}: {passed}/{cases} passed ({valid} valid, {invalid} invalid, {noCancun} judged by their last pre-Cancun fork)");
        foreach (var (reason, count) in reasons) output.WriteLine($"  rejected as {reason}: {count}");
        Assert.True(cases > 0, "no cases found");
        Assert.True(failures.Length == 0, $"{folder}: {passed}/{cases} passed\n{failures}");
    }

    /// <summary>Null when the case passes, else what went wrong.</summary>
    private static string? RunCase(string txHex, JsonElement expected, SortedDictionary<string, int> reasons)
    {
        bool expectValid = !expected.TryGetProperty("exception", out JsonElement exception);
        byte[] bytes;
        try { bytes = Hex.Decode(txHex); }
        catch (FormatException) { bytes = []; } // a few fillers store non-hex garbage: must be rejected

        Transaction tx;
        try
        {
            tx = TransactionDecoder.Decode(bytes);
        }
        catch (TransactionDecodeException e)
        {
            Count(reasons, "decode:" + e.Reason);
            return expectValid ? $"rejected at decode ({e.Message}) but valid" : CheckReason(exception.GetString()!, e.Reason);
        }
        catch (Exception e)
        {
            return $"decoder threw {e.GetType().Name}: {e.Message}";
        }

        TransactionError error = TransactionValidator.Validate(tx, ChainId, out Address sender, out ulong intrinsicGas);
        if (!expectValid)
        {
            if (error == TransactionError.None) return $"accepted, expected {exception.GetString()}";
            // The suite also states the intrinsic gas of invalid but decodable transactions (0 when it did not get that far).
            ulong stated = Convert.ToUInt64(expected.GetProperty("intrinsicGas").GetString()!, 16);
            if (stated != 0 && stated != intrinsicGas) return $"intrinsic gas {intrinsicGas} != {stated} (for an invalid transaction)";
            Count(reasons, "validate:" + error);
            return CheckReason(exception.GetString()!, error);
        }
        if (error != TransactionError.None) return $"rejected ({error}) but valid";

        var problems = new StringBuilder();
        Hash256 hash = Hash256.FromHex(expected.GetProperty("hash").GetString()!);
        Address expectedSender = Address.FromHex(expected.GetProperty("sender").GetString()!);
        ulong expectedGas = Convert.ToUInt64(expected.GetProperty("intrinsicGas").GetString()!, 16);
        if (tx.Hash != hash) problems.Append($" hash {tx.Hash} != {hash};");
        if (sender != expectedSender) problems.Append($" sender {sender} != {expectedSender};");
        if (intrinsicGas != expectedGas) problems.Append($" intrinsic gas {intrinsicGas} != {expectedGas};");
        if (!tx.Encode().AsSpan().SequenceEqual(bytes)) problems.Append(" re-encoding differs from txbytes;");
        return problems.Length == 0 ? null : problems.ToString();
    }

    /// <summary>
    /// The suite's exception names mapped to our reasons. Where clients legitimately differ in which rule they
    /// report first (33-byte integers with a leading zero: too wide or leading zeros?), both are accepted.
    /// </summary>
    private static string? CheckReason(string expectedException, TransactionError actual)
    {
        string name = expectedException.StartsWith("TransactionException.", StringComparison.Ordinal)
            ? expectedException["TransactionException.".Length..]
            : expectedException;
        TransactionError[] ok = name switch
        {
            "INVALID_CHAINID" => [TransactionError.InvalidChainId],
            "INVALID_SIGNATURE_VRS" => [TransactionError.InvalidSignature, TransactionError.IntegerOverflow],
            "EC_RECOVERY_FAIL" => [TransactionError.RecoveryFailed],
            "NONCE_TOO_BIG" => [TransactionError.NonceTooBig],
            "INTRINSIC_GAS_TOO_LOW" => [TransactionError.IntrinsicGasTooLow],
            "INITCODE_SIZE_EXCEEDED" => [TransactionError.InitCodeTooLarge],
            "GASLIMIT_PRICE_PRODUCT_OVERFLOW" => [TransactionError.GasLimitPriceProductOverflow],
            "TYPE_NOT_SUPPORTED" => [TransactionError.UnsupportedType],
            "RLP_TOO_FEW_ELEMENTS" => [TransactionError.TooFewFields],
            "RLP_TOO_MANY_ELEMENTS" => [TransactionError.TooManyFields],
            "ADDRESS_TOO_LONG" or "ADDRESS_TOO_SHORT" => [TransactionError.InvalidAddressLength],
            _ when name.StartsWith("PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS", StringComparison.Ordinal) => [TransactionError.PriorityFeeGreaterThanMaxFee],
            _ when name.StartsWith("RLP_INVALID_ACCESS_LIST_ADDRESS", StringComparison.Ordinal) => [TransactionError.InvalidAddressLength],
            _ when name.StartsWith("RLP_INVALID_ACCESS_LIST_STORAGE", StringComparison.Ordinal) => [TransactionError.InvalidHashLength],
            _ when name.EndsWith("_OVERFLOW", StringComparison.Ordinal) => [TransactionError.IntegerOverflow, TransactionError.LeadingZeros],
            _ when name.StartsWith("RLP_LEADING_ZEROS_", StringComparison.Ordinal) => [TransactionError.LeadingZeros, TransactionError.IntegerOverflow, TransactionError.MalformedRlp],
            "RLP_INVALID_DATA" or "RLP_INVALID_GASLIMIT" or "RLP_INVALID_NONCE" or "RLP_INVALID_SIGNATURE_R" or "RLP_INVALID_SIGNATURE_S" or "RLP_INVALID_TO" => [TransactionError.UnexpectedItemKind],
            _ when name.StartsWith("RLP_ERROR", StringComparison.Ordinal) || name == "RLP_INVALID_HEADER" =>
                [TransactionError.MalformedRlp, TransactionError.TrailingBytes, TransactionError.UnsupportedType],
            _ => [],
        };
        if (ok.Length == 0) return $"rejected as {actual}, but {name} has no mapping in this test";
        return Array.IndexOf(ok, actual) >= 0 ? null : $"rejected as {actual}, expected {name}";
    }

    private static void Count(SortedDictionary<string, int> reasons, string key) =>
        reasons[key] = reasons.TryGetValue(key, out int n) ? n + 1 : 1;
}
