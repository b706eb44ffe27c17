namespace Lockstep.Storage;

/// <summary>
/// A byte-keyed, byte-valued store. Reads see every write already applied (directly or through a committed
/// <see cref="IWriteBatch"/>). Implementations are safe for concurrent readers with one writer.
/// </summary>
public interface IKeyValueStore : IDisposable
{
    /// <summary>The value stored under <paramref name="key"/>, or null when absent.</summary>
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing any previous value.</summary>
    void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Removes <paramref name="key"/>; no effect when absent.</summary>
    void Delete(ReadOnlySpan<byte> key);

    /// <summary>Starts a batch whose puts and deletes become visible together, atomically, on <see cref="IWriteBatch.Commit"/>.</summary>
    IWriteBatch StartWriteBatch();

    /// <summary>Every entry whose key starts with <paramref name="prefix"/>, in ascending unsigned byte order of keys.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] prefix);
}

/// <summary>Puts and deletes applied atomically by <see cref="Commit"/>; disposing without committing discards them.</summary>
public interface IWriteBatch : IDisposable
{
    /// <summary>Queues a put.</summary>
    void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Queues a delete.</summary>
    void Delete(ReadOnlySpan<byte> key);

    /// <summary>Number of queued operations.</summary>
    int Count { get; }

    /// <summary>Applies every queued operation at once. A batch can be committed only once.</summary>
    void Commit();
}
