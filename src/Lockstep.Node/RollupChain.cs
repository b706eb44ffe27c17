using System.Collections.Concurrent;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.Trie;
using Lockstep.TxPool;

namespace Lockstep.Node;

/// <summary>Thrown by read APIs when a request exceeds a configured limit (the RPC maps it to an error).</summary>
public sealed class ChainQueryException(string message) : Exception(message);

/// <summary>
/// One rollup chain as the RPC and the block producers see it: the persisted <see cref="ChainStore"/>, the
/// <see cref="TransactionPool"/>, the head, new-head notifications and the read API (blocks, receipts, logs,
/// historical state, proofs). It does not decide WHEN blocks are made: a <see cref="BlockProducer"/> (single-chain
/// node) or the shared sequencer builds them and hands them to <see cref="CommitBlock"/>.
/// Reads are thread-safe; block commits are serialized by <see cref="WriteLock"/>.
/// </summary>
public sealed partial class RollupChain : IDisposable
{
    // The state trie nodes live under this prefix in the chain database (src/Lockstep.Chain/README.md, storage layout).
    private static readonly byte[] TrieNodePrefix = "n"u8.ToArray();
    // The genesis header does not commit to the chain id, so the node records it beside the chain (a key outside
    // ChainStore's one-byte table prefixes).
    private static readonly byte[] ChainIdKey = "NodeChainId"u8.ToArray();
    // Accepted, not yet included transactions (raw EIP-2718 bytes by hash), so that a restart, even after SIGKILL,
    // re-pools every transaction whose hash eth_sendRawTransaction returned.
    private static readonly byte[] PoolJournalPrefix = "NodePool"u8.ToArray();
    /// <summary>The block cache's bound in blocks (recent blocks answer the RPC without a store read).</summary>
    public const int CachedBlocks = 256;

    /// <summary>
    /// The block cache's default bound in estimated bytes (<see cref="BlockData.EstimatedBytes"/>). A bound in blocks
    /// alone grows with the blocks: 256 full blocks of ~1,400 transfers are ~350 MB per rollup (issue 8: the soak's
    /// heap rose with the blocks' fill). Evicted blocks still answer from the store.
    /// </summary>
    public const long DefaultBlockCacheBytes = 16L << 20;

    private readonly IKeyValueStore _db;
    private readonly bool _ownsDb;
    private readonly KeyValueNodeStore _nodes;
    private readonly ConcurrentDictionary<Hash256, BlockData> _cache = new();
    private readonly ConcurrentQueue<Hash256> _cacheOrder = new();
    private long _cachedBytes;
    private readonly PoolJournal _journal;
    private volatile BlockData _head;

    /// <summary>
    /// Opens the chain in <paramref name="db"/>: writes <paramref name="genesis"/> when the store is empty, otherwise
    /// resumes at the stored head (and refuses a genesis that differs from the stored block 0).
    /// </summary>
    public RollupChain(IKeyValueStore db, Genesis genesis, TxPoolOptions? poolOptions = null, bool ownsDb = false)
    {
        _db = db;
        _ownsDb = ownsDb;
        _nodes = new KeyValueNodeStore(db, TrieNodePrefix);
        ChainId = genesis.ChainId;
        Store = new ChainStore(db);
        byte[] chainIdBytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(chainIdBytes, ChainId);
        if (Store.Head is null)
        {
            db.Put(ChainIdKey, chainIdBytes);
            Store.InitializeGenesis(genesis);
        }
        else
        {
            Hash256 expected = genesis.CreateBlock(new WorldState()).Hash;
            if (Store.GetBlockHash(0) != expected)
                throw new InvalidOperationException($"the data directory holds a different chain (genesis {Store.GetBlockHash(0)}, expected {expected})");
            byte[]? stored = db.Get(ChainIdKey);
            if (stored is not null && !stored.AsSpan().SequenceEqual(chainIdBytes))
                throw new InvalidOperationException($"the data directory holds chain id {System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(stored)}, not {ChainId}");
        }
        _head = Load(Store.Head!.Hash) ?? throw new InvalidOperationException("head block missing");
        TxPoolOptions options = poolOptions ?? new TxPoolOptions { ChainId = ChainId, BlockGasLimit = Store.Head.GasLimit };
        if (options.ChainId != ChainId) throw new ArgumentException($"pool chain id {options.ChainId} differs from the genesis chain id {ChainId}");
        Pool = new TransactionPool(options, OpenStateReader(Head), FeeRules.NextBaseFee(Head));
        _journal = new PoolJournal(db, PoolJournalPrefix);
        RestoredTransactions = RestorePool();
        Pool.TransactionAdded += JournalAdded;
        Pool.TransactionRemoved += JournalRemoved;
    }

