using Lockstep.Primitives;
using Lockstep.Storage;
using NPatricia = Nethereum.Merkle.Patricia.PatriciaTrie;

namespace Lockstep.Trie.Tests;

public class PatriciaTrieTests
{
    /// <summary>Keys with short lengths and a tiny alphabet share long prefixes and end at branches (values in branch nodes).</summary>
    private static byte[] RandomKey(Random rng, bool fixed32)
    {
        if (fixed32)
        {
            byte[] k32 = new byte[32];
            rng.NextBytes(k32);
            return k32;
        }
        byte[] k = new byte[rng.Next(0, 5)];
        for (int i = 0; i < k.Length; i++) k[i] = (byte)(rng.Next(3) * 0x11 + rng.Next(2));
        return k;
    }

    private static byte[] RandomValue(Random rng)
    {
        byte[] v = new byte[rng.Next(1, rng.Next(2) == 0 ? 4 : 80)]; // short values make nodes < 32 bytes (inlined)
        rng.NextBytes(v);
        return v;
    }

    private static Hash256 OracleRoot(Dictionary<string, byte[]> model)
    {
        if (model.Count == 0) return Keccak256.EmptyTrieRoot;
        var oracle = new NPatricia();
        foreach (var (k, v) in model) oracle.Put(Convert.FromHexString(k), v);
        return new Hash256(oracle.Root.GetHash());
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void RandomUpdatesMatchNethereumAndAFreshBuild(int seed, bool fixed32)
    {
        var rng = new Random(seed);
        var trie = new PatriciaTrie();
        var model = new Dictionary<string, byte[]>();
        var keys = new List<byte[]>();
        for (int round = 0; round < 40; round++)
        {
            for (int op = 0; op < 25; op++)
            {
                byte[] key = keys.Count > 0 && rng.Next(3) == 0 ? keys[rng.Next(keys.Count)] : RandomKey(rng, fixed32);
                keys.Add(key);
                if (rng.Next(3) == 0)
                {
                    trie.Delete(key);
                    model.Remove(Convert.ToHexString(key));
                }
                else
                {
                    byte[] value = RandomValue(rng);
                    trie.Set(key, value);
                    model[Convert.ToHexString(key)] = value;
                }
            }
            Assert.Equal(OracleRoot(model), trie.RootHash);
            foreach (byte[] key in keys)
            {
                byte[]? expected = model.GetValueOrDefault(Convert.ToHexString(key));
                Assert.Equal(expected, trie.Get(key));
                Assert.Equal(expected is not null, trie.TryGet(key, out ReadOnlySpan<byte> span));
                Assert.Equal(expected ?? [], span.ToArray());
            }
        }

        // Deleting everything returns to the empty root (no stray nodes left after collapses).
        foreach (string k in model.Keys) trie.Delete(Convert.FromHexString(k));
        Assert.True(trie.IsEmpty);
        Assert.Equal(Keccak256.EmptyTrieRoot, trie.RootHash);
    }

    [Fact]
    public void SettingTheSameValueOrDeletingAnAbsentKeyKeepsTheRoot()
    {
        var trie = new PatriciaTrie();
        Assert.Equal(Keccak256.EmptyTrieRoot, trie.RootHash);
        trie.Delete([1, 2]);
        Assert.Equal(Keccak256.EmptyTrieRoot, trie.RootHash);
        trie.Set([1, 2], [3]);
        trie.Set([1, 3], [4]);
        Hash256 root = trie.RootHash;
        trie.Set([1, 2], [3]);
        trie.Delete([9]);
        trie.Delete([1]);
        Assert.Equal(root, trie.RootHash);
        trie.Set([1, 2], []); // empty value deletes
        Assert.Null(trie.Get([1, 2]));
        trie.Set([1, 2], [3]);
        Assert.Equal(root, trie.RootHash);
    }

    [Fact]
    public void GetReturnsACopy()
    {
        var trie = new PatriciaTrie();
        trie.Set([1], [5, 6]);
        Hash256 root = trie.RootHash;
        trie.Get([1])![0] = 99;
        Assert.Equal(new byte[] { 5, 6 }, trie.Get([1]));
        Assert.Equal(root, trie.RootHash);
    }

    [Fact]
    public void CommitWritesOnlyNewNodesAndReopensLazily()
    {
        var store = new CountingStore();
        var trie = new PatriciaTrie(store);
        var rng = new Random(11);
        var model = new Dictionary<string, byte[]>();
        for (int i = 0; i < 2000; i++)
        {
            byte[] k = RandomKey(rng, fixed32: true), v = RandomValue(rng);
            trie.Set(k, v);
            model[Convert.ToHexString(k)] = v;
        }
        Hash256 root = trie.Commit();
        Assert.Equal(OracleRoot(model), root);
        Assert.Equal(1, store.Batches);
        int written = store.Count;

        Assert.Equal(root, trie.Commit()); // nothing changed: nothing written
        Assert.Equal(1, store.Batches);

        // One update rewrites at most the nodes on its path (2000 random keys: depth about 4).
        trie.Set(Convert.FromHexString(model.Keys.First()), [0xde, 0xad]);
        model[model.Keys.First()] = [0xde, 0xad];
        Hash256 root2 = trie.Commit();
        Assert.InRange(store.Count - written, 1, 8);

        // Both roots reopen from the store; the old one still reads old values (nodes are never deleted).
        var reopened = new PatriciaTrie(store, root2);
        Assert.Equal(root2, reopened.RootHash);
        Assert.Equal(0, store.Reads); // lazy: nothing loaded yet
        foreach (var (k, v) in model) Assert.Equal(v, reopened.Get(Convert.FromHexString(k)));
        Assert.True(store.Reads > 0);
        Assert.NotEqual(root, root2);
        var old = new PatriciaTrie(store, root);
        Assert.NotEqual(new byte[] { 0xde, 0xad }, old.Get(Convert.FromHexString(model.Keys.First())));

        // Updating a reopened trie (loading, splitting and collapsing stored nodes) gives the right root.
        foreach (string k in model.Keys.Take(500).ToList())
        {
            reopened.Delete(Convert.FromHexString(k));
            model.Remove(k);
        }
        Assert.Equal(OracleRoot(model), reopened.RootHash);
        Assert.Equal(OracleRoot(model), reopened.Commit());
    }

    [Fact]
    public void SmallRootIsStoredEvenThoughItIsUnder32Bytes()
    {
        var store = new MemoryNodeStore();
        var trie = new PatriciaTrie(store);
        trie.Set([1], [2]);
        Hash256 root = trie.Commit();
        Assert.Equal(1, store.Count);
        Assert.Equal(new byte[] { 2 }, new PatriciaTrie(store, root).Get([1]));
    }

    [Fact]
    public void PersistsInRocksDbAcrossReopen()
    {
        string path = Path.Combine(Path.GetTempPath(), "lockstep-trie-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rng = new Random(3);
            var model = new Dictionary<string, byte[]>();
            Hash256 root;
            using (var db = new RocksDbKeyValueStore(path))
            {
                var trie = new SecureTrie(new KeyValueNodeStore(db, [(byte)'t']));
                for (int i = 0; i < 3000; i++)
                {
                    byte[] k = RandomKey(rng, fixed32: false).Concat(BitConverter.GetBytes(i)).ToArray(), v = RandomValue(rng);
                    trie.Set(k, v);
                    model[Convert.ToHexString(k)] = v;
                }
                root = trie.Commit();
            }
            using (var db = new RocksDbKeyValueStore(path))
            {
                var trie = new SecureTrie(new KeyValueNodeStore(db, [(byte)'t']), root);
                foreach (var (k, v) in model) Assert.Equal(v, trie.Get(Convert.FromHexString(k)));
                Assert.Equal(root, trie.RootHash);
                Assert.All(db.Iterate([(byte)'t']), kv => Assert.Equal(33, kv.Key.Length));
            }
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void MissingNodeIsATrieException()
    {
        var trie = new PatriciaTrie(new MemoryNodeStore(), Keccak256.Compute([1, 2, 3]));
        Assert.Throws<TrieException>(() => trie.Get([1]));
        Assert.Equal(Keccak256.EmptyTrieRoot, new PatriciaTrie(new MemoryNodeStore(), Keccak256.EmptyTrieRoot).RootHash);
    }

    [Fact]
    public void ToListIsSortedAndComplete()
    {
        var rng = new Random(8);
        var trie = new PatriciaTrie();
        var model = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        for (int i = 0; i < 500; i++)
        {
            byte[] k = RandomKey(rng, fixed32: false), v = RandomValue(rng);
            trie.Set(k, v);
            model[k] = v;
        }
        var list = trie.ToList();
        Assert.Equal(model.Keys.Select(Convert.ToHexString), list.Select(kv => Convert.ToHexString(kv.Key)));
        Assert.Equal(model.Values, list.Select(kv => kv.Value));
    }

    [Theory]
    [InlineData(31, false)]
    [InlineData(32, true)]
    public void RoundsOfReopenUpdateCommitMatchTheOracle(int seed, bool fixed32)
    {
        // Every round starts from a fresh instance at the last committed root, so every update, split and
        // collapse works on nodes loaded lazily from the store (including inline children of stored nodes).
        var rng = new Random(seed);
        var store = new MemoryNodeStore();
        var model = new Dictionary<string, byte[]>();
        var keys = new List<byte[]>();
        var history = new List<(Hash256 Root, Dictionary<string, byte[]> Snapshot)>();
        Hash256 root = Keccak256.EmptyTrieRoot;
        for (int round = 0; round < 30; round++)
        {
            var trie = new PatriciaTrie(store, root);
            for (int op = 0; op < 60; op++)
            {
                byte[] key = keys.Count > 0 && rng.Next(2) == 0 ? keys[rng.Next(keys.Count)] : RandomKey(rng, fixed32);
                keys.Add(key);
                if (rng.Next(3) == 0)
                {
                    trie.Delete(key);
                    model.Remove(Convert.ToHexString(key));
                }
                else
                {
                    byte[] value = RandomValue(rng);
                    trie.Set(key, value);
                    model[Convert.ToHexString(key)] = value;
                }
            }
            root = trie.Commit();
            Assert.Equal(OracleRoot(model), root);
            history.Add((root, new Dictionary<string, byte[]>(model)));
        }
        // Every historical root still reads its own snapshot.
        foreach (var (oldRoot, snapshot) in history)
        {
            var old = new PatriciaTrie(store, oldRoot);
            foreach (var (k, v) in snapshot) Assert.Equal(v, old.Get(Convert.FromHexString(k)));
            Assert.Equal(snapshot.Count, old.ToList().Count);
        }
    }

    [Fact]
    public void ParallelAndSerialHashingAgree()
    {
        var rng = new Random(21);
        var parallel = new PatriciaTrie();
        var serial = new PatriciaTrie { ParallelHashing = false };
        var model = new Dictionary<string, byte[]>();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 6000; i++) // above the parallel threshold each round
            {
                byte[] k = RandomKey(rng, fixed32: true), v = RandomValue(rng);
                parallel.Set(k, v);
                serial.Set(k, v);
                model[Convert.ToHexString(k)] = v;
            }
            Assert.Equal(serial.RootHash, parallel.RootHash);
        }
        Assert.Equal(OracleRoot(model), parallel.RootHash);
    }

    [Fact]
    public void ReleasedNodesReloadFromTheStore()
    {
        var store = new CountingStore();
        var trie = new PatriciaTrie(store);
        for (byte i = 0; i < 200; i++) trie.Set([i, 7], [i]);
        trie.Set([1, 7], [9]);
        Assert.Throws<InvalidOperationException>(trie.ReleaseNodes);
        Hash256 root = trie.Commit();
        trie.ReleaseNodes();
        Assert.Equal(0, store.Reads);
        Assert.Equal(root, trie.RootHash);
        Assert.Equal(new byte[] { 9 }, trie.Get([1, 7]));
        Assert.True(store.Reads > 0);
        trie.Set([2, 7], [1, 2, 3]);
        var fresh = new PatriciaTrie();
        for (byte i = 0; i < 200; i++) fresh.Set([i, 7], [i]);
        fresh.Set([1, 7], [9]);
        fresh.Set([2, 7], [1, 2, 3]);
        Assert.Equal(fresh.RootHash, trie.RootHash);
    }

    /// <summary>A memory node store that counts batches, nodes and reads.</summary>
    private sealed class CountingStore : INodeStore
    {
        private readonly MemoryNodeStore _inner = new();
        public int Batches, Reads;
        public int Count => _inner.Count;

        public byte[]? GetNode(in Hash256 hash)
        {
            Reads++;
            return _inner.GetNode(hash);
        }

        public void WriteNodes(IReadOnlyList<KeyValuePair<Hash256, byte[]>> nodes)
        {
            Batches++;
            foreach (var kv in nodes) Assert.Equal(kv.Key, Keccak256.Compute(kv.Value)); // keyed by keccak of the RLP
            _inner.WriteNodes(nodes);
        }
    }
}
