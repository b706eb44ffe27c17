using System.Text.RegularExpressions;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Testing;

namespace Lockstep.Trie.Tests;

public partial class OrderedTrieTests
{
    [Fact]
    public void EmptyListIsTheEmptyTrieRoot() => Assert.Equal(Keccak256.EmptyTrieRoot, OrderedTrie.ComputeRoot([]));

    /// <summary>
    /// The example block in ethereum/tests' BlockchainTests documentation: its header's transactionsTrie
    /// must equal the ordered-trie root of the block's transaction list.
    /// </summary>
    [Fact]
    public void MatchesTheBlockchainTestsDocumentationExample()
    {
        string doc = File.ReadAllText(Path.Combine(RepoPaths.EthereumTests, "docs", "test_types", "TestStructures", "BlockchainTests", "block.rst"));
        byte[] block = Hex.Decode(RlpField().Match(doc).Groups[1].Value);
        Hash256 expected = Hash256.FromHex(TxTrieField().Match(doc).Groups[1].Value);

        // block = [header, transactions, ommers]; header[4] = transactionsRoot.
        var r = new RlpReader(block);
        int blockEnd = r.ReadListHeader();
        byte[] header = r.ReadEncodedItem().ToArray();
        var txs = new List<byte[]>();
        int txEnd = r.ReadListHeader();
        while (r.IsBefore(txEnd)) txs.Add(r.ReadEncodedItem().ToArray());
        r.ReadEncodedItem();
        r.ExpectEnd(blockEnd);

        var h = new RlpReader(header);
        h.ReadListHeader();
        for (int i = 0; i < 4; i++) h.ReadEncodedItem();
        Assert.Equal(expected, h.ReadHash());

        Assert.Single(txs);
        Assert.Equal(expected, OrderedTrie.ComputeRoot(txs));
    }

    [Fact]
    public void KeysAreRlpOfTheIndex()
    {
        // More than 128 items: keys 0x80 (index 0), 0x01..0x7f, 0x8180.. exercise all three key shapes.
        var items = new List<byte[]>();
        for (int i = 0; i < 300; i++) items.Add([.. BitConverter.GetBytes(i), 0xc0]);
        var trie = new PatriciaTrie();
        for (int i = 0; i < items.Count; i++) trie.Set(new RlpWriter().WriteUInt64((ulong)i).ToArray(), items[i]);
        Assert.Equal(trie.RootHash, OrderedTrie.ComputeRoot(items));
        var oracle = new Nethereum.Merkle.Patricia.PatriciaTrie();
        for (int i = 0; i < items.Count; i++) oracle.Put(Nethereum.RLP.RLP.EncodeElement(i == 0 ? [] : Nethereum.RLP.ConvertorForRLPEncodingExtensions.ToBytesForRLPEncoding(i)), items[i]);
        Assert.Equal(new Hash256(oracle.Root.GetHash()), OrderedTrie.ComputeRoot(items));
    }

    /// <summary>
    /// The streaming root against Nethereum's Patricia trie (an independent implementation) over the sizes where the
    /// key shapes change (1, 2, 127/128/129 items, 256/257 where RLP(i) grows a byte, 65,536+ for 3-byte keys) and item
    /// lengths from 1 byte (embedded leaves, and a single byte below 0x80 that is its own RLP) to several hundred.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(16, 3)]
    [InlineData(17, 4)]
    [InlineData(127, 5)]
    [InlineData(128, 6)]
    [InlineData(129, 7)]
    [InlineData(255, 8)]
    [InlineData(256, 9)]
    [InlineData(257, 10)]
    [InlineData(1001, 11)]
    [InlineData(4097, 12)]
    [InlineData(65_540, 13)]
    public void StreamingRootMatchesAnIndependentTrie(int count, int seed)
    {
        var random = new Random(seed);
        var items = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            // Mostly short items so leaves and whole branches are embedded (< 32 bytes); some long ones.
            int length = random.Next(4) switch { 0 => 1, 1 => random.Next(2, 31), 2 => random.Next(31, 40), _ => random.Next(40, 600) };
            var item = new byte[length];
            random.NextBytes(item);
            items.Add(item);
        }
        var oracle = new Nethereum.Merkle.Patricia.PatriciaTrie();
        for (int i = 0; i < items.Count; i++) oracle.Put(Nethereum.RLP.RLP.EncodeElement(i == 0 ? [] : Nethereum.RLP.ConvertorForRLPEncodingExtensions.ToBytesForRLPEncoding(i)), items[i]);
        Hash256 expected = new(oracle.Root.GetHash());
        Assert.Equal(expected, OrderedTrie.ComputeRoot(items));
        // The same items handed out through a scratch buffer one at a time.
        Assert.Equal(expected, OrderedTrie.ComputeRoot(new CopyingItems(items), items.Count));
    }

    [Fact]
    public void KeyOrderIsOneToOneHundredTwentySevenThenZeroThenTheRest()
    {
        Assert.Equal([1, 2, 0], Enumerable.Range(0, 3).Select(p => OrderedTrie.IndexAt(p, 3)));
        Assert.Equal(0, OrderedTrie.IndexAt(127, 200));
        Assert.Equal(128, OrderedTrie.IndexAt(128, 200));
        // The positions' keys ascend bytewise (the order the streaming root relies on).
        byte[]? previous = null;
        foreach (int position in Enumerable.Range(0, 70_000))
        {
            byte[] key = new RlpWriter().WriteUInt64((ulong)OrderedTrie.IndexAt(position, 70_000)).ToArray();
            if (previous is not null) Assert.True(previous.AsSpan().SequenceCompareTo(key) < 0, $"position {position}");
            previous = key;
        }
    }

    private sealed class CopyingItems(List<byte[]> items) : IOrderedTrieItems
    {
        public ReadOnlySpan<byte> Encode(int index, ref byte[] scratch)
        {
            if (scratch.Length < items[index].Length) scratch = new byte[items[index].Length];
            items[index].CopyTo(scratch, 0);
            return scratch.AsSpan(0, items[index].Length);
        }
    }

    [GeneratedRegex("\"rlp\" : \"(0x[0-9a-f]+)\"")]
    private static partial Regex RlpField();

    [GeneratedRegex("\"transactionsTrie\" : \"(0x[0-9a-f]+)\"")]
    private static partial Regex TxTrieField();
}
