namespace Lockstep.Storage;

/// <summary>
/// An in-memory <see cref="IKeyValueStore"/> for tests and throwaway tries: a sorted dictionary under a lock,
/// so prefix iteration is ordered like RocksDB's.
/// </summary>
public sealed class MemoryKeyValueStore : IKeyValueStore
{
    private readonly SortedDictionary<byte[], byte[]> _data = new(ByteArrayComparer.Instance);
    private readonly Lock _lock = new();

    /// <summary>Number of entries.</summary>
    public int Count { get { lock (_lock) return _data.Count; } }

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        byte[] k = key.ToArray();
        lock (_lock) return _data.TryGetValue(k, out byte[]? v) ? (byte[])v.Clone() : null;
    }

    /// <inheritdoc />
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        byte[] k = key.ToArray(), v = value.ToArray();
        lock (_lock) _data[k] = v;
    }

    /// <inheritdoc />
    public void Delete(ReadOnlySpan<byte> key)
    {
        byte[] k = key.ToArray();
        lock (_lock) _data.Remove(k);
    }

    /// <inheritdoc />
    public IWriteBatch StartWriteBatch() => new Batch(this);

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] prefix)
    {
        // Snapshot under the lock so callers may write while iterating.
        var result = new List<KeyValuePair<byte[], byte[]>>();
        lock (_lock)
        {
            foreach (var kv in _data)
            {
                int c = kv.Key.AsSpan(0, Math.Min(prefix.Length, kv.Key.Length)).SequenceCompareTo(prefix);
                if (c < 0 || (c == 0 && kv.Key.Length < prefix.Length)) continue;
                if (c > 0) break;
                result.Add(new(kv.Key.ToArray(), kv.Value.ToArray()));
            }
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose() { }

    private sealed class Batch(MemoryKeyValueStore store) : IWriteBatch
    {
        private readonly List<(byte[] Key, byte[]? Value)> _ops = [];
        private bool _done;

        public int Count => _ops.Count;

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) { Check(); _ops.Add((key.ToArray(), value.ToArray())); }

        public void Delete(ReadOnlySpan<byte> key) { Check(); _ops.Add((key.ToArray(), null)); }

        public void Commit()
        {
            Check();
            _done = true;
            lock (store._lock)
            {
                foreach (var (k, v) in _ops)
                {
                    if (v is null) store._data.Remove(k);
                    else store._data[k] = v;
                }
            }
        }

        public void Dispose() => _done = true;

        private void Check()
        {
            if (_done) throw new InvalidOperationException("write batch already committed or disposed");
        }
    }
}
