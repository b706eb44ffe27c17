using System.Buffers.Binary;
using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Node;

/// <summary>
/// The durable record of accepted, not yet included pool transactions, so that a restart, even after SIGKILL,
/// re-pools every transaction whose hash eth_sendRawTransaction returned.
/// <para>
/// Group commit: a transaction is journaled before <see cref="Append"/> returns (so before the RPC acknowledges it),
/// but concurrent callers share one store write. The first caller to find no write in progress becomes the leader
/// and writes everything queued so far as ONE record (key: prefix + 8-byte sequence number); the others wait for
/// the record holding theirs. A record is deleted when its last transaction leaves the pool, so an inclusion costs
/// a counter decrement, not a store write. One write per group instead of one put and one delete per transaction
/// halves the store's memtable inserts at least (the memtable insert of the chain database dominated the journal's
/// cost; see docs/benchmarks.md, "JSON-RPC: eth_sendRawTransaction throughput").
/// </para>
/// <para>
/// Record value: for each transaction, a 4-byte big-endian length and its EIP-2718 bytes. Entries of the earlier
/// format (key: prefix + 32-byte hash, value: one transaction) are still read by <see cref="ReadAll"/>.
/// </para>
/// </summary>
public sealed class PoolJournal
{
    private const int SequenceBytes = 8;

    private readonly IKeyValueStore _db;
    private readonly byte[] _prefix;
    // A monitor (not System.Threading.Lock): followers Monitor.Wait on it for the leader's write.
    private readonly object _lock = new();
    // Guarded by _lock.
    private List<Entry> _queue = [];
    private bool _writing;
    private ulong _nextSequence;
    private readonly Dictionary<Hash256, ulong> _recordOf = new();
    private readonly Dictionary<ulong, int> _liveInRecord = new();
    // Removals that overtook their own append (the pool raises events outside its lock, so a block can include a
    // transaction while its append is still waiting for the group write).
    private readonly HashSet<Hash256> _removedEarly = new();

    /// <summary>A journal under <paramref name="prefix"/> in <paramref name="db"/>; numbering continues after existing records.</summary>
    public PoolJournal(IKeyValueStore db, byte[] prefix)
    {
        _db = db;
        _prefix = prefix;
        foreach (KeyValuePair<byte[], byte[]> kv in db.Iterate(prefix))
        {
            if (kv.Key.Length == prefix.Length + SequenceBytes)
                _nextSequence = Math.Max(_nextSequence, BinaryPrimitives.ReadUInt64BigEndian(kv.Key.AsSpan(prefix.Length)) + 1);
        }
    }

    /// <summary>Store writes made so far (one per group; tests and measurements read it).</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>
    /// What the journal holds in memory: journaled transactions still pooled, records holding them, and removals
    /// still waiting for their own append. None grows with what was ever journaled, only with what is pooled now
    /// (the long soak checks it every round, issue 8).
    /// </summary>
    public (int Transactions, int Records, int EarlyRemovals) Live
    {
        get { lock (_lock) return (_recordOf.Count, _liveInRecord.Count, _removedEarly.Count); }
    }

    /// <summary>Every journaled transaction (raw EIP-2718 bytes) and the keys holding them, in key order.</summary>
    public List<(byte[] Key, List<byte[]> Raws)> ReadAll()
    {
        var all = new List<(byte[] Key, List<byte[]> Raws)>();
        foreach (KeyValuePair<byte[], byte[]> kv in _db.Iterate(_prefix))
        {
            var raws = new List<byte[]>();
            if (kv.Key.Length == _prefix.Length + SequenceBytes) DecodeRecord(kv.Value, raws);
            else raws.Add(kv.Value); // the one-transaction-per-key format
            all.Add((kv.Key, raws));
        }
        return all;
    }

    /// <summary>Deletes a key returned by <see cref="ReadAll"/> (after its transactions were journaled again or dropped).</summary>
    public void DeleteKey(byte[] key) => _db.Delete(key);

