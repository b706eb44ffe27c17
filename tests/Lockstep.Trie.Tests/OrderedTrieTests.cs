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

    [GeneratedRegex("\"rlp\" : \"(0x[0-9a-f]+)\"")]
    private static partial Regex RlpField();

    [GeneratedRegex("\"transactionsTrie\" : \"(0x[0-9a-f]+)\"")]
    private static partial Regex TxTrieField();
}
