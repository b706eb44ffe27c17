using Lockstep.Primitives;

namespace Lockstep.Trie;

/// <summary>
/// The items of an ordered trie, handed out one at a time (<see cref="OrderedTrie.ComputeRoot{TItems}"/>): a block
/// builder encodes each transaction or receipt into one reused buffer instead of keeping an array per item.
/// </summary>
public interface IOrderedTrieItems
{
    /// <summary>
    /// The consensus encoding of item <paramref name="index"/>: a span over bytes the item already holds, or written
    /// into <paramref name="scratch"/> (replace it with a larger array when too small). Valid until the next call.
    /// </summary>
    ReadOnlySpan<byte> Encode(int index, ref byte[] scratch);
}

/// <summary>
/// Roots of index-keyed tries (Yellow Paper 4.3: transactionsRoot, receiptsRoot; EIP-4895 withdrawalsRoot):
/// item i is stored under key RLP(i). Each item must already be in its consensus encoding: a legacy transaction
/// or receipt is its RLP list, a typed one (EIP-2718) is <c>type ++ payload</c>, not wrapped again.
/// <para>
/// The root is computed streaming, without building a trie (go-ethereum's StackTrie idea, written here for the
/// ordered case): the keys are known in advance, so the items are visited in key order and every node is encoded
/// and hashed once, from the leaves up, in buffers on the stack. Key order is not index order: RLP(0) = 0x80 sorts
/// after RLP(1..127) = 0x01..0x7f and before RLP(128..) = 0x81.., 0x82.. (the same order go-ethereum's DeriveSha
/// inserts in). The keys are prefix-free (a key's first byte fixes its length), so no branch holds a value. Per
/// item this allocates nothing; a block of a thousand transactions used to build ~4,000 trie nodes and byte arrays
/// that the garbage collector then copied while the rest of the superblock was still being built (issue 4).
/// </para>
/// </summary>
public static class OrderedTrie
{
    // A branch's payload: 16 references of at most 33 bytes (0xa0 ++ hash, or an embedded node under 32 bytes) and
    // the empty value; its list header is at most 3 bytes.
    private const int MaxBranchPayload = 16 * 33 + 1;
    private const int MaxBranch = MaxBranchPayload + 3;

    [ThreadStatic] private static byte[]? t_leaf;
    [ThreadStatic] private static byte[]? t_item;

    /// <summary>The root of the trie mapping RLP(i) to <paramref name="encodedItems"/>[i].</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<byte[]> encodedItems) =>
        ComputeRoot(new ArrayItems(encodedItems), encodedItems.Count);