    /// <summary>
    /// Journals one transaction; returns once a store write holding it completed. Concurrent callers are grouped
    /// into one write (see the class summary).
    /// </summary>
    public void Append(Hash256 hash, byte[] raw)
    {
        var entry = new Entry(hash, raw);
        List<Entry> batch;
        ulong sequence;
        lock (_lock)
        {
            _queue.Add(entry);
            // Another thread is writing: a later leader (maybe this thread) takes this entry; wait for that write.
            while (_writing && !entry.Done) Monitor.Wait(_lock);
            if (entry.Done)
            {
                if (entry.Failure is not null) throw new IOException("the pool journal write failed", entry.Failure);
                return;
            }
            // Leader: everything queued so far (this entry included) goes into one record.
            _writing = true;
            batch = _queue;
            _queue = [];
            sequence = _nextSequence++;
        }
        Exception? failure = null;
        try { _db.Put(RecordKey(sequence), EncodeRecord(batch)); }
        catch (Exception e) { failure = e; }
        lock (_lock)
        {
            if (failure is null)
            {
                Register(sequence, batch);
                RecordsWritten++;
            }
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Failure = failure;
                batch[i].Done = true;
            }
            // Hand over: a waiter whose entry arrived during this write becomes the next leader.
            _writing = false;
            Monitor.PulseAll(_lock);
        }
        if (failure is not null) throw new IOException("the pool journal write failed", failure);
    }

    /// <summary>Journals several transactions in one write (the re-pooled ones at start-up).</summary>
    public void AppendMany(IReadOnlyList<(Hash256 Hash, byte[] Raw)> transactions)
    {
        if (transactions.Count == 0) return;
        var batch = new List<Entry>(transactions.Count);
        foreach (var (hash, raw) in transactions) batch.Add(new Entry(hash, raw));
        ulong sequence;
        lock (_lock) sequence = _nextSequence++;
        _db.Put(RecordKey(sequence), EncodeRecord(batch));
        lock (_lock)
        {
            Register(sequence, batch);
            RecordsWritten++;
        }
    }

    /// <summary>A transaction left the pool: its record is deleted once none of its transactions is pooled.</summary>
    public void Remove(Hash256 hash)
    {
        ulong sequence;
        lock (_lock)
        {
            if (!_recordOf.Remove(hash, out sequence))
            {
                _removedEarly.Add(hash);
                return;
            }
            if (--_liveInRecord[sequence] > 0) return;
            _liveInRecord.Remove(sequence);
        }
        _db.Delete(RecordKey(sequence));
    }

    // Under _lock, after the record is stored.
    private void Register(ulong sequence, List<Entry> batch)
    {
        int live = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            if (_removedEarly.Remove(batch[i].Hash)) continue;
            _recordOf[batch[i].Hash] = sequence;
            live++;
        }
        if (live > 0) _liveInRecord[sequence] = live;
        else _db.Delete(RecordKey(sequence)); // every transaction of it was already included
    }

    private byte[] RecordKey(ulong sequence)
    {
        var key = new byte[_prefix.Length + SequenceBytes];
        _prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(_prefix.Length), sequence);
        return key;
    }

    private static byte[] EncodeRecord(List<Entry> batch)
    {
        int size = 0;
        for (int i = 0; i < batch.Count; i++) size += 4 + batch[i].Raw.Length;
        var value = new byte[size];
        int at = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            byte[] raw = batch[i].Raw;
            BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(at), raw.Length);
            raw.CopyTo(value, at + 4);
            at += 4 + raw.Length;
        }
        return value;
    }

    /// <summary>Splits a record into its transactions; a truncated tail (never written by us) is ignored.</summary>
    private static void DecodeRecord(byte[] value, List<byte[]> into)
    {
        int at = 0;
        while (value.Length - at >= 4)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(at));
            if (length < 0 || length > value.Length - at - 4) return;
            into.Add(value.AsSpan(at + 4, length).ToArray());
            at += 4 + length;
        }
    }

    private sealed class Entry(Hash256 hash, byte[] raw)
    {
        public Hash256 Hash { get; } = hash;
        public byte[] Raw { get; } = raw;
        public bool Done { get; set; }
        public Exception? Failure { get; set; }
    }
}
