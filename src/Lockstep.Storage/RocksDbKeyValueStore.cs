using RocksDbSharp;

namespace Lockstep.Storage;

/// <summary>
/// <see cref="IKeyValueStore"/> on RocksDB (native librocksdb shipped by the RocksDB package). One database
/// directory per instance; data survives <see cref="Dispose"/> and reopening the same path.
/// </summary>
public sealed class RocksDbKeyValueStore : IKeyValueStore
{
    private readonly RocksDb _db;
    private bool _disposed;

    /// <summary>Default size of the LRU block cache: trie reads are random point lookups, so caching blocks pays.</summary>
    public const ulong DefaultBlockCacheBytes = 64UL << 20;

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/>.</summary>
    /// <param name="path">Database directory.</param>
    /// <param name="blockCacheBytes">LRU block cache capacity.</param>
    public RocksDbKeyValueStore(string path, ulong blockCacheBytes = DefaultBlockCacheBytes)
    {
        Directory.CreateDirectory(path);
        // Bloom filters (10 bits per key, about 1% false positives) let lookups of absent keys skip disk reads.
        var table = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru(blockCacheBytes))
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetCacheIndexAndFilterBlocks(true);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(Math.Max(1, Environment.ProcessorCount))
            .SetBlockBasedTableFactory(table);
        _db = RocksDb.Open(options, path);
        Path = path;
    }

    /// <summary>The database directory.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key) => _db.Get(key);

    /// <inheritdoc />
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _db.Put(key, value);

    /// <inheritdoc />
    public void Delete(ReadOnlySpan<byte> key) => _db.Remove(key);

    /// <inheritdoc />
    public IWriteBatch StartWriteBatch() => new Batch(_db);

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] prefix)
    {
        using Iterator it = _db.NewIterator();
        for (it.Seek(prefix); it.Valid(); it.Next())
        {
            byte[] key = it.Key();
            if (!key.AsSpan().StartsWith(prefix)) yield break;
            yield return new(key, it.Value());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _db.Dispose();
    }

    private sealed class Batch(RocksDb db) : IWriteBatch
    {
        private readonly WriteBatch _batch = new();
        private int _count;
        private bool _done;

        public int Count => _count;

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            Check();
            _batch.Put(key, value);
            _count++;
        }

        public void Delete(ReadOnlySpan<byte> key)
        {
            Check();
            _batch.Delete(key);
            _count++;
        }

        public void Commit()
        {
            Check();
            _done = true;
            db.Write(_batch);
            _batch.Dispose();
        }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _batch.Dispose();
        }

        private void Check()
        {
            if (_done) throw new InvalidOperationException("write batch already committed or disposed");
        }
    }
}
