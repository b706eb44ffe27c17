using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Trie;

/// <summary>
/// The Merkle Patricia trie of the Yellow Paper (appendix D): keys are walked as nibbles; leaf and extension
/// paths use hex-prefix encoding; a child whose RLP is shorter than 32 bytes is embedded in its parent, others
/// are referenced by keccak256. Keys are used as given: the state and storage tries hash them first
/// (<see cref="SecureTrie"/>). Not thread-safe.
/// </summary>
public sealed class PatriciaTrie
{
    private const int StackKeyLimit = 128;

    private INodeStore? _store;
    private Node? _root;

    /// <summary>Encoding buffer, per thread (parallel hashing encodes on pool threads); grows on demand.</summary>
    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>Changes since the root was last hashed: many of them make a parallel rehash worth its overhead.</summary>
    private int _changesSinceHash;

    /// <summary>Below this many changes since the last hash, <see cref="RootHash"/> rehashes on the calling thread.</summary>
    private const int ParallelHashThreshold = 2048;

    /// <summary>An empty trie in memory (a <see cref="MemoryNodeStore"/> is created on the first <see cref="Commit"/>).</summary>
    public PatriciaTrie() { }

    /// <summary>An empty trie whose <see cref="Commit"/> writes to <paramref name="store"/>.</summary>
    public PatriciaTrie(INodeStore store) => _store = store;

    /// <summary>The trie with root <paramref name="root"/> in <paramref name="store"/>; nodes load lazily on first use.</summary>
    public PatriciaTrie(INodeStore store, Hash256 root)
    {
        _store = store;
        _root = root == Keccak256.EmptyTrieRoot ? null : new HashNode(root);
    }

    /// <summary>The store nodes are read from and committed to (null until the first commit of an in-memory trie).</summary>
    public INodeStore? Store => _store;

    /// <summary>True when the trie holds no key.</summary>
    public bool IsEmpty => _root is null;

    /// <summary>
    /// keccak256 of the root node's RLP, <see cref="Keccak256.EmptyTrieRoot"/> when empty. Node references are
    /// cached, so only nodes changed since the last call are re-encoded and rehashed.
    /// </summary>
    public Hash256 RootHash
    {
        get
        {
            if (_root is null) return Keccak256.EmptyTrieRoot;
            if (ParallelHashing && _changesSinceHash >= ParallelHashThreshold && _root is BranchNode { HashValid: false } top)
            {
                // The 16 subtrees below the root are disjoint, so they can be hashed on separate threads.
                Parallel.For(0, 16, i =>
                {
                    if (top.Children[i] is { HashValid: false } child) EnsureHashed(child, ref t_scratch);
                });
            }
            EnsureHashed(_root, ref t_scratch);
            _changesSinceHash = 0;
            // The root is always referenced by hash, even when its RLP is shorter than 32 bytes.
            return _root.Inline is { } inline ? Keccak256.Compute(inline) : _root.Hash;
        }
    }

    /// <summary>
    /// When true (the default), <see cref="RootHash"/> after many changes hashes the root's 16 subtrees in parallel.
    /// </summary>
    public bool ParallelHashing { get; set; } = true;

    /// <summary>The value stored under <paramref name="key"/> (a copy), or null when absent.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key) => TryGet(key, out ReadOnlySpan<byte> value) ? value.ToArray() : null;