    /// <summary>How many journaled transactions were pooled again when the chain was opened.</summary>
    public int RestoredTransactions { get; }

    /// <summary>The pool journal (group-committed; tests read its write count).</summary>
    public PoolJournal Journal => _journal;

    // The journal write happens on the accepting thread before Add returns, so before the RPC acknowledges the hash
    // (PoolJournal groups concurrent acceptances into one store write). Events run outside the pool lock: an
    // inclusion may be reported before its addition is journaled; PoolJournal keeps such a removal until then.
    private void JournalAdded(PooledTransaction tx) => _journal.Append(tx.Hash, tx.Raw);

    private void JournalRemoved(TxRemoval removal) => _journal.Remove(removal.Transaction.Hash);

    private int RestorePool()
    {
        var journaled = new List<(byte[] Raw, ulong Nonce)>();
        List<(byte[] Key, List<byte[]> Raws)> records = _journal.ReadAll();
        foreach (var (_, raws) in records)
        {
            foreach (byte[] raw in raws)
            {
                ulong nonce;
                try { nonce = TransactionDecoder.Decode(raw).Nonce; }
                catch (Exception) { continue; } // an undecodable entry (never written by us) is dropped
                journaled.Add((raw, nonce));
            }
        }
        // Lower nonces first, so each sender's run is pending again rather than queued behind a gap.
        journaled.Sort(static (a, b) => a.Nonce.CompareTo(b.Nonce));
        var restored = new List<(Hash256 Hash, byte[] Raw)>();
        foreach (var (raw, _) in journaled)
        {
            TxPoolResult result = Pool.Add(raw);
            if (result.Accepted) restored.Add((result.Hash, raw)); // else included before the crash, or no longer valid
        }
        // The still-pooled ones are journaled again in one record BEFORE the old records go, so a crash in between
        // leaves duplicates (refused as already known at the next start), never a loss.
        _journal.AppendMany(restored);
        foreach (var (key, _) in records) _journal.DeleteKey(key);
        return restored.Count;
    }

    /// <summary>EIP-155 chain id.</summary>
    public ulong ChainId { get; }

    /// <summary>The persisted chain.</summary>
    public ChainStore Store { get; }

    /// <summary>The mempool of this chain.</summary>
    public TransactionPool Pool { get; }

    /// <summary>Held by whoever builds and commits a block on this chain (producer, sequencer).</summary>
    public Lock WriteLock { get; } = new();

    /// <summary>The head header.</summary>
    public BlockHeader Head => _head.Header;

    /// <summary>The head block with receipts and senders.</summary>
    public BlockData HeadBlock => _head;

    /// <summary>The base fee of the next block (EIP-1559).</summary>
    public UInt256 NextBaseFee => FeeRules.NextBaseFee(Head);

    /// <summary>Raised after a block is committed and the pool updated; receipts are readable when it fires.</summary>
    public event Action<BlockData>? NewHead;

    /// <summary>Decodes, validates and pools a signed EIP-2718 transaction (eth_sendRawTransaction).</summary>
    public TxPoolResult SubmitTransaction(ReadOnlySpan<byte> raw) => Pool.Add(raw);

    /// <summary>
    /// Persists <paramref name="built"/> (built on the head over <paramref name="state"/>) in one atomic batch, then
    /// updates the pool and notifies subscribers. Call under <see cref="WriteLock"/>.
    /// </summary>
    public BlockData CommitBlock(BuiltBlock built, ChainState state)
    {
        Store.CommitBlock(built.Block, built.Receipts, state);
        return OnBlockCommitted(built);
    }

