using System.Numerics;
using System.Text;
using System.Text.Json;
using Lockstep.Primitives.Rlp;
using Lockstep.Testing;

namespace Lockstep.Primitives.Tests.Rlp;

/// <summary>
/// ethereum/tests RLPTests, one test per case. Valid cases: encoding <c>in</c> gives <c>out</c>, and decoding
/// <c>out</c> gives <c>in</c> back. <c>in: "INVALID"</c>: the reader rejects <c>out</c>. <c>in: "VALID"</c>:
/// the reader accepts <c>out</c> and re-encoding the decoded tree reproduces it. <c>"#123"</c> is a big integer.
/// </summary>
public class RlpConformanceTests
{
    private static string Dir => Path.Combine(RepoPaths.EthereumTests, "RLPTests");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(Dir, "*.json", SearchOption.AllDirectories).Order())
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonProperty test in doc.RootElement.EnumerateObject()) data.Add(Path.GetRelativePath(Dir, file), test.Name);
        }
        return data;
    }

    [Fact]
    public void AllFilesAreFound()
    {
        // rlptest.json (28) + invalidRLPTest.json (26) + RandomRLPTests/example.json (1) at the pinned commit.
        Assert.Equal(55, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case(string file, string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, file)));
        JsonElement test = doc.RootElement.GetProperty(name);
        JsonElement input = test.GetProperty("in");
        byte[] output = Hex.Decode(test.GetProperty("out").GetString()!);

        if (input.ValueKind == JsonValueKind.String && input.GetString() == "INVALID")
        {
            Assert.Throws<RlpException>(() => RlpReader.Validate(output));
            Assert.Throws<RlpException>(() => RlpTree.Decode(output));
            return;
        }
        if (input.ValueKind == JsonValueKind.String && input.GetString() == "VALID")
        {
            RlpReader.Validate(output);
            Assert.Equal(Hex.Encode(output), Hex.Encode(RlpTree.Encode(RlpTree.Decode(output))));
            return;
        }

        // Encode with RlpWriter's typed methods (strings, u64/u256 scalars, lists).
        var writer = new RlpWriter();
        Encode(writer, input);
        Assert.Equal(Hex.Encode(output), Hex.Encode(writer.ToArray()));

        // Decode and compare the tree with the input; integers read back through the scalar readers too.
        RlpReader.Validate(output);
        object decoded = RlpTree.Decode(output);
        AssertSame(input, decoded);
        if (input.ValueKind == JsonValueKind.Number || (input.ValueKind == JsonValueKind.String && input.GetString()!.StartsWith('#')))
        {
            BigInteger expected = ToBigInteger(input);
            var reader = new RlpReader(output);
            if (expected < BigInteger.One << 256)
            {
                UInt256 v = reader.ReadUInt256();
                Span<byte> be = stackalloc byte[32];
                v.WriteBigEndian(be);
                Assert.Equal(expected, new BigInteger(be, isUnsigned: true, isBigEndian: true));
                if (expected <= ulong.MaxValue) Assert.Equal((ulong)expected, new RlpReader(output).ReadUInt64());
            }
            else
            {
                Assert.Throws<RlpException>(() => new RlpReader(output).ReadUInt256());
            }
        }
    }

    private static void Encode(RlpWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                w.StartList();
                foreach (JsonElement item in e.EnumerateArray()) Encode(w, item);
                w.EndList();
                break;
            case JsonValueKind.Number:
                w.WriteUInt64(e.GetUInt64());
                break;
            case JsonValueKind.String when e.GetString()!.StartsWith('#'):
                BigInteger big = ToBigInteger(e);
                if (big < BigInteger.One << 256) w.WriteUInt256(new UInt256(Pad32(big.ToByteArray(isUnsigned: true, isBigEndian: true))));
                else w.WriteBytes(big.ToByteArray(isUnsigned: true, isBigEndian: true));
                break;
            case JsonValueKind.String:
                w.WriteBytes(Encoding.UTF8.GetBytes(e.GetString()!));
                break;
            default:
                throw new InvalidOperationException("unexpected JSON in an RLP test: " + e.ValueKind);
        }
    }

    private static void AssertSame(JsonElement expected, object actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Array:
                var list = Assert.IsType<List<object>>(actual);
                Assert.Equal(expected.GetArrayLength(), list.Count);
                int i = 0;
                foreach (JsonElement item in expected.EnumerateArray()) AssertSame(item, list[i++]);
                break;
            case JsonValueKind.Number:
            case JsonValueKind.String when expected.GetString()!.StartsWith('#'):
                byte[] bytes = Assert.IsType<byte[]>(actual);
                BigInteger want = ToBigInteger(expected);
                Assert.Equal(want.IsZero ? [] : want.ToByteArray(isUnsigned: true, isBigEndian: true), bytes);
                break;
            default:
                Assert.Equal(Encoding.UTF8.GetBytes(expected.GetString()!), Assert.IsType<byte[]>(actual));
                break;
        }
    }

    private static BigInteger ToBigInteger(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? new BigInteger(e.GetUInt64()) : BigInteger.Parse(e.GetString()![1..]);

    private static byte[] Pad32(byte[] bigEndian)
    {
        var r = new byte[32];
        bigEndian.CopyTo(r, 32 - bigEndian.Length);
        return r;
    }
}

/// <summary>A generic RLP tree (byte[] for strings, List&lt;object&gt; for lists) built on RlpReader/RlpWriter.</summary>
internal static class RlpTree
{
    public static object Decode(ReadOnlySpan<byte> data)
    {
        var r = new RlpReader(data);
        object tree = Read(ref r, 0);
        r.ExpectEndOfInput();
        return tree;
    }

    private static object Read(ref RlpReader r, int depth)
    {
        if (depth > 1024) throw new RlpException("nesting too deep"); // same bound as RlpReader.Validate
        if (!r.NextIsList) return r.ReadBytes().ToArray();
        int end = r.ReadListHeader();
        var items = new List<object>();
        while (r.IsBefore(end)) items.Add(Read(ref r, depth + 1));
        r.ExpectEnd(end);
        return items;
    }

    public static byte[] Encode(object tree)
    {
        var w = new RlpWriter();
        Write(w, tree);
        return w.ToArray();
    }

    private static void Write(RlpWriter w, object tree)
    {
        if (tree is byte[] b)
        {
            w.WriteBytes(b);
            return;
        }
        w.StartList();
        foreach (object item in (List<object>)tree) Write(w, item);
        w.EndList();
    }
}
