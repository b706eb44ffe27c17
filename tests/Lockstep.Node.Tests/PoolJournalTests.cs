using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Node.Tests;

/// <summary>PoolJournal: group commit of concurrent acceptances, record lifetime, restore through RollupChain.</summary>
public sealed class PoolJournalTests
{
    private static readonly byte[] Prefix = "NodePool"u8.ToArray();

    private static Hash256 HashOf(int i)
    {
        var bytes = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, i + 1);
        return new Hash256(bytes);
    }

    private static int KeysUnder(IKeyValueStore db, byte[] prefix) => db.Iterate(prefix).Count();

    [Fact]
    public void Concurrent_appends_share_writes_and_every_one_is_stored_before_it_returns()
    {
        var store = new SlowStore(new MemoryKeyValueStore(), TimeSpan.FromMilliseconds(20));
        var journal = new PoolJournal(store, Prefix);
        const int threads = 16;
        var returned = new bool[threads];
        var barrier = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            barrier.SignalAndWait();
            journal.Append(HashOf(i), [(byte)i, 0xAA]);
            // When Append returns, a completed store write holds this transaction.
            Volatile.Write(ref returned[i], store.StoredRaws().Any(r => r.Length == 2 && r[0] == (byte)i));
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        Assert.All(returned, Assert.True);
        List<byte[]> raws = journal.ReadAll().SelectMany(r => r.Raws).ToList();
        Assert.Equal(threads, raws.Count);
        Assert.Equal(Enumerable.Range(0, threads).Select(i => (byte)i).Order(), raws.Select(r => r[0]).Order());
        // 16 writers, each write taking 20 ms: those arriving during a write wait for the next one together.
        Assert.True(journal.RecordsWritten < threads, $"{journal.RecordsWritten} writes for {threads} appends");
        Assert.Equal(journal.RecordsWritten, store.Puts);
    }

    [Fact]
    public void A_record_is_deleted_when_its_last_transaction_leaves_and_an_early_removal_is_honoured()
    {
        var db = new MemoryKeyValueStore();
        var journal = new PoolJournal(db, Prefix);
        journal.AppendMany([(HashOf(1), [1]), (HashOf(2), [2])]);
        Assert.Equal(1, KeysUnder(db, Prefix));
        journal.Remove(HashOf(1));
        Assert.Equal(1, KeysUnder(db, Prefix)); // transaction 2 still pooled
        journal.Remove(HashOf(2));
        Assert.Equal(0, KeysUnder(db, Prefix));

        // The pool reports removals outside its lock, so an inclusion can overtake the append of the same hash.
        journal.Remove(HashOf(3));
        journal.Append(HashOf(3), [3]);
        Assert.Equal(0, KeysUnder(db, Prefix));
        journal.Append(HashOf(4), [4]);
        Assert.Equal(1, KeysUnder(db, Prefix));
    }

    [Fact]
    public void Numbering_continues_after_existing_records_so_a_reopened_journal_never_overwrites_one()
    {
        var db = new MemoryKeyValueStore();
        new PoolJournal(db, Prefix).Append(HashOf(1), [1]);
        var reopened = new PoolJournal(db, Prefix);
        reopened.Append(HashOf(2), [2]);
        Assert.Equal([[1], [2]], reopened.ReadAll().SelectMany(r => r.Raws).OrderBy(r => r[0]).ToList());
    }

    [Fact]
    public void Entries_of_the_one_key_per_transaction_format_are_restored_and_rewritten()
    {
        var accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 1);
        var db = new MemoryKeyValueStore();
        byte[] raw = new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = 31337,
            Nonce = 0,
            MaxFeePerGas = 10_000_000_000,
            MaxPriorityFeePerGas = 1_000_000_000,
            GasLimit = 21_000,
            To = Address.FromHex("0x000000000000000000000000000000000000beef"),
            Value = 1,
        }.Sign(accounts[0].PrivateKey).Encode();
        Hash256 hash = TransactionDecoder.Decode(raw).Hash;
        // A node of the earlier format ran and stopped with one pooled transaction, journaled as prefix +
        // transaction hash -> raw transaction.
        new RollupChain(db, DevGenesis.Create(31337, [accounts[0].Address]), new TxPoolOptions { ChainId = 31337 }).Dispose();
        db.Put([.. Prefix, .. hash.ToArray()], raw);

        using var chain = new RollupChain(db, DevGenesis.Create(31337, [accounts[0].Address]), new TxPoolOptions { ChainId = 31337 });
        Assert.Equal(1, chain.RestoredTransactions);
        Assert.True(chain.Pool.TryGet(hash, out _));
        // The old key is gone; the transaction lives in one new-format record.
        List<(byte[] Key, List<byte[]> Raws)> records = chain.Journal.ReadAll();
        Assert.Single(records);
        Assert.Equal(Prefix.Length + 8, records[0].Key.Length);
        Assert.Equal(raw, Assert.Single(records[0].Raws));
    }

    /// <summary>A store whose puts take a while, so that concurrent appends pile up behind one write.</summary>
    private sealed class SlowStore(MemoryKeyValueStore inner, TimeSpan delay) : IKeyValueStore
    {
        private int _puts;

        public int Puts => Volatile.Read(ref _puts);

        public List<byte[]> StoredRaws()
        {
            var raws = new List<byte[]>();
            foreach (var kv in inner.Iterate(Prefix))
            {
                for (int at = 0; at + 4 <= kv.Value.Length;)
                {
                    int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(kv.Value.AsSpan(at));
                    raws.Add(kv.Value.AsSpan(at + 4, length).ToArray());
                    at += 4 + length;
                }
            }
            return raws;
        }

        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            Thread.Sleep(delay);
            lock (inner) inner.Put(key, value);
            Interlocked.Increment(ref _puts);
        }

        public void Delete(ReadOnlySpan<byte> key)
        {
            lock (inner) inner.Delete(key);
        }

        public IWriteBatch StartWriteBatch() => inner.StartWriteBatch();

        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] prefix)
        {
            lock (inner) return inner.Iterate(prefix).ToList();
        }

        public void Dispose() => inner.Dispose();
    }
}