    /// <summary>
    /// Looks up <paramref name="key"/> without allocating: <paramref name="value"/> views the trie's own copy and
    /// stays valid only until the next change to the trie.
    /// </summary>
    public bool TryGet(scoped ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        Span<byte> nibbles = key.Length <= StackKeyLimit ? stackalloc byte[key.Length * 2] : new byte[key.Length * 2];
        ToNibbles(key, nibbles);
        ReadOnlySpan<byte> rest = nibbles;
        Node? n = _root = Resolve(_root);
        value = default;
        while (true)
        {
            switch (n)
            {
                case null:
                    return false;
                case LeafNode leaf:
                    if (!rest.SequenceEqual(leaf.Path)) return false;
                    value = leaf.Value;
                    return true;
                case ExtensionNode ext:
                    if (!rest.StartsWith(ext.Path)) return false;
                    rest = rest[ext.Path.Length..];
                    n = ext.Child = Resolve(ext.Child)!;
                    break;
                case BranchNode branch:
                    if (rest.IsEmpty)
                    {
                        if (branch.Value is null) return false;
                        value = branch.Value;
                        return true;
                    }
                    n = branch.Children[rest[0]] = Resolve(branch.Children[rest[0]]);
                    rest = rest[1..];
                    break;
                default:
                    throw new InvalidOperationException("unresolved node");
            }
        }
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; an empty value deletes the key.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            Delete(key);
            return;
        }
        Span<byte> nibbles = key.Length <= StackKeyLimit ? stackalloc byte[key.Length * 2] : new byte[key.Length * 2];
        ToNibbles(key, nibbles);
        _root = Insert(_root, nibbles, value, out bool changed);
        if (changed) _changesSinceHash++;
    }

    /// <summary>Removes <paramref name="key"/>; no effect when absent.</summary>
    public void Delete(ReadOnlySpan<byte> key)
    {
        Span<byte> nibbles = key.Length <= StackKeyLimit ? stackalloc byte[key.Length * 2] : new byte[key.Length * 2];
        ToNibbles(key, nibbles);
        _root = Remove(_root, nibbles, out bool changed);
        if (changed) _changesSinceHash++;
    }

    /// <summary>
    /// Writes every node created or changed since the last commit to the store, keyed by hash, in one
    /// <see cref="INodeStore.WriteNodes"/> call, and returns the root hash. The root is stored by hash even
    /// when shorter than 32 bytes, so <c>new PatriciaTrie(store, root)</c> can reopen it.
    /// </summary>
    public Hash256 Commit()
    {
        if (_root is null) return Keccak256.EmptyTrieRoot;
        INodeStore store = _store ??= new MemoryNodeStore();
        _ = RootHash; // hashes dirty nodes (in parallel when many); CollectDirty then only re-encodes them
        var batch = new List<KeyValuePair<Hash256, byte[]>>();
        bool rootWasPersisted = _root.Persisted;
        CollectDirty(_root, batch);
        Hash256 root;
        if (_root.Inline is { } inline)
        {
            root = Keccak256.Compute(inline);
            if (!rootWasPersisted) batch.Add(new(root, inline));
        }
        else
        {
            root = _root.Hash;
        }
        if (batch.Count > 0) store.WriteNodes(batch);
        return root;
    }

    /// <summary>
    /// Drops every node held in memory, keeping only the root hash; later operations load nodes from the store
    /// again. Bounds memory for long-lived tries. Everything must have been committed first.
    /// </summary>
    public void ReleaseNodes()
    {
        if (_root is null || _root is HashNode) return;
        if (!_root.Persisted) throw new InvalidOperationException("commit the trie before releasing its nodes");
        _root = new HashNode(RootHash);
    }

    /// <summary>
    /// A Merkle proof for <paramref name="key"/> in the format of <c>eth_getProof</c> (EIP-1186): the RLP of every
    /// node on the path from the root that is referenced by hash (the root always), in order. Inline nodes are
    /// inside their parent's RLP. For an absent key the proof ends at the node that shows the absence.
    /// </summary>
    public List<byte[]> GetProof(ReadOnlySpan<byte> key)
    {
        var proof = new List<byte[]>();
        if (_root is null) return proof;
        _root = Resolve(_root);
        EnsureHashed(_root!, ref t_scratch);
        Span<byte> nibbles = key.Length <= StackKeyLimit ? stackalloc byte[key.Length * 2] : new byte[key.Length * 2];
        ToNibbles(key, nibbles);
        ReadOnlySpan<byte> rest = nibbles;
        Node? n = _root;
        while (n is not null)
        {
            if (n == _root || n.Inline is null)
            {
                int length = NodeEncoder.Encode(n, ref t_scratch);
                proof.Add(t_scratch.AsSpan(0, length).ToArray());
            }
            switch (n)
            {
                case LeafNode:
                    return proof;
                case ExtensionNode ext:
                    if (!rest.StartsWith(ext.Path)) return proof;
                    rest = rest[ext.Path.Length..];
                    n = ext.Child = Resolve(ext.Child)!;
                    break;
                case BranchNode branch:
                    if (rest.IsEmpty) return proof;
                    n = branch.Children[rest[0]] = Resolve(branch.Children[rest[0]]);
                    rest = rest[1..];
                    break;
                default:
                    throw new InvalidOperationException("unresolved node");
            }
        }
        return proof;
    }

    /// <summary>
    /// Checks a proof made by <see cref="GetProof"/> (or by <c>eth_getProof</c>) against <paramref name="root"/>:
    /// returns the value under <paramref name="key"/>, or null when the proof shows the key is absent.
    /// Throws <see cref="TrieException"/> when the proof is invalid (a node missing, malformed or not matching).
    /// </summary>
    public static byte[]? VerifyProof(Hash256 root, ReadOnlySpan<byte> key, IReadOnlyList<byte[]> proof)
    {
        if (!TryVerifyProof(root, key, proof, out byte[]? value, out string? error)) throw new TrieException("invalid proof: " + error);
        return value;
    }

    /// <summary>Non-throwing <see cref="VerifyProof"/>: false with a reason when the proof is invalid.</summary>
    public static bool TryVerifyProof(Hash256 root, ReadOnlySpan<byte> key, IReadOnlyList<byte[]> proof, out byte[]? value, out string? error)
    {
        value = null;
        error = null;
        // The empty root commits to an empty trie: every key is absent whatever the proof holds
        // (eth_getProof returns [] for storage of an account without storage; some clients return [0x80]).
        if (root == Keccak256.EmptyTrieRoot) return true;
        var byHash = new Dictionary<Hash256, byte[]>(proof.Count);
        for (int i = 0; i < proof.Count; i++) byHash[Keccak256.Compute(proof[i])] = proof[i];
        Span<byte> nibbles = key.Length <= StackKeyLimit ? stackalloc byte[key.Length * 2] : new byte[key.Length * 2];
        ToNibbles(key, nibbles);
        try
        {
            return ProofWalk(root, nibbles, byHash, out value, out error);
        }
        catch (RlpException e)
        {
            error = "malformed node: " + e.Message;
            return false;
        }
    }

    private static bool ProofWalk(Hash256 root, ReadOnlySpan<byte> rest, Dictionary<Hash256, byte[]> byHash, out byte[]? value, out string? error)
    {
        value = null;
        error = null;
        if (!byHash.TryGetValue(root, out byte[]? rootNode))
        {
            error = "root node missing";
            return false;
        }
        ReadOnlySpan<byte> node = rootNode;
        Span<int> starts = stackalloc int[17];
        Span<int> lengths = stackalloc int[17];
        while (true)
        {
            var reader = new RlpReader(node);
            int end = reader.ReadListHeader();
            int count = 0;
            while (reader.IsBefore(end))
            {
                if (count == 17) { error = "node has more than 17 items"; return false; }
                int start = reader.Position;
                lengths[count] = reader.ReadEncodedItem().Length;
                starts[count++] = start;
            }
            reader.ExpectEnd(end);
            reader.ExpectEndOfInput();

            ReadOnlySpan<byte> next;
            if (count == 17)
            {
                if (rest.IsEmpty)
                {
                    ReadOnlySpan<byte> v = new RlpReader(node.Slice(starts[16], lengths[16])).ReadBytes();
                    value = v.IsEmpty ? null : v.ToArray();
                    return true;
                }
                next = node.Slice(starts[rest[0]], lengths[rest[0]]);
                rest = rest[1..];
            }
            else if (count == 2)
            {
                ReadOnlySpan<byte> hp = new RlpReader(node.Slice(starts[0], lengths[0])).ReadBytes();
                if (!TryDecodeHexPrefix(hp, out byte[] path, out bool isLeaf)) { error = "bad hex-prefix path"; return false; }
                if (isLeaf)
                {
                    if (rest.SequenceEqual(path)) value = new RlpReader(node.Slice(starts[1], lengths[1])).ReadBytes().ToArray();
                    return true;
                }
                if (path.Length == 0) { error = "empty extension path"; return false; }
                if (!rest.StartsWith(path)) return true; // diverges: the key is absent
                rest = rest[path.Length..];
                next = node.Slice(starts[1], lengths[1]);
            }
            else
            {
                error = $"node has {count} items";
                return false;
            }

            // Follow a child reference: empty = absent, a list shorter than 32 bytes = embedded node, 32 bytes = hash.
            if (next[0] >= 0xc0)
            {
                if (next.Length >= 32) { error = "embedded node of 32 bytes or more"; return false; }
                node = next;
                continue;
            }
            ReadOnlySpan<byte> reference = new RlpReader(next).ReadBytes();
            if (reference.IsEmpty) return true;
            if (reference.Length != Hash256.Size) { error = "child reference is neither a hash nor a node"; return false; }
            if (!byHash.TryGetValue(new Hash256(reference), out byte[]? child)) { error = "proof node missing for " + new Hash256(reference); return false; }
            node = child;
        }
    }

    /// <summary>Every (key, value) in ascending key order. Loads the whole trie from the store.</summary>
    public List<KeyValuePair<byte[], byte[]>> ToList()
    {
        var result = new List<KeyValuePair<byte[], byte[]>>();
        _root = Resolve(_root);
        var path = new List<byte>();
        Collect(_root, path, result);
        return result;
    }

    private void Collect(Node? n, List<byte> path, List<KeyValuePair<byte[], byte[]>> result)
    {
        switch (n)
        {
            case null:
                return;
            case LeafNode leaf:
                int before = path.Count;
                path.AddRange(leaf.Path);
                result.Add(new(FromNibbles(path), (byte[])leaf.Value.Clone()));
                path.RemoveRange(before, path.Count - before);
                return;
            case ExtensionNode ext:
                int mark = path.Count;
                path.AddRange(ext.Path);
                Collect(ext.Child = Resolve(ext.Child)!, path, result);
                path.RemoveRange(mark, path.Count - mark);
                return;
            case BranchNode branch:
                // A key ending at the branch is a prefix of all keys below it, so it sorts first.
                if (branch.Value is not null) result.Add(new(FromNibbles(path), (byte[])branch.Value.Clone()));
                for (int i = 0; i < 16; i++)
                {
                    if (branch.Children[i] is null) continue;
                    path.Add((byte)i);
                    Collect(branch.Children[i] = Resolve(branch.Children[i]), path, result);
                    path.RemoveAt(path.Count - 1);
                }
                return;
        }
    }

    private static byte[] FromNibbles(List<byte> nibbles)
    {
        if ((nibbles.Count & 1) != 0) throw new TrieException("value at an odd nibble depth");
        var key = new byte[nibbles.Count / 2];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        return key;
    }

    // ---- mutation ------------------------------------------------------------------------------

    private Node Insert(Node? n, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out bool changed)
    {
        switch (n)
        {
            case null:
                changed = true;
                return new LeafNode(key.ToArray(), value.ToArray());
            case HashNode h:
                return Insert(Load(h), key, value, out changed);
            case LeafNode leaf:
            {
                int m = CommonPrefix(leaf.Path, key);
                if (m == leaf.Path.Length && m == key.Length)
                {
                    changed = !value.SequenceEqual(leaf.Value);
                    if (changed)
                    {
                        // Value arrays are never shared (Get returns copies), so same-length updates reuse it.
                        if (leaf.Value.Length == value.Length) value.CopyTo(leaf.Value);
                        else leaf.Value = value.ToArray();
                        leaf.Invalidate();
                    }
                    return leaf;
                }
                changed = true;
                var branch = new BranchNode();
                if (m == leaf.Path.Length) branch.Value = leaf.Value;
                else
                {
                    // Reuse the old leaf below the new branch, with its path shortened.
                    byte slot = leaf.Path[m];
                    leaf.Path = leaf.Path[(m + 1)..];
                    leaf.Invalidate();
                    branch.Children[slot] = leaf;
                }
                if (m == key.Length) branch.Value = value.ToArray();
                else branch.Children[key[m]] = new LeafNode(key[(m + 1)..].ToArray(), value.ToArray());
                return m == 0 ? branch : new ExtensionNode(key[..m].ToArray(), branch);
            }
            case ExtensionNode ext:
            {
                int m = CommonPrefix(ext.Path, key);
                if (m == ext.Path.Length)
                {
                    ext.Child = Insert(ext.Child, key[m..], value, out changed);
                    if (changed) ext.Invalidate();
                    return ext;
                }
                changed = true;
                var branch = new BranchNode();
                branch.Children[ext.Path[m]] = m + 1 == ext.Path.Length ? ext.Child : new ExtensionNode(ext.Path[(m + 1)..], ext.Child);
                if (m == key.Length) branch.Value = value.ToArray();
                else branch.Children[key[m]] = new LeafNode(key[(m + 1)..].ToArray(), value.ToArray());
                return m == 0 ? branch : new ExtensionNode(ext.Path[..m], branch);
            }
            case BranchNode branch:
            {
                if (key.IsEmpty)
                {
                    changed = branch.Value is null || !value.SequenceEqual(branch.Value);
                    if (changed)
                    {
                        branch.Value = value.ToArray();
                        branch.Invalidate();
                    }
                    return branch;
                }
                branch.Children[key[0]] = Insert(branch.Children[key[0]], key[1..], value, out changed);
                if (changed) branch.Invalidate();
                return branch;
            }
            default:
                throw new InvalidOperationException("unknown node type");
        }
    }

    private Node? Remove(Node? n, ReadOnlySpan<byte> key, out bool changed)
    {
        switch (n)
        {
            case null:
                changed = false;
                return null;
            case HashNode h:
                return Remove(Load(h), key, out changed);
            case LeafNode leaf:
                changed = key.SequenceEqual(leaf.Path);
                return changed ? null : leaf;
            case ExtensionNode ext:
            {
                if (!key.StartsWith(ext.Path))
                {
                    changed = false;
                    return ext;
                }
                Node? child = Remove(ext.Child, key[ext.Path.Length..], out changed);
                if (!changed)
                {
                    ext.Child = child!;
                    return ext;
                }
                switch (child)
                {
                    case null:
                        return null;
                    case LeafNode leafChild:
                        // A branch collapsed to a leaf: the extension and leaf merge into one leaf.
                        leafChild.Path = Concat(ext.Path, leafChild.Path);
                        leafChild.Invalidate();
                        return leafChild;
                    case ExtensionNode extChild:
                        extChild.Path = Concat(ext.Path, extChild.Path);
                        extChild.Invalidate();
                        return extChild;
                    default:
                        ext.Child = child;
                        ext.Invalidate();
                        return ext;
                }
            }
            case BranchNode branch:
            {
                if (key.IsEmpty)
                {
                    if (branch.Value is null)
                    {
                        changed = false;
                        return branch;
                    }
                    branch.Value = null;
                }
                else
                {
                    branch.Children[key[0]] = Remove(branch.Children[key[0]], key[1..], out changed);
                    if (!changed) return branch;
                }
                changed = true;
                branch.Invalidate();
                return Collapse(branch);
            }
            default:
                throw new InvalidOperationException("unknown node type");
        }
    }

    /// <summary>A branch left with a single entry is replaced by an equivalent leaf or extension (the trie stays canonical).</summary>
    private Node? Collapse(BranchNode branch)
    {
        int childCount = 0, only = -1;
        for (int i = 0; i < 16; i++)
        {
            if (branch.Children[i] is null) continue;
            childCount++;
            only = i;
        }
        if (childCount + (branch.Value is null ? 0 : 1) >= 2) return branch;
        if (childCount == 0) return branch.Value is null ? null : new LeafNode([], branch.Value);
        Node child = Resolve(branch.Children[only])!;
        switch (child)
        {
            case LeafNode leaf:
                leaf.Path = Prepend((byte)only, leaf.Path);
                leaf.Invalidate();
                return leaf;
            case ExtensionNode ext:
                ext.Path = Prepend((byte)only, ext.Path);
                ext.Invalidate();
                return ext;
            default:
                return new ExtensionNode([(byte)only], child);
        }
    }

    // ---- hashing and encoding ------------------------------------------------------------------

    /// <summary>Computes the cached reference of <paramref name="n"/> and every dirty node below it.</summary>
    private static void EnsureHashed(Node n, ref byte[]? scratch)
    {
        if (n.HashValid) return;
        switch (n)
        {
            case ExtensionNode ext:
                EnsureHashed(ext.Child, ref scratch);
                break;
            case BranchNode branch:
                for (int i = 0; i < 16; i++)
                    if (branch.Children[i] is { } c) EnsureHashed(c, ref scratch);
                break;
        }
        int length = NodeEncoder.Encode(n, ref scratch);
        SetReference(n, scratch.AsSpan(0, length));
    }

    /// <summary>Hashes and collects every node not yet in the store; inline nodes travel inside their parent.</summary>
    private void CollectDirty(Node n, List<KeyValuePair<Hash256, byte[]>> batch)
    {
        if (n.Persisted) return;
        switch (n)
        {
            case ExtensionNode ext:
                CollectDirty(ext.Child, batch);
                break;
            case BranchNode branch:
                for (int i = 0; i < 16; i++)
                    if (branch.Children[i] is { } c) CollectDirty(c, batch);
                break;
        }
        int length = NodeEncoder.Encode(n, ref t_scratch);
        if (!n.HashValid) SetReference(n, t_scratch.AsSpan(0, length));
        if (n.Inline is null) batch.Add(new(n.Hash, t_scratch.AsSpan(0, length).ToArray()));
        n.Persisted = true;
    }

    private static void SetReference(Node n, ReadOnlySpan<byte> rlp)
    {
        if (rlp.Length < 32)
        {
            n.Inline = rlp.ToArray();
        }
        else
        {
            n.Inline = null;
            n.Hash = Keccak256.Compute(rlp);
        }
        n.HashValid = true;
    }

    private static bool TryDecodeHexPrefix(ReadOnlySpan<byte> hp, out byte[] nibbles, out bool isLeaf)
    {
        nibbles = [];
        isLeaf = false;
        if (hp.IsEmpty) return false;
        int flag = hp[0] >> 4;
        if (flag > 3) return false;
        isLeaf = flag >= 2;
        bool odd = (flag & 1) == 1;
        if (!odd && (hp[0] & 0x0f) != 0) return false;
        nibbles = new byte[(hp.Length - 1) * 2 + (odd ? 1 : 0)];
        int o = 0;
        if (odd) nibbles[o++] = (byte)(hp[0] & 0x0f);
        for (int i = 1; i < hp.Length; i++)
        {
            nibbles[o++] = (byte)(hp[i] >> 4);
            nibbles[o++] = (byte)(hp[i] & 0x0f);
        }
        return true;
    }

    // ---- loading -------------------------------------------------------------------------------

    private Node? Resolve(Node? n) => n is HashNode h ? Load(h) : n;

    private Node Load(HashNode h)
    {
        byte[] rlp = _store?.GetNode(h.Hash) ?? throw new TrieException($"trie node {h.Hash} missing from the store");
        Node node;
        try
        {
            node = Decode(rlp);
        }
        catch (RlpException e)
        {
            throw new TrieException($"trie node {h.Hash} is malformed", e);
        }
        node.Hash = h.Hash;
        node.Inline = null;
        node.HashValid = true;
        node.Persisted = true;
        return node;
    }

    /// <summary>Decodes a node's RLP; children referenced by hash become <see cref="HashNode"/>s, embedded ones are decoded.</summary>
    private static Node Decode(ReadOnlySpan<byte> rlp)
    {
        var reader = new RlpReader(rlp);
        int end = reader.ReadListHeader();
        ReadOnlySpan<byte> first = reader.ReadEncodedItem();
        ReadOnlySpan<byte> second = reader.ReadEncodedItem();
        Node node;
        if (!reader.IsBefore(end))
        {
            ReadOnlySpan<byte> hp = new RlpReader(first).ReadBytes();
            if (!TryDecodeHexPrefix(hp, out byte[] path, out bool isLeaf)) throw new RlpException("bad hex-prefix path");
            if (isLeaf)
            {
                byte[] value = new RlpReader(second).ReadBytes().ToArray();
                if (value.Length == 0) throw new RlpException("leaf with an empty value");
                node = new LeafNode(path, value);
            }
            else
            {
                if (path.Length == 0) throw new RlpException("extension with an empty path");
                node = new ExtensionNode(path, DecodeReference(second) ?? throw new RlpException("extension without a child"));
            }
        }
        else
        {
            var branch = new BranchNode();
            branch.Children[0] = DecodeReference(first);
            branch.Children[1] = DecodeReference(second);
            for (int i = 2; i < 16; i++) branch.Children[i] = DecodeReference(reader.ReadEncodedItem());
            ReadOnlySpan<byte> value = reader.ReadBytes();
            if (!value.IsEmpty) branch.Value = value.ToArray();
            node = branch;
        }
        reader.ExpectEnd(end);
        reader.ExpectEndOfInput();
        return node;
    }

    private static Node? DecodeReference(ReadOnlySpan<byte> item)
    {
        if (item[0] >= 0xc0)
        {
            if (item.Length >= 32) throw new RlpException("embedded node of 32 bytes or more");
            Node embedded = Decode(item);
            embedded.Inline = item.ToArray();
            embedded.HashValid = true;
            embedded.Persisted = true;
            return embedded;
        }
        ReadOnlySpan<byte> reference = new RlpReader(item).ReadBytes();
        if (reference.IsEmpty) return null;
        if (reference.Length != Hash256.Size) throw new RlpException("child reference is neither a hash nor a node");
        return new HashNode(new Hash256(reference));
    }

    // ---- nibble helpers ------------------------------------------------------------------------

    private static void ToNibbles(ReadOnlySpan<byte> key, Span<byte> nibbles)
    {
        for (int i = 0; i < key.Length; i++)
        {
            nibbles[2 * i] = (byte)(key[i] >> 4);
            nibbles[2 * i + 1] = (byte)(key[i] & 0x0f);
        }
    }

    private static int CommonPrefix(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.CommonPrefixLength(b);

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }

    private static byte[] Prepend(byte nibble, byte[] path)
    {
        var r = new byte[path.Length + 1];
        r[0] = nibble;
        path.CopyTo(r, 1);
        return r;
    }
}
