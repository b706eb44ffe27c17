using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Trie;

namespace Lockstep.Chain;

/// <summary>
/// A node store that holds trie commits in memory until <see cref="Flush"/> adds them to a write batch, so a
/// block's state nodes land in the same atomic batch as the block itself. Reads see pending nodes first, then
/// the database (key <c>prefix ++ hash</c>).
/// </summary>
public sealed class PendingNodeStore(IKeyValueStore db, byte[] prefix) : INodeStore
{
    private readonly Dictionary<Hash256, byte[]> _pending = new();

    /// <summary>Nodes committed by tries but not yet flushed.</summary>
    public int PendingCount => _pending.Count;

    /// <inheritdoc />
    public byte[]? GetNode(in Hash256 hash)
    {
        if (_pending.TryGetValue(hash, out byte[]? node)) return node;
        Span<byte> key = stackalloc byte[prefix.Length + Hash256.Size];
        prefix.CopyTo(key);
        hash.CopyTo(key[prefix.Length..]);
        return db.Get(key);
    }

    /// <inheritdoc />
    public void WriteNodes(IReadOnlyList<KeyValuePair<Hash256, byte[]>> nodes)
    {
        for (int i = 0; i < nodes.Count; i++) _pending[nodes[i].Key] = nodes[i].Value;
    }

    /// <summary>Adds every pending node to <paramref name="batch"/> and forgets them.</summary>
    public void Flush(IWriteBatch batch)
    {
        Span<byte> key = stackalloc byte[prefix.Length + Hash256.Size];
        prefix.CopyTo(key);
        foreach (KeyValuePair<Hash256, byte[]> kv in _pending)
        {
            kv.Key.CopyTo(key[prefix.Length..]);
            batch.Put(key, kv.Value);
        }
        _pending.Clear();
    }
}
