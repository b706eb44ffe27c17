using Lockstep.Storage;

namespace Lockstep.Trie.Tests;

/// <summary>The same contract checks run against every <see cref="IKeyValueStore"/>.</summary>
public abstract class KeyValueStoreContract : IDisposable
{
    protected abstract IKeyValueStore Store { get; }

    public abstract void Dispose();

    [Fact]
    public void PutGetDelete()
    {
        Assert.Null(Store.Get([1, 2, 3]));
        Store.Put([1, 2, 3], [9, 9]);
        Assert.Equal(new byte[] { 9, 9 }, Store.Get([1, 2, 3]));
        Store.Put([1, 2, 3], [7]);
        Assert.Equal(new byte[] { 7 }, Store.Get([1, 2, 3]));
        Store.Put([1, 2, 3, 4], []);
        Assert.Equal(Array.Empty<byte>(), Store.Get([1, 2, 3, 4])); // empty value is not absence
        Store.Delete([1, 2, 3]);
        Assert.Null(Store.Get([1, 2, 3]));
        Store.Delete([5, 5]); // absent: no effect
    }

    [Fact]
    public void BatchIsInvisibleUntilCommittedAndDiscardedOnDispose()
    {
        Store.Put([0xaa], [1]);
        using (IWriteBatch batch = Store.StartWriteBatch())
        {
            batch.Put([0xbb], [2]);
            batch.Delete([0xaa]);
            Assert.Equal(2, batch.Count);
            Assert.Null(Store.Get([0xbb]));
            Assert.NotNull(Store.Get([0xaa]));
            batch.Commit();
            Assert.Throws<InvalidOperationException>(() => batch.Put([1], [1]));
        }
        Assert.Equal(new byte[] { 2 }, Store.Get([0xbb]));
        Assert.Null(Store.Get([0xaa]));

        using (IWriteBatch discarded = Store.StartWriteBatch())
        {
            discarded.Put([0xcc], [3]);
        }
        Assert.Null(Store.Get([0xcc]));
    }

    [Fact]
    public void PrefixIterationIsOrderedAndBounded()
    {
        Store.Put([1, 0xff], [1]);
        Store.Put([2, 0x00], [2]);
        Store.Put([2], [3]);
        Store.Put([2, 0x80, 5], [4]);
        Store.Put([2, 0x7f], [5]);
        Store.Put([3], [6]);
        var seen = Store.Iterate([2]).Select(kv => Convert.ToHexString(kv.Key) + "=" + kv.Value[0]).ToList();
        Assert.Equal(["02=3", "0200=2", "027F=5", "028005=4"], seen);
        Assert.Empty(Store.Iterate([4]));
        Assert.Equal(6, Store.Iterate([]).Count());
    }

    [Fact]
    public void ManyRandomWritesMatchADictionary()
    {
        var rng = new Random(5);
        var model = new Dictionary<string, byte[]>();
        for (int i = 0; i < 3000; i++)
        {
            byte[] key = new byte[rng.Next(1, 4)];
            rng.NextBytes(key);
            string k = Convert.ToHexString(key);
            if (rng.Next(4) == 0)
            {
                Store.Delete(key);
                model.Remove(k);
            }
            else
            {
                byte[] value = new byte[rng.Next(0, 40)];
                rng.NextBytes(value);
                Store.Put(key, value);
                model[k] = value;
            }
        }
        foreach (var (k, v) in model) Assert.Equal(v, Store.Get(Convert.FromHexString(k)));
        Assert.Equal(model.Count, Store.Iterate([]).Count());
    }
}

public sealed class MemoryKeyValueStoreTests : KeyValueStoreContract
{
    private readonly MemoryKeyValueStore _store = new();
    protected override IKeyValueStore Store => _store;
    public override void Dispose() => _store.Dispose();
}

public sealed class RocksDbKeyValueStoreTests : KeyValueStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "lockstep-rocks-" + Guid.NewGuid().ToString("N"));
    private RocksDbKeyValueStore _store;

    public RocksDbKeyValueStoreTests() => _store = new RocksDbKeyValueStore(_path);

    protected override IKeyValueStore Store => _store;

    public override void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_path, recursive: true);
    }

    [Fact]
    public void DataSurvivesDisposeAndReopen()
    {
        _store.Put([1], [10]);
        using (IWriteBatch b = _store.StartWriteBatch())
        {
            b.Put([2], [20]);
            b.Commit();
        }
        _store.Dispose();
        _store = new RocksDbKeyValueStore(_path);
        Assert.Equal(new byte[] { 10 }, _store.Get([1]));
        Assert.Equal(new byte[] { 20 }, _store.Get([2]));
    }
}

/// <summary>The contract holds for a table view too, and tables with different prefixes never see each other's keys.</summary>
public sealed class PrefixedKeyValueStoreTests : KeyValueStoreContract
{
    private readonly MemoryKeyValueStore _backing = new();
    private readonly PrefixedKeyValueStore _store;

    public PrefixedKeyValueStoreTests()
    {
        _store = new PrefixedKeyValueStore(_backing, [0x02]);
        // Neighbours on both sides of the prefix must stay invisible.
        _backing.Put([0x01, 0x02], [1]);
        _backing.Put([0x03], [1]);
    }

    protected override IKeyValueStore Store => _store;

    public override void Dispose() => _backing.Dispose();

    [Fact]
    public void TablesAreIsolated()
    {
        var other = new PrefixedKeyValueStore(_backing, [0x02, 0x00]);
        _store.Put([0x10], [7]);
        other.Put([0x10], [8]);
        Assert.Equal(new byte[] { 7 }, _store.Get([0x10]));
        Assert.Equal(new byte[] { 8 }, other.Get([0x10]));
        Assert.Equal(new byte[] { 8 }, _store.Get([0x00, 0x10])); // a longer prefix nests inside a shorter one
        Assert.Equal(new byte[] { 8 }, _backing.Get([0x02, 0x00, 0x10]));
    }
}
