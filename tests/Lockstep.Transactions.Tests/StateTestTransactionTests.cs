using System.Text;
using System.Text.Json;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Testing;
using Xunit.Abstractions;

namespace Lockstep.Transactions.Tests;

/// <summary>
/// Every Cancun post entry of GeneralStateTests carries the signed transaction as <c>txbytes</c>, built from the
/// test's <c>transaction</c> section (fields picked by <c>indexes</c>) and signed with <c>secretKey</c>
/// (conformance README). Rebuilding and signing it ourselves must reproduce those bytes exactly (this covers
/// EIP-4844 transactions, which TransactionTests lacks); decoding them must give back the fields and the sender.
/// </summary>
public class StateTestTransactionTests(ITestOutputHelper output)
{
    private static readonly string Root = Path.Combine(RepoPaths.EthereumTests, "GeneralStateTests");

    [Fact]
    public void CancunTxBytes_RebuildSignDecodeRecover()
    {
        var failures = new StringBuilder();
        int entries = 0, passed = 0, unrepresentable = 0, withException = 0;
        var byType = new int[4];
        foreach (string file in Directory.GetFiles(Root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonProperty test in doc.RootElement.EnumerateObject())
            {
                if (!test.Value.TryGetProperty("post", out JsonElement post) || !post.TryGetProperty("Cancun", out JsonElement cancun)) continue;
                JsonElement txJson = test.Value.GetProperty("transaction");
                byte[] key = Hex.Decode(txJson.GetProperty("secretKey").GetString()!);
                Address sender = Ecdsa.PrivateKeyToAddress(key);
                if (txJson.TryGetProperty("sender", out JsonElement s) && Address.FromHex(s.GetString()!) != sender)
                    failures.AppendLine($"{test.Name}: secretKey does not give the listed sender");

                int index = 0;
                foreach (JsonElement entry in cancun.EnumerateArray())
                {
                    entries++;
                    string name = $"{Path.GetFileName(file)}/{test.Name}[{index++}]";
                    bool expectException = entry.TryGetProperty("expectException", out _);
                    if (expectException) withException++;
                    byte[] txBytes = Hex.Decode(entry.GetProperty("txbytes").GetString()!);
                    // ethereum/tests fillers sign legacy transactions the Homestead way (v = 27/28), the Python specs
                    // (Pyspecs) with EIP-155 for chain 1: take that one bit from the decoded v.
                    Transaction? built = Build(txJson, entry.GetProperty("indexes"), LegacyUsesEip155(txBytes));
                    if (built is null)
                    {
                        unrepresentable++;
                        if (!expectException) failures.AppendLine($"{name}: fields do not fit the model, yet valid");
                        else passed++;
                        continue;
                    }
                    string? problem = Check(built.Sign(key), txBytes, sender, expectException);
                    if (problem is null) { passed++; byType[(int)built.Type]++; }
                    else failures.AppendLine($"{name}: {problem}");
                }
            }
        }
        output.WriteLine($"{passed}/{entries} Cancun entries passed ({withException} expect an exception, {unrepresentable} have fields beyond the model: 64-bit nonce/gas, 256-bit value);"
            + $" by type: legacy {byType[0]}, 2930 {byType[1]}, 1559 {byType[2]}, 4844 {byType[3]}");
        Assert.True(entries > 10_000, $"only {entries} entries");
        Assert.True(byType[3] > 0, "no blob transactions seen");
        Assert.True(failures.Length == 0, $"{passed}/{entries}\n{Truncate(failures.ToString())}");
    }

    private static string? Check(Transaction signed, byte[] txBytes, Address sender, bool expectException)
    {
        byte[] ours = signed.Encode();
        if (expectException && IsRejectedAtDecode(txBytes)) return null; // e.g. a blob transaction without `to`
        if (!ours.AsSpan().SequenceEqual(txBytes)) return $"our signed encoding {Hex.Encode(ours)[..Math.Min(80, ours.Length * 2)]}... differs";
        Transaction decoded;
        try { decoded = TransactionDecoder.Decode(txBytes); }
        catch (TransactionDecodeException e) { return $"decode failed: {e.Message}"; }
        if (decoded.Hash != signed.Hash) return "hash differs after decoding";
        TransactionError error = TransactionValidator.Validate(decoded, 1, out Address recovered, out _);
        // An expected exception may be state-dependent (balance, nonce, block gas, blob fee), so only valid
        // entries must pass the static rules; but whenever the signature is accepted it must give the sender.
        if (!expectException && error != TransactionError.None) return $"rejected ({error}) but valid";
        if (error == TransactionError.None && recovered != sender) return $"sender {recovered} != {sender}";
        return null;
    }

