using System.Buffers.Binary;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Sequencer;

/// <summary>
/// Every rollup's chain in ONE key-value store (RocksDB in production): a <see cref="ChainStore"/> per rollup over a
/// <see cref="PrefixedKeyValueStore"/> (table prefix <c>'R' ++ chainId (8 bytes BE)</c>), plus a superblock index
/// (<c>'S' ++ height</c> -> the rollups' block hashes). <see cref="Commit(Superblock, IReadOnlyDictionary{ulong, ChainState})"/> writes all rollups' blocks, receipts,
/// state nodes, heads and the index in one write batch, so after a crash either the whole superblock is there or
/// none of it.
/// </summary>
public sealed partial class SuperblockStore
{
    private static readonly byte[] HeightKey = "SuperblockHead"u8.ToArray();
    private readonly IKeyValueStore _db;
    private readonly Dictionary<ulong, (PrefixedKeyValueStore Table, ChainStore Chain)> _chains = new();
    private readonly List<ulong> _order = new();

    /// <summary>Opens (or prepares) the chains of <paramref name="chainIds"/> in <paramref name="db"/>.</summary>
    public SuperblockStore(IKeyValueStore db, IReadOnlyList<ulong> chainIds)
        : this(db, chainIds.Select(id => { PrefixedKeyValueStore table = ChainTable(db, id); return (id, table, new ChainStore(table)); }).ToList())
    {
    }

    /// <summary>
    /// Uses chain stores that already exist over <see cref="ChainTable"/> tables of <paramref name="db"/> (for example
    /// the ones a node's <c>RollupChain</c> opened), so the heads they cache move when a superblock is committed.
    /// </summary>
    public SuperblockStore(IKeyValueStore db, IReadOnlyList<(ulong ChainId, PrefixedKeyValueStore Table, ChainStore Chain)> chains)
    {
        _db = db;
        foreach ((ulong id, PrefixedKeyValueStore table, ChainStore chain) in chains)
        {
            if (!_chains.TryAdd(id, (table, chain))) throw new ArgumentException($"chain {id} appears twice", nameof(chains));
            _order.Add(id);
        }
        byte[]? height = db.Get(HeightKey);
        Height = height is null ? null : BinaryPrimitives.ReadUInt64BigEndian(height);
    }

    /// <summary>The table of rollup <paramref name="chainId"/> in <paramref name="db"/>: prefix <c>'R' ++ chainId (8 bytes BE)</c>.</summary>
    public static PrefixedKeyValueStore ChainTable(IKeyValueStore db, ulong chainId)
    {
        var prefix = new byte[9];
        prefix[0] = (byte)'R';
        BinaryPrimitives.WriteUInt64BigEndian(prefix.AsSpan(1), chainId);
        return new PrefixedKeyValueStore(db, prefix);
    }

    /// <summary>The height of the last committed superblock, null before any.</summary>
    public ulong? Height { get; private set; }

    /// <summary>The chain of rollup <paramref name="chainId"/>.</summary>
    public ChainStore Chain(ulong chainId) => _chains.TryGetValue(chainId, out var c) ? c.Chain : throw new KeyNotFoundException($"chain {chainId} is not in this store");

    /// <summary>The chain ids, in the order given at construction.</summary>
    public IReadOnlyList<ulong> ChainIds => _order;

    /// <summary>
    /// Persists <paramref name="superblock"/> atomically: every rollup's block with the post-state in
    /// <paramref name="states"/> (the <see cref="ChainState"/> each block was built on), in one batch; then moves
    /// every chain's head. Nothing is written when any block does not extend its chain's head or its state root
    /// does not match.
    /// </summary>
    public void Commit(Superblock superblock, IReadOnlyDictionary<ulong, ChainState> states) => Commit(superblock, states, null);

    /// <summary>
    /// As <see cref="Commit(Superblock, IReadOnlyDictionary{ulong, ChainState})"/>, with <paramref name="alsoStage"/>
    /// adding the caller's own records (bundle statuses) to the same batch, so they land with the superblock or not at all.
    /// </summary>
    public void Commit(Superblock superblock, IReadOnlyDictionary<ulong, ChainState> states, Action<IWriteBatch>? alsoStage)
    {
        if (superblock.Blocks.Count != _chains.Count) throw new ArgumentException($"the superblock has {superblock.Blocks.Count} blocks, the store {_chains.Count} chains", nameof(superblock));
        using IWriteBatch batch = _db.StartWriteBatch();
        var index = new byte[superblock.Blocks.Count * (8 + Hash256.Size)];
        int at = 0;
        foreach (RollupBlock rb in superblock.Blocks)
        {
            if (!_chains.TryGetValue(rb.ChainId, out var chain)) throw new ArgumentException($"chain {rb.ChainId} is not in this store", nameof(superblock));
            if (!states.TryGetValue(rb.ChainId, out ChainState? state)) throw new ArgumentException($"no state for chain {rb.ChainId}", nameof(states));
            // StageBlock validates (head, state root) before queuing; an exception here leaves the batch uncommitted.
            chain.Chain.StageBlock(chain.Table.WrapBatch(batch), rb.Built.Block, rb.Built.Receipts, state);
            BinaryPrimitives.WriteUInt64BigEndian(index.AsSpan(at), rb.ChainId);
            rb.Built.Block.Hash.CopyTo(index.AsSpan(at + 8));
            at += 8 + Hash256.Size;
        }
        var heightBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(heightBytes, superblock.Height);
        batch.Put(SuperblockKey(superblock.Height), index);
        batch.Put(HeightKey, heightBytes);
        alsoStage?.Invoke(batch);
        batch.Commit();
        foreach (RollupBlock rb in superblock.Blocks) _chains[rb.ChainId].Chain.AdvanceHead(rb.Built.Block.Header);
        Height = superblock.Height;
    }

    /// <summary>The rollups' block hashes of the superblock at <paramref name="height"/>, null when not committed.</summary>
    public IReadOnlyList<(ulong ChainId, Hash256 BlockHash)>? GetSuperblock(ulong height)
    {
        byte[]? value = _db.Get(SuperblockKey(height));
        if (value is null) return null;
        var list = new List<(ulong, Hash256)>();
        for (int at = 0; at + 8 + Hash256.Size <= value.Length; at += 8 + Hash256.Size)
            list.Add((BinaryPrimitives.ReadUInt64BigEndian(value.AsSpan(at)), new Hash256(value.AsSpan(at + 8, Hash256.Size))));
        return list;
    }

    private static byte[] SuperblockKey(ulong height)
    {
        var key = new byte[9];
        key[0] = (byte)'S';
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        return key;
    }
}