    /// <summary>
    /// For a block that a caller already persisted through <see cref="Store"/> (e.g. the sequencer's batch across
    /// chains): updates the head, the pool (included transactions removed, skipped ones dropped) and subscribers.
    /// </summary>
    public BlockData OnBlockCommitted(BuiltBlock built)
    {
        if (Store.Head?.Hash != built.Block.Hash) throw new InvalidOperationException("the block is not the store's head");
        var data = new BlockData(built.Block, built.Receipts, built.Senders);
        Remember(data);
        _head = data;
        var included = new Hash256[built.Block.Transactions.Count];
        for (int i = 0; i < included.Length; i++) included[i] = built.Block.Transactions[i].Hash;
        // A transaction the builder skipped can never run as selected (bad signature, stale nonce, funds spent):
        // drop it so it is not selected again and again.
        foreach (SkippedTransaction skipped in built.Skipped)
            Pool.Remove(skipped.Transaction.Hash, skipped.SignatureError != TransactionError.None ? skipped.SignatureError.ToString() : skipped.InvalidReason.ToString());
        Pool.OnNewHead(OpenStateReader(data.Header), FeeRules.NextBaseFee(data.Header), included);
        NewHead?.Invoke(data);
        return data;
    }

    /// <summary>The canonical block at <paramref name="number"/>, null beyond the head.</summary>
    public BlockData? GetBlock(ulong number)
    {
        BlockData head = _head;
        if (number > head.Number) return null;
        if (number == head.Number) return head;
        return Store.TryGetCanonicalHash(number, out Hash256 hash) ? GetBlock(hash) : null;
    }

    /// <summary>The block with hash <paramref name="hash"/>, null when unknown.</summary>
    public BlockData? GetBlock(Hash256 hash) => _cache.TryGetValue(hash, out BlockData? data) ? data : Load(hash);

    /// <summary>An included transaction: its block and index.</summary>
    public bool TryGetTransaction(Hash256 txHash, out BlockData block, out int index)
    {
        block = null!;
        index = -1;
        if (!Store.TryGetTransactionLocation(txHash, out TransactionLocation loc) || GetBlock(loc.BlockNumber) is not { } data) return false;
        block = data;
        index = loc.Index;
        return true;
    }

    /// <summary>A reader of the committed state after block <paramref name="header"/> (one per thread: it caches).</summary>
    public TrieStateReader OpenStateReader(BlockHeader header) => new(_nodes, header.StateRoot, Store.GetCode);

    /// <summary>
    /// Logs matching <paramref name="filter"/> in blocks <paramref name="from"/>..<paramref name="to"/> (inclusive,
    /// clamped to the head), in chain order. Throws <see cref="ChainQueryException"/> beyond
    /// <paramref name="maxBlockRange"/> blocks or <paramref name="maxResults"/> logs.
    /// </summary>
    public List<MatchedLog> GetLogs(LogFilter filter, ulong from, ulong to, ulong maxBlockRange, int maxResults)
    {
        ulong head = _head.Number;
        if (to > head) to = head;
        var result = new List<MatchedLog>();
        if (from > to) return result;
        if (to - from + 1 > maxBlockRange)
            throw new ChainQueryException($"block range too large: {to - from + 1} blocks, the limit is {maxBlockRange}");
        for (ulong n = from; n <= to; n++)
        {
            BlockData? block = GetBlock(n);
            if (block is null) break;
            CollectLogs(block, filter, result, maxResults);
        }
        return result;
    }

    /// <summary>Appends the logs of <paramref name="block"/> matching <paramref name="filter"/> to <paramref name="into"/>.</summary>
    public static void CollectLogs(BlockData block, LogFilter filter, List<MatchedLog> into, int maxResults = int.MaxValue)
    {
        if (block.LogCount == 0 || !filter.MayMatch(block.Header.LogsBloom)) return;
        int logIndex = 0;
        for (int t = 0; t < block.Receipts.Count; t++)
        {
            IReadOnlyList<LogEntry> logs = block.Receipts[t].Logs;
            for (int l = 0; l < logs.Count; l++, logIndex++)
            {
                if (!filter.Matches(logs[l])) continue;
                if (into.Count >= maxResults)
                    throw new ChainQueryException($"query returned more than {maxResults} logs; narrow the block range or the filter");
                into.Add(new MatchedLog(block, t, logIndex, logs[l]));
            }
        }
    }

