namespace Lockstep.Storage;

/// <summary>
/// A table inside another store: every key is stored as <c>prefix ++ key</c>, so one RocksDB database can hold
/// trie nodes, blocks, receipts and progress markers side by side. Iteration returns keys without the prefix.
/// Disposing the view does not dispose the underlying store.
/// </summary>
public sealed class PrefixedKeyValueStore(IKeyValueStore inner, byte[] prefix) : IKeyValueStore
{
    private readonly byte[] _prefix = prefix.Length > 0 ? (byte[])prefix.Clone() : throw new ArgumentException("prefix must not be empty", nameof(prefix));

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(Prefixed(key));

    /// <inheritdoc />
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => inner.Put(Prefixed(key), value);

    /// <inheritdoc />
    public void Delete(ReadOnlySpan<byte> key) => inner.Delete(Prefixed(key));

    /// <inheritdoc />
    public IWriteBatch StartWriteBatch() => new Batch(this, inner.StartWriteBatch());

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] prefix)
    {
        foreach (var kv in inner.Iterate(Prefixed(prefix)))
            yield return new(kv.Key[_prefix.Length..], kv.Value);
    }

    /// <summary>
    /// A view of <paramref name="shared"/>, a batch of the underlying store, that prefixes keys like this table:
    /// several tables (e.g. one chain per rollup in one RocksDB) stage writes into ONE batch that the owner of
    /// <paramref name="shared"/> commits atomically. The view's own <see cref="IWriteBatch.Commit"/> refuses, and
    /// disposing it leaves the shared batch alone.
    /// </summary>
    public IWriteBatch WrapBatch(IWriteBatch shared) => new SharedBatch(this, shared);

    /// <inheritdoc />
    public void Dispose() { }

    private byte[] Prefixed(ReadOnlySpan<byte> key)
    {
        var k = new byte[_prefix.Length + key.Length];
        _prefix.CopyTo(k, 0);
        key.CopyTo(k.AsSpan(_prefix.Length));
        return k;
    }

    private sealed class Batch(PrefixedKeyValueStore owner, IWriteBatch inner) : IWriteBatch
    {
        public int Count => inner.Count;
        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => inner.Put(owner.Prefixed(key), value);
        public void Delete(ReadOnlySpan<byte> key) => inner.Delete(owner.Prefixed(key));
        public void Commit() => inner.Commit();
        public void Dispose() => inner.Dispose();
    }

    private sealed class SharedBatch(PrefixedKeyValueStore owner, IWriteBatch shared) : IWriteBatch
    {
        public int Count => shared.Count;
        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => shared.Put(owner.Prefixed(key), value);
        public void Delete(ReadOnlySpan<byte> key) => shared.Delete(owner.Prefixed(key));
        public void Commit() => throw new InvalidOperationException("a shared batch is committed by its owner, once for every table");
        public void Dispose() { }
    }
}