    /// <summary>The root of the trie mapping RLP(i) to item i of <paramref name="items"/>, for i below <paramref name="count"/>.</summary>
    public static Hash256 ComputeRoot<TItems>(TItems items, int count) where TItems : IOrderedTrieItems
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return Keccak256.EmptyTrieRoot;
        var walk = new Walk<TItems>(items, count, t_leaf ?? new byte[1024], t_item ?? new byte[1024]);
        Span<byte> reference = stackalloc byte[33];
        int length = walk.Reference(0, count, 0, reference);
        t_leaf = walk.Leaf;
        t_item = walk.Item;
        // The root is always hashed, even when its encoding is shorter than 32 bytes (then it came back embedded).
        return length == 33 && reference[0] == 0xa0 ? new Hash256(reference[1..]) : Keccak256.Compute(reference[..length]);
    }

    /// <summary>The index of the item at <paramref name="position"/> in key order: 1..127, then 0, then 128 on.</summary>
    internal static int IndexAt(int position, int count)
    {
        int small = Math.Min(count - 1, 127); // items 1..127 come first
        return position < small ? position + 1 : position == small ? 0 : position;
    }

    /// <summary>RLP(<paramref name="index"/>) as nibbles packed big-endian into a ulong, with their count.</summary>
    internal static ulong Key(int index, out int nibbles)
    {
        if (index == 0) { nibbles = 2; return 0x80; }
        if (index < 0x80) { nibbles = 2; return (ulong)index; }
        int bytes = (39 - System.Numerics.BitOperations.LeadingZeroCount((uint)index)) / 8; // 1..4 bytes of index
        nibbles = 2 * (bytes + 1);
        return ((ulong)(0x80 + bytes) << (8 * bytes)) | (uint)index;
    }

    private static int Nibble(ulong key, int nibbles, int depth) => (int)(key >> (4 * (nibbles - 1 - depth))) & 0xf;

    private readonly struct ArrayItems(IReadOnlyList<byte[]> items) : IOrderedTrieItems
    {
        public ReadOnlySpan<byte> Encode(int index, ref byte[] scratch) => items[index];
    }

    private struct Walk<TItems>(TItems items, int count, byte[] leaf, byte[] item) where TItems : IOrderedTrieItems
    {
        private TItems _items = items;
        public byte[] Leaf = leaf;
        public byte[] Item = item;

        /// <summary>
        /// Writes the reference to the node over positions [lo, hi) at <paramref name="depth"/> into <paramref name="dest"/>:
        /// the node's own encoding when shorter than 32 bytes (embedded), else 0xa0 ++ keccak(encoding). Returns its length.
        /// </summary>
        public int Reference(int lo, int hi, int depth, Span<byte> dest)
        {
            if (hi - lo == 1) return LeafReference(IndexAt(lo, count), depth, dest);
            ulong first = Key(IndexAt(lo, count), out int firstNibbles);
            ulong last = Key(IndexAt(hi - 1, count), out int lastNibbles);
            int shared = depth;
            int limit = Math.Min(firstNibbles, lastNibbles);
            // Keys are sorted, so the nibbles every key of the range shares are those the first and last share.
            while (shared < limit && Nibble(first, firstNibbles, shared) == Nibble(last, lastNibbles, shared)) shared++;
            if (shared == depth) return BranchReference(lo, hi, depth, dest);

            // Extension: the shared nibbles, then the branch where the keys part.
            Span<byte> child = stackalloc byte[33];
            int childLength = BranchReference(lo, hi, shared, child);
            Span<byte> path = stackalloc byte[16];
            for (int i = depth; i < shared; i++) path[i - depth] = (byte)Nibble(first, firstNibbles, i);
            Span<byte> node = stackalloc byte[48];
            int payload = NodeEncoder.HexPrefixLength(shared - depth) + childLength;
            int o = NodeEncoder.WriteHeader(node, 0xc0, payload);
            o += NodeEncoder.WriteHexPrefix(node[o..], path[..(shared - depth)], isLeaf: false);
            child[..childLength].CopyTo(node[o..]);
            return Emit(node[..(o + childLength)], dest);
        }

        private int BranchReference(int lo, int hi, int depth, Span<byte> dest)
        {
            Span<byte> payload = stackalloc byte[MaxBranchPayload];
            int o = 0;
            int p = lo;
            for (int nibble = 0; nibble < 16; nibble++)
            {
                int q = p;
                while (q < hi)
                {
                    ulong key = Key(IndexAt(q, count), out int nibbles);
                    // RLP(i) keys are prefix-free (the first byte fixes the length), so no key ends at a branch.
                    if (nibbles <= depth) throw new InvalidOperationException("ordered-trie keys must be prefix-free");
                    if (Nibble(key, nibbles, depth) != nibble) break;
                    q++;
                }
                if (q == p) payload[o++] = 0x80;
                else o += Reference(p, q, depth + 1, payload[o..]);
                p = q;
            }
            payload[o++] = 0x80; // no value
            Span<byte> node = stackalloc byte[MaxBranch];
            int h = NodeEncoder.WriteHeader(node, 0xc0, o);
            payload[..o].CopyTo(node[h..]);
            return Emit(node[..(h + o)], dest);
        }

        private int LeafReference(int index, int depth, Span<byte> dest)
        {
            ulong key = Key(index, out int nibbles);
            Span<byte> path = stackalloc byte[16];
            for (int i = depth; i < nibbles; i++) path[i - depth] = (byte)Nibble(key, nibbles, i);
            ReadOnlySpan<byte> value = _items.Encode(index, ref Item);
            int payload = NodeEncoder.HexPrefixLength(nibbles - depth) + NodeEncoder.StringLength(value);
            int total = NodeEncoder.HeaderLength(payload) + payload;
            if (Leaf.Length < total) Leaf = new byte[Math.Max(total, Leaf.Length * 2)];
            Span<byte> node = Leaf;
            int o = NodeEncoder.WriteHeader(node, 0xc0, payload);
            o += NodeEncoder.WriteHexPrefix(node[o..], path[..(nibbles - depth)], isLeaf: true);
            o += NodeEncoder.WriteString(node[o..], value);
            return Emit(node[..o], dest);
        }

        /// <summary>Yellow Paper appendix D: a node under 32 bytes is embedded in its parent, a longer one referenced by its hash.</summary>
        private static int Emit(ReadOnlySpan<byte> encoded, Span<byte> dest)
        {
            if (encoded.Length < 32)
            {
                encoded.CopyTo(dest);
                return encoded.Length;
            }
            dest[0] = 0xa0;
            Keccak256.Compute(encoded, dest[1..]);
            return 33;
        }
    }
}
