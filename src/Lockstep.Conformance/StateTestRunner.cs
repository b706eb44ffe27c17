using System.Globalization;
using System.Text;
using System.Text.Json;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;

namespace Lockstep.Conformance;

/// <summary>The verdict on one (test, fork, post index) of a GeneralStateTests file.</summary>
public sealed record CaseResult(string File, string Name, string Fork, int Index, bool Pass, string StateRoot, string? Error);

/// <summary>
/// Runs ethereum/tests GeneralStateTests (docs/test_types/gstate_tests.rst): for each post entry of the fork,
/// builds the pre-state, runs the indexed transaction alone in a block made from <c>env</c>, adds 0 wei to
/// the coinbase, and compares the state root and the logs hash (with <c>expectException</c>, the
/// transaction must be rejected and the state stay as before).
/// </summary>
public sealed class StateTestRunner : IDisposable
{
    private readonly VirtualMachine _vm = new();

    /// <summary>All .json files under the paths (files are taken as they are), sorted.</summary>
    public static List<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string p in paths)
        {
            if (Directory.Exists(p)) files.AddRange(Directory.EnumerateFiles(p, "*.json", SearchOption.AllDirectories));
            else files.Add(p);
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Runs every case of <paramref name="fork"/> in one file.</summary>
    public List<CaseResult> RunFile(string file, string fork = "Cancun")
    {
        var results = new List<CaseResult>();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(file));
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            if (!test.Value.TryGetProperty("post", out JsonElement post) || !post.TryGetProperty(fork, out JsonElement cases)) continue;
            int index = 0;
            foreach (JsonElement c in cases.EnumerateArray())
            {
                CaseResult r;
                try
                {
                    r = RunCase(file, test.Name, fork, index, test.Value, c);
                }
                catch (Exception e)
                {
                    r = new CaseResult(file, test.Name, fork, index, false, "", "exception: " + e.GetType().Name + ": " + e.Message);
                }
                results.Add(r);
                index++;
            }
        }
        return results;
    }

    private CaseResult RunCase(string file, string name, string fork, int index, JsonElement test, JsonElement post)
    {
        JsonElement env = test.GetProperty("env");
        JsonElement txJson = test.GetProperty("transaction");
        JsonElement indexes = post.GetProperty("indexes");
        int di = indexes.GetProperty("data").GetInt32(), gi = indexes.GetProperty("gas").GetInt32(), vi = indexes.GetProperty("value").GetInt32();
        Hash256 expectedRoot = Hash256.FromHex(post.GetProperty("hash").GetString()!);
        Hash256 expectedLogs = Hash256.FromHex(post.GetProperty("logs").GetString()!);
        string? expectException = post.TryGetProperty("expectException", out JsonElement ee) ? ee.GetString() : null;

        var state = new WorldState();
        foreach (JsonProperty acc in test.GetProperty("pre").EnumerateObject())
        {
            var storage = new List<KeyValuePair<UInt256, UInt256>>();
            foreach (JsonProperty s in acc.Value.GetProperty("storage").EnumerateObject())
                storage.Add(new(ParseU256(s.Name), ParseU256(s.Value.GetString()!)));
            state.SetAccount(Address.FromHex(acc.Name), ParseU256(acc.Value.GetProperty("nonce").GetString()!).U0,
                ParseU256(acc.Value.GetProperty("balance").GetString()!), Hex.Decode(acc.Value.GetProperty("code").GetString()!), storage);
        }
        state.CommitTransaction();

        var block = new BlockEnvironment
        {
            Coinbase = Address.FromHex(env.GetProperty("currentCoinbase").GetString()!),
            Number = ParseU256(env.GetProperty("currentNumber").GetString()!).U0,
            Timestamp = ParseU256(env.GetProperty("currentTimestamp").GetString()!).U0,
            GasLimit = (long)Math.Min(ParseU256(env.GetProperty("currentGasLimit").GetString()!).U0, long.MaxValue),
            BaseFee = env.TryGetProperty("currentBaseFee", out JsonElement bf) ? ParseU256(bf.GetString()!) : UInt256.Zero,
            PrevRandao = env.TryGetProperty("currentRandom", out JsonElement rnd) ? ParseU256(rnd.GetString()!) : UInt256.Zero,
            ExcessBlobGas = env.TryGetProperty("currentExcessBlobGas", out JsonElement ex) ? ParseU256(ex.GetString()!).U0 : 0,
            BlockHashes = DecimalStringBlockHashes.Instance,
        };

        bool valid = TryBuildTransaction(txJson, di, gi, vi, out TransactionInput? tx);
        string? error = null;
        TransactionResult? result = null;
        if (valid)
        {
            var processor = new TransactionProcessor(state, block, _vm);
            valid = processor.TryExecute(tx!, out result, out InvalidTransactionReason reason);
            if (!valid) error = "invalid: " + reason;
        }
        else error = "invalid: field out of range";

        // The test harness adds a 0-wei reward to the coinbase after the transaction (EIP-161 then removes an empty one).
        state.AddBalance(block.Coinbase, UInt256.Zero);
        state.CommitTransaction();
        Hash256 root = state.ComputeStateRoot();

        bool pass;
        if (expectException is not null)
        {
            pass = !valid && root == expectedRoot;
            error = valid ? $"expected exception {expectException}, transaction was valid" : root != expectedRoot ? "state changed by an invalid transaction" : null;
        }
        else if (!valid)
        {
            pass = false;
        }
        else
        {
            Hash256 logsHash = LogsHash(result!.Logs);
            pass = root == expectedRoot && logsHash == expectedLogs;
            error = pass ? null : root != expectedRoot
                ? $"state root {root} != {expectedRoot} (status {result.Status}, gas used {result.GasUsed})"
                : $"logs hash {logsHash} != {expectedLogs}";
        }
        return new CaseResult(file, name, fork, index, pass, root.ToString(), error);
    }

    /// <summary>keccak(rlp([[address, [topics...], data], ...])).</summary>
    public static Hash256 LogsHash(IReadOnlyList<LogEntry> logs)
    {
        var w = new RlpWriter(256);
        LogEntry.WriteList(w, logs);
        return Keccak256.Compute(w.Written);
    }

    private static bool TryBuildTransaction(JsonElement tx, int di, int gi, int vi, out TransactionInput? input)
    {
        input = null;
        // Fillers write out-of-range values as "0x:bigint 0x..."; such a transaction cannot be encoded validly.
        if (!TryParseU256(tx.GetProperty("value")[vi].GetString()!, out UInt256 value)) return false;
        UInt256 gasLimit = ParseU256(tx.GetProperty("gasLimit")[gi].GetString()!);
        UInt256 nonce = ParseU256(tx.GetProperty("nonce").GetString()!);
        if (!gasLimit.FitsInUlong || !nonce.FitsInUlong) return false;
        string to = tx.TryGetProperty("to", out JsonElement toEl) ? toEl.GetString() ?? "" : "";

        AccessListItem[] accessList = [];
        bool hasAccessList = false;
        if (tx.TryGetProperty("accessLists", out JsonElement lists) && lists.ValueKind == JsonValueKind.Array)
        {
            hasAccessList = true;
            JsonElement list = lists[di];
            if (list.ValueKind == JsonValueKind.Array)
            {
                var items = new List<AccessListItem>();
                foreach (JsonElement item in list.EnumerateArray())
                {
                    var keys = new List<UInt256>();
                    foreach (JsonElement k in item.GetProperty("storageKeys").EnumerateArray()) keys.Add(ParseU256(k.GetString()!));
                    items.Add(new AccessListItem(Address.FromHex(item.GetProperty("address").GetString()!), keys.ToArray()));
                }
                accessList = items.ToArray();
            }
        }

        Hash256[] blobHashes = [];
        bool isBlob = tx.TryGetProperty("blobVersionedHashes", out JsonElement bh);
        if (isBlob)
        {
            var hashes = new List<Hash256>();
            foreach (JsonElement h in bh.EnumerateArray()) hashes.Add(Hash256.FromHex(h.GetString()!));
            blobHashes = hashes.ToArray();
        }
        bool isDynamic = tx.TryGetProperty("maxFeePerGas", out JsonElement maxFee);
        byte type = isBlob ? (byte)3 : isDynamic ? (byte)2 : hasAccessList ? (byte)1 : (byte)0;

        input = new TransactionInput
        {
            Type = type,
            Sender = Address.FromHex(tx.GetProperty("sender").GetString()!),
            To = to.Length == 0 ? null : Address.FromHex(to),
            Nonce = nonce.U0,
            Value = value,
            Data = Hex.Decode(tx.GetProperty("data")[di].GetString()!),
            GasLimit = gasLimit.U0,
            GasPrice = tx.TryGetProperty("gasPrice", out JsonElement gp) ? ParseU256(gp.GetString()!) : UInt256.Zero,
            MaxFeePerGas = isDynamic ? ParseU256(maxFee.GetString()!) : UInt256.Zero,
            MaxPriorityFeePerGas = tx.TryGetProperty("maxPriorityFeePerGas", out JsonElement mp) ? ParseU256(mp.GetString()!) : UInt256.Zero,
            AccessList = accessList,
            BlobVersionedHashes = blobHashes,
            MaxFeePerBlobGas = tx.TryGetProperty("maxFeePerBlobGas", out JsonElement mb) ? ParseU256(mb.GetString()!) : UInt256.Zero,
        };
        return true;
    }

    private static bool TryParseU256(string s, out UInt256 value)
    {
        const string bigint = "0x:bigint ";
        if (s.StartsWith(bigint, StringComparison.Ordinal)) s = s[bigint.Length..];
        var big = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? System.Numerics.BigInteger.Parse("0" + s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : System.Numerics.BigInteger.Parse(s, CultureInfo.InvariantCulture);
        value = default;
        if (big.GetBitLength() > 256) return false;
        value = UInt256.FromBigInteger(big);
        return true;
    }

    /// <summary>Parses "0x.." hex quantities (any length up to 32 bytes) and plain decimals.</summary>
    public static UInt256 ParseU256(string s)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            string hex = s[2..];
            if (hex.Length == 0) return UInt256.Zero;
            if (hex.Length % 2 == 1) hex = "0" + hex;
            byte[] b = Convert.FromHexString(hex);
            int skip = 0;
            while (skip < b.Length - 32 && b[skip] == 0) skip++;
            return new UInt256(b.AsSpan(skip));
        }
        return UInt256.FromBigInteger(System.Numerics.BigInteger.Parse(s, CultureInfo.InvariantCulture));
    }

    public void Dispose() => _vm.Dispose();
}

/// <summary>The GeneralStateTests BLOCKHASH convention: hash(n) = keccak of the decimal string of n.</summary>
public sealed class DecimalStringBlockHashes : IBlockHashProvider
{
    public static readonly DecimalStringBlockHashes Instance = new();

    public Hash256 GetBlockHash(ulong number) =>
        Keccak256.Compute(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
}