    /// <summary>
    /// EIP-1186 proof of <paramref name="address"/> and its <paramref name="slots"/> against the state root of
    /// <paramref name="header"/>: the account trie path under keccak(address) and each storage trie path under
    /// keccak(slot).
    /// </summary>
    public AccountProof GetProof(BlockHeader header, Address address, IReadOnlyList<UInt256> slots)
    {
        var accounts = new PatriciaTrie(_nodes, header.StateRoot);
        Hash256 addressKey = Keccak256.Compute(address.ToArray());
        List<byte[]> accountProof = accounts.GetProof(addressKey.ToArray());
        AccountState account = accounts.TryGet(addressKey.ToArray(), out ReadOnlySpan<byte> rlp)
            ? TrieStateReader.DecodeAccount(rlp)
            : AccountState.Empty;
        var storage = new StorageProof[slots.Count];
        PatriciaTrie? storageTrie = account.StorageRoot == Keccak256.EmptyTrieRoot ? null : new PatriciaTrie(_nodes, account.StorageRoot);
        for (int i = 0; i < slots.Count; i++)
        {
            byte[] slotKey = Keccak256.Compute(slots[i].ToBigEndian()).ToArray();
            UInt256 value = UInt256.Zero;
            List<byte[]> proof = [];
            if (storageTrie is not null)
            {
                proof = storageTrie.GetProof(slotKey);
                if (storageTrie.TryGet(slotKey, out ReadOnlySpan<byte> v)) value = new RlpReader(v).ReadUInt256();
            }
            storage[i] = new StorageProof(slots[i], value, proof);
        }
        return new AccountProof(address, account, accountProof, storage);
    }

    private BlockData? Load(Hash256 hash)
    {
        Block? block = Store.GetBlock(hash);
        if (block is null) return null;
        IReadOnlyList<Receipt> receipts = Store.GetReceipts(hash) ?? [];
        var senders = new Address[block.Transactions.Count];
        var errors = new TransactionError[senders.Length];
        SenderRecovery.RecoverAll(block.Transactions, ChainId, senders, errors);
        var data = new BlockData(block, receipts, senders);
        Remember(data);
        return data;
    }

    /// <summary>
    /// The block cache's bound in estimated bytes (default <see cref="DefaultBlockCacheBytes"/>); the newest block
    /// stays cached even when it alone exceeds it.
    /// </summary>
    public long BlockCacheByteLimit { get; set; } = DefaultBlockCacheBytes;

    /// <summary>Blocks in the cache now.</summary>
    public int CachedBlockCount => _cache.Count;

    /// <summary>The estimated bytes (<see cref="BlockData.EstimatedBytes"/>) of the blocks in the cache now.</summary>
    public long CachedBlockBytes => Interlocked.Read(ref _cachedBytes);

    private void Remember(BlockData data)
    {
        if (!_cache.TryAdd(data.Hash, data)) return;
        Interlocked.Add(ref _cachedBytes, data.EstimatedBytes);
        _cacheOrder.Enqueue(data.Hash);
        // Oldest first, by count and by bytes; a hash already forgotten (a rewind) is skipped over.
        while ((_cacheOrder.Count > CachedBlocks || (Interlocked.Read(ref _cachedBytes) > BlockCacheByteLimit && _cacheOrder.Count > 1))
            && _cacheOrder.TryDequeue(out Hash256 old))
            Forget(old);
    }

    private void Forget(Hash256 hash)
    {
        if (_cache.TryRemove(hash, out BlockData? removed)) Interlocked.Add(ref _cachedBytes, -removed.EstimatedBytes);
    }

    /// <summary>Closes the database when this chain opened it.</summary>
    public void Dispose()
    {
        if (_ownsDb) _db.Dispose();
    }
}

/// <summary>One storage slot's EIP-1186 proof.</summary>
public sealed record StorageProof(UInt256 Key, UInt256 Value, IReadOnlyList<byte[]> Proof);

/// <summary>An account's EIP-1186 proof with its storage proofs.</summary>
public sealed record AccountProof(Address Address, AccountState Account, IReadOnlyList<byte[]> AccountProofNodes, IReadOnlyList<StorageProof> StorageProofs);