    /// <summary>The transaction a post entry describes, or null when a field exceeds our 64-bit nonce/gas limit.</summary>
    private static bool IsRejectedAtDecode(byte[] txBytes)
    {
        try { TransactionDecoder.Decode(txBytes); return false; }
        catch (TransactionDecodeException) { return true; }
    }

    private static bool LegacyUsesEip155(byte[] txBytes)
    {
        try
        {
            Transaction t = TransactionDecoder.Decode(txBytes);
            return t.Type == TxType.Legacy && t.V >= 35;
        }
        catch (TransactionDecodeException)
        {
            return false;
        }
    }

    private static Transaction? Build(JsonElement tx, JsonElement indexes, bool eip155)
    {
        int d = indexes.GetProperty("data").GetInt32(), g = indexes.GetProperty("gas").GetInt32(), v = indexes.GetProperty("value").GetInt32();
        // Fillers mark deliberately oversized values as "0x:bigint 0x..." (e.g. ValueOverflowParis); those cannot be built.
        if (!tx.GetProperty("value")[v].GetString()!.StartsWith("0x", StringComparison.Ordinal) || tx.GetProperty("value")[v].GetString()!.Contains(':')) return null;
        UInt256 nonce = Quantity(tx.GetProperty("nonce"));
        UInt256 gas = Quantity(tx.GetProperty("gasLimit")[g]);
        if (!nonce.FitsInUlong || !gas.FitsInUlong) return null;
        string to = tx.GetProperty("to").GetString()!;
        TxType type = tx.TryGetProperty("blobVersionedHashes", out _) ? TxType.Blob
            : tx.TryGetProperty("maxFeePerGas", out _) ? TxType.DynamicFee
            : tx.TryGetProperty("accessLists", out JsonElement al) && al.ValueKind == JsonValueKind.Array && al[d].ValueKind == JsonValueKind.Array ? TxType.AccessList
            : TxType.Legacy;
        var accessList = new List<AccessListEntry>();
        if (type != TxType.Legacy && tx.TryGetProperty("accessLists", out JsonElement lists) && lists.ValueKind == JsonValueKind.Array && lists[d].ValueKind == JsonValueKind.Array)
            foreach (JsonElement e in lists[d].EnumerateArray())
                accessList.Add(new AccessListEntry(Address.FromHex(e.GetProperty("address").GetString()!),
                    e.GetProperty("storageKeys").EnumerateArray().Select(k => new Hash256(Hex.Decode(k.GetString()!).AsSpan().PadLeft32())).ToArray()));
        return new Transaction
        {
            Type = type,
            ChainId = type == TxType.Legacy && !eip155 ? null : 1,
            Nonce = nonce.U0,
            GasPrice = type <= TxType.AccessList ? Quantity(tx.GetProperty("gasPrice")) : UInt256.Zero,
            MaxFeePerGas = type >= TxType.DynamicFee ? Quantity(tx.GetProperty("maxFeePerGas")) : UInt256.Zero,
            MaxPriorityFeePerGas = type >= TxType.DynamicFee ? Quantity(tx.GetProperty("maxPriorityFeePerGas")) : UInt256.Zero,
            GasLimit = gas.U0,
            To = to.Length == 0 ? null : Address.FromHex(to),
            Value = Quantity(tx.GetProperty("value")[v]),
            Data = Hex.Decode(tx.GetProperty("data")[d].GetString()!),
            AccessList = accessList,
            MaxFeePerBlobGas = type == TxType.Blob ? Quantity(tx.GetProperty("maxFeePerBlobGas")) : UInt256.Zero,
            BlobVersionedHashes = type == TxType.Blob
                ? tx.GetProperty("blobVersionedHashes").EnumerateArray().Select(h => Hash256.FromHex(h.GetString()!)).ToArray()
                : [],
        };
    }

    private static UInt256 Quantity(JsonElement e) => new(Hex.Decode(e.GetString()!).AsSpan().PadLeft32());

    private static string Truncate(string s) => s.Length <= 6000 ? s : s[..6000] + "\n...";
}

internal static class SpanPadding
{
    /// <summary>Big-endian bytes left-padded to 32 (state-test JSON may write short quantities and keys).</summary>
    public static byte[] PadLeft32(this Span<byte> b)
    {
        int start = 0;
        while (b.Length - start > 32 && b[start] == 0) start++;
        var r = new byte[32];
        b[start..].CopyTo(r.AsSpan(32 - (b.Length - start)));
        return r;
    }
}
