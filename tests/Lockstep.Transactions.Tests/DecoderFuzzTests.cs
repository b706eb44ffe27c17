using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.Transactions.Tests;

/// <summary>
/// Random and mutated inputs (bit flips, truncations, deletions, insertions of real encodings, header edits):
/// the decoder must either decode or throw <see cref="TransactionDecodeException"/>. Anything it accepts must
/// re-encode to exactly the input (canonical form) and survive validation without throwing.
/// </summary>
public class DecoderFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]>();
        string root = Path.Combine(RepoPaths.EthereumTests, "TransactionTests");
        foreach (string file in Directory.GetFiles(root, "*.json", SearchOption.AllDirectories))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonProperty t in doc.RootElement.EnumerateObject())
            {
                try { corpus.Add(Hex.Decode(t.Value.GetProperty("txbytes").GetString()!)); }
                catch (FormatException) { }
            }
        }
        var rng = new Random(99);
        byte[] key = TxGen.RandomKey(rng);
        foreach (TxType type in new[] { TxType.Legacy, TxType.AccessList, TxType.DynamicFee, TxType.Blob })
            for (int i = 0; i < 10; i++)
                corpus.Add(TxGen.RandomUnsigned(rng, type, 1).Sign(key).Encode());
        return corpus;
    }

    [Fact]
    public void MutatedAndRandomInputs_DecodeOrThrowTypedError()
    {
        List<byte[]> corpus = Corpus();
        Assert.True(corpus.Count > 200);
        var rng = new Random(20261127);
        int decoded = 0, rejected = 0;
        var failures = new List<string>();
        const int Iterations = 30_000;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = i % 10 == 0 ? RandomInput(rng) : Mutate(rng, corpus[rng.Next(corpus.Count)], corpus);
            string? failure = Check(input, ref decoded, ref rejected);
            if (failure is not null && failures.Count < 20) failures.Add($"{Hex.Encode(input)}: {failure}");
        }
        output.WriteLine($"{Iterations} inputs from a corpus of {corpus.Count}: {decoded} decoded, {rejected} rejected with TransactionDecodeException");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Iterations, decoded + rejected);
        // Sanity: the mutator must exercise both outcomes.
        Assert.True(decoded > 100 && rejected > 10_000, $"decoded {decoded}, rejected {rejected}");
    }

    [Fact]
    public void RandomSignatures_NeverThrow()
    {
        var rng = new Random(31337);
        List<byte[]> corpus = Corpus();
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            Transaction tx;
            try { tx = TransactionDecoder.Decode(corpus[rng.Next(corpus.Count)]); }
            catch (TransactionDecodeException) { continue; }
            UInt256 v = rng.Next(3) switch { 0 => (UInt256)(uint)rng.Next(0, 40), 1 => TxGen.RandomU256(rng), _ => tx.V };
            UInt256 r = rng.Next(4) == 0 ? tx.R : TxGen.RandomU256(rng);
            UInt256 s = rng.Next(4) == 0 ? tx.S : TxGen.RandomU256(rng);
            Transaction mutated = tx.WithSignature(v, r, s);
            if (mutated.TryRecoverSender((ulong)rng.Next(0, 3), out _, out TransactionError error)) accepted++;
            else Assert.NotEqual(TransactionError.None, error);
        }
        Assert.True(accepted > 0);
    }

    [Fact]
    public void MutatedBlockItems_DecodeOrThrowTypedError()
    {
        List<byte[]> corpus = Corpus();
        var rng = new Random(4242);
        for (int i = 0; i < 5000; i++)
        {
            byte[] seed = corpus[rng.Next(corpus.Count)];
            byte[] item = seed.Length > 0 && seed[0] < 0x80 ? Lockstep.Primitives.Rlp.RlpWriter.EncodeBytes(seed) : seed;
            byte[] input = Mutate(rng, item, corpus);
            try { TransactionDecoder.DecodeBlockItem(input); }
            catch (TransactionDecodeException) { }
        }
    }

    private static string? Check(byte[] input, ref int decoded, ref int rejected)
    {
        Transaction tx;
        try
        {
            tx = TransactionDecoder.Decode(input);
        }
        catch (TransactionDecodeException)
        {
            rejected++;
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
        decoded++;
        try
        {
            if (!tx.Encode().AsSpan().SequenceEqual(input)) return "accepted a non-canonical encoding";
            TransactionValidator.Validate(tx, 1, out _, out _);
            _ = tx.Hash;
        }
        catch (Exception e)
        {
            return $"after decoding: {e.GetType().Name}: {e.Message}";
        }
        return null;
    }

    private static byte[] RandomInput(Random rng)
    {
        byte[] b = TxGen.RandomBytes(rng, rng.Next(0, 300));
        if (b.Length > 0 && rng.Next(2) == 0) b[0] = (byte)rng.Next(0, 4); // plausible type byte
        if (b.Length > 1 && rng.Next(2) == 0) b[b[0] < 4 ? 1 : 0] = (byte)rng.Next(0xc0, 0x100); // plausible list header
        return b;
    }

    private static byte[] Mutate(Random rng, byte[] seed, List<byte[]> corpus)
    {
        var b = new List<byte>(seed);
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            switch (rng.Next(8))
            {
                case 0 when b.Count > 0: // bit flip
                    int at = rng.Next(b.Count);
                    b[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1 when b.Count > 0: // truncate
                    int cut = rng.Next(b.Count);
                    b.RemoveRange(cut, b.Count - cut);
                    break;
                case 2 when b.Count > 0: // delete a run
                    int from = rng.Next(b.Count);
                    b.RemoveRange(from, Math.Min(b.Count - from, rng.Next(1, 8)));
                    break;
                case 3: // insert random bytes
                    b.InsertRange(rng.Next(b.Count + 1), TxGen.RandomBytes(rng, rng.Next(1, 8)));
                    break;
                case 4: // insert (part of) another real encoding
                    byte[] other = corpus[rng.Next(corpus.Count)];
                    int start = rng.Next(other.Length);
                    b.InsertRange(rng.Next(b.Count + 1), other.AsSpan(start, rng.Next(other.Length - start + 1)).ToArray());
                    break;
                case 5 when b.Count > 0: // set a byte to a boundary value (RLP prefix edges)
                    byte[] edges = [0x00, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff];
                    b[rng.Next(b.Count)] = edges[rng.Next(edges.Length)];
                    break;
                case 6 when b.Count > 2: // change the type byte / first header byte
                    b[0] = (byte)rng.Next(0, 256);
                    break;
                default: // re-sign a valid shape: flip a byte inside the signature tail
                    if (b.Count > 10) b[b.Count - 1 - rng.Next(Math.Min(b.Count, 70))] ^= (byte)rng.Next(1, 256);
                    break;
            }
        }
        return b.ToArray();
    }
}
