using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Trie;

/// <summary>
/// Roots of index-keyed tries (Yellow Paper 4.3: transactionsRoot, receiptsRoot; EIP-4895 withdrawalsRoot):
/// item i is stored under key RLP(i). Each item must already be in its consensus encoding: a legacy transaction
/// or receipt is its RLP list, a typed one (EIP-2718) is <c>type ++ payload</c>, not wrapped again.
/// </summary>
public static class OrderedTrie
{
    /// <summary>The root of the trie mapping RLP(i) to <paramref name="encodedItems"/>[i].</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<byte[]> encodedItems)
    {
        var trie = new PatriciaTrie();
        var key = new RlpWriter(16);
        for (int i = 0; i < encodedItems.Count; i++)
        {
            key.Reset();
            key.WriteUInt64((ulong)i);
            trie.Set(key.Written, encodedItems[i]);
        }
        return trie.RootHash;
    }
}
