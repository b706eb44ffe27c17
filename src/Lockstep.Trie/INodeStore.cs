using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Trie;

/// <summary>Where trie nodes live, keyed by keccak of their RLP.</summary>
public interface INodeStore
{
    /// <summary>The RLP of the node with hash <paramref name="hash"/>, or null when unknown.</summary>
    byte[]? GetNode(in Hash256 hash);

    /// <summary>Writes all <paramref name="nodes"/> (hash, RLP) atomically.</summary>
    void WriteNodes(IReadOnlyList<KeyValuePair<Hash256, byte[]>> nodes);
}

/// <summary>A node store in a dictionary (tests, throwaway tries).</summary>
public sealed class MemoryNodeStore : INodeStore
{
    private readonly Dictionary<Hash256, byte[]> _nodes = [];
    private readonly Lock _lock = new();

    /// <summary>Number of stored nodes.</summary>
    public int Count { get { lock (_lock) return _nodes.Count; } }

    /// <inheritdoc />
    public byte[]? GetNode(in Hash256 hash)
    {
        lock (_lock) return _nodes.TryGetValue(hash, out byte[]? rlp) ? rlp : null;
    }

    /// <inheritdoc />
    public void WriteNodes(IReadOnlyList<KeyValuePair<Hash256, byte[]>> nodes)
    {
        lock (_lock)
            for (int i = 0; i < nodes.Count; i++) _nodes[nodes[i].Key] = nodes[i].Value;
    }
}

/// <summary>
/// Nodes in an <see cref="IKeyValueStore"/> under key <c>prefix ++ hash</c> (the prefix lets one database hold
/// other tables too); each <see cref="WriteNodes"/> is one write batch.
/// </summary>
public sealed class KeyValueNodeStore(IKeyValueStore store, byte[]? prefix = null) : INodeStore
{
    private readonly byte[] _prefix = prefix ?? [];

    /// <inheritdoc />
    public byte[]? GetNode(in Hash256 hash)
    {
        Span<byte> key = stackalloc byte[_prefix.Length + Hash256.Size];
        MakeKey(hash, key);
        return store.Get(key);
    }

    /// <inheritdoc />
    public void WriteNodes(IReadOnlyList<KeyValuePair<Hash256, byte[]>> nodes)
    {
        Span<byte> key = stackalloc byte[_prefix.Length + Hash256.Size];
        using IWriteBatch batch = store.StartWriteBatch();
        for (int i = 0; i < nodes.Count; i++)
        {
            MakeKey(nodes[i].Key, key);
            batch.Put(key, nodes[i].Value);
        }
        batch.Commit();
    }

    private void MakeKey(in Hash256 hash, Span<byte> key)
    {
        _prefix.CopyTo(key);
        hash.CopyTo(key[_prefix.Length..]);
    }
}
