using System.Text;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.Trie.Tests;

/// <summary>
/// ethereum/tests TrieTests: every case of every file is one test. Keys and values that start with 0x are hex,
/// other strings are their UTF-8 bytes; a null value deletes. "secure" files hash keys with keccak256.
/// </summary>
public class TrieConformanceTests
{
    private static string Dir => Path.Combine(RepoPaths.EthereumTests, "TrieTests");

    private static readonly string[] RootFiles =
    [
        "trieanyorder.json", "trieanyorder_secureTrie.json", "trietest.json", "trietest_secureTrie.json",
        "hex_encoded_securetrie_test.json",
    ];

    public static TheoryData<string, string> RootCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in RootFiles)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, file)));
            foreach (JsonProperty test in doc.RootElement.EnumerateObject()) data.Add(file, test.Name);
        }
        return data;
    }

    public static TheoryData<string> NextPrevCases()
    {
        var data = new TheoryData<string>();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "trietestnextprev.json")));
        foreach (JsonProperty test in doc.RootElement.EnumerateObject()) data.Add(test.Name);
        return data;
    }

    [Fact]
    public void EveryFileInTheFolderIsCovered()
    {
        string[] files = Directory.GetFiles(Dir, "*.json").Select(Path.GetFileName).OfType<string>().Order().ToArray();
        Assert.Equal(RootFiles.Append("trietestnextprev.json").Order().ToArray(), files);
        Assert.True(RootCases().Count >= 25, "expected the suite's ~25 root cases");
    }

    [Theory]
    [MemberData(nameof(RootCases))]
    public void RootMatches(string file, string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, file)));
        JsonElement test = doc.RootElement.GetProperty(name);
        bool secure = file.Contains("secure", StringComparison.OrdinalIgnoreCase);
        Hash256 expected = Hash256.FromHex(test.GetProperty("root").GetString()!);
        List<(byte[] Key, byte[]? Value)> ops = ReadOps(test.GetProperty("in"));

        var store = new MemoryNodeStore();
        var trie = new PatriciaTrie(store);
        var model = new Dictionary<string, byte[]>();
        foreach (var (key, value) in ops)
        {
            byte[] k = secure ? Keccak256.Compute(key).ToArray() : key;
            if (value is null || value.Length == 0) { trie.Delete(k); model.Remove(Hex.Encode(k)); }
            else { trie.Set(k, value); model[Hex.Encode(k)] = value; }
            _ = trie.RootHash; // hash mid-way too, so later updates exercise the cached-reference invalidation
        }
        Assert.Equal(expected, trie.RootHash);

        // A map ("trieanyorder") must give the same root in any insertion order.
        if (test.GetProperty("in").ValueKind == JsonValueKind.Object)
        {
            var reversed = new PatriciaTrie();
            for (int i = ops.Count - 1; i >= 0; i--) reversed.Set(secure ? Keccak256.Compute(ops[i].Key).ToArray() : ops[i].Key, ops[i].Value!);
            Assert.Equal(expected, reversed.RootHash);
        }

        // Persist, reopen lazily, and read everything back; every key must also prove against the root.
        Assert.Equal(expected, trie.Commit());
        var reopened = new PatriciaTrie(store, expected);
        foreach (var (hexKey, value) in model)
        {
            byte[] k = Hex.Decode(hexKey);
            Assert.Equal(value, reopened.Get(k));
            Assert.Equal(value, PatriciaTrie.VerifyProof(expected, k, reopened.GetProof(k)));
        }
        Assert.Equal(expected, reopened.RootHash);
        Assert.Equal(model.Count, reopened.ToList().Count);
    }

    [Theory]
    [MemberData(nameof(NextPrevCases))]
    public void NextAndPreviousKeys(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "trietestnextprev.json")));
        JsonElement test = doc.RootElement.GetProperty(name);
        var trie = new PatriciaTrie();
        foreach (JsonElement key in test.GetProperty("in").EnumerateArray()) trie.Set(Decode(key.GetString()!), Encoding.UTF8.GetBytes("x"));
        List<KeyValuePair<byte[], byte[]>> ordered = trie.ToList();
        int cases = 0;
        foreach (JsonElement row in test.GetProperty("tests").EnumerateArray())
        {
            byte[] probe = Decode(row[0].GetString()!);
            // prev = greatest key < probe, next = smallest key > probe, in the trie's own (nibble) order.
            string prev = "", next = "";
            foreach (var kv in ordered)
            {
                int c = kv.Key.AsSpan().SequenceCompareTo(probe);
                if (c < 0) prev = Encoding.UTF8.GetString(kv.Key);
                else if (c > 0 && next.Length == 0) next = Encoding.UTF8.GetString(kv.Key);
            }
            Assert.Equal(row[1].GetString(), prev);
            Assert.Equal(row[2].GetString(), next);
            cases++;
        }
        Assert.True(cases > 0);
    }

    private static List<(byte[] Key, byte[]? Value)> ReadOps(JsonElement input)
    {
        var ops = new List<(byte[], byte[]?)>();
        if (input.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in input.EnumerateObject()) ops.Add((Decode(p.Name), Value(p.Value)));
        }
        else
        {
            foreach (JsonElement pair in input.EnumerateArray()) ops.Add((Decode(pair[0].GetString()!), Value(pair[1])));
        }
        return ops;
    }

    private static byte[]? Value(JsonElement v) => v.ValueKind == JsonValueKind.Null ? null : Decode(v.GetString()!);

    private static byte[] Decode(string s) => s.StartsWith("0x", StringComparison.Ordinal) ? Hex.Decode(s) : Encoding.UTF8.GetBytes(s);
}
