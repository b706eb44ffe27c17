using System.Buffers.Binary;
using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Chain;

/// <summary>Where an included transaction is: its block number and index.</summary>
public readonly record struct TransactionLocation(ulong BlockNumber, int Index);

/// <summary>
/// The chain database over one <see cref="IKeyValueStore"/> (RocksDB in production): blocks by hash and by
/// canonical number, receipts, a transaction index, contract code, state trie nodes and the head pointer.
/// <see cref="CommitBlock"/> writes a block with all of these in ONE write batch, so after a crash the store
/// holds either the old head or the new one, never half a block. Reopening resumes at the stored head.
/// Tables are distinguished by a one-byte key prefix. Not thread-safe for writers.
/// </summary>
public sealed partial class ChainStore : IBlockHashProvider
{
    private static readonly byte[] NodePrefix = "n"u8.ToArray();
    private const byte CodePrefix = (byte)'c';
    private const byte BlockPrefix = (byte)'b';
    private const byte ReceiptsPrefix = (byte)'r';
    private const byte CanonicalPrefix = (byte)'h';
    private const byte TxIndexPrefix = (byte)'t';
    private static readonly byte[] HeadKey = "Head"u8.ToArray();

    private readonly IKeyValueStore _db;

    /// <summary>Opens a chain in <paramref name="db"/>, resuming at its head if it has one.</summary>
    public ChainStore(IKeyValueStore db)
    {
        _db = db;
        byte[]? head = db.Get(HeadKey);
        if (head is not null)
            Head = GetBlock(new Hash256(head))?.Header ?? throw new InvalidOperationException("head block is missing");
    }

    /// <summary>The head header, null before genesis.</summary>
    public BlockHeader? Head { get; private set; }

    /// <summary>Writes <paramref name="genesis"/> as block 0 (the store must be empty).</summary>
    public Block InitializeGenesis(Genesis genesis)
    {
        if (Head is not null) throw new InvalidOperationException("the chain already has a genesis");
        ChainState state = OpenState(Keccak256.EmptyTrieRoot);
        Block block = genesis.CreateBlock(state.World);
        CommitBlock(block, [], state);
        return block;
    }

    /// <summary>A fresh state at the head's state root, to build the next block on.</summary>
    public ChainState OpenHeadState() => OpenState(Head?.StateRoot ?? throw new InvalidOperationException("no genesis yet"));

    /// <summary>A fresh state at <paramref name="stateRoot"/> (any committed block's root).</summary>
    public ChainState OpenState(Hash256 stateRoot) => new(new PendingNodeStore(_db, NodePrefix), stateRoot, GetCode);

    /// <summary>
    /// Appends <paramref name="block"/> (a child of the head, or genesis) with its receipts and the post-state
    /// in <paramref name="state"/>, and moves the head, all in one atomic write batch.
    /// </summary>
    public void CommitBlock(Block block, IReadOnlyList<Receipt> receipts, ChainState state)
    {
        using IWriteBatch batch = _db.StartWriteBatch();
        StageBlock(batch, block, receipts, state);
        batch.Commit();
        Head = block.Header;
    }

    /// <summary>
    /// Queues everything <see cref="CommitBlock"/> writes into <paramref name="batch"/> without committing it
    /// (tests use it to show that an uncommitted batch leaves the old head). <see cref="Head"/> is unchanged.
    /// </summary>
    public void StageBlock(IWriteBatch batch, Block block, IReadOnlyList<Receipt> receipts, ChainState state)
    {
        BlockHeader header = block.Header;
        if (Head is null ? header.Number != 0 : header.Number != Head.Number + 1 || header.ParentHash != Head.Hash)
            throw new InvalidOperationException($"block {header.Number} does not extend the head");
        if (receipts.Count != block.Transactions.Count) throw new ArgumentException("one receipt per transaction", nameof(receipts));
        Hash256 root = state.CommitTries();
        if (root != header.StateRoot) throw new InvalidOperationException($"state root {root} differs from the header's {header.StateRoot}");
        state.Nodes.Flush(batch);

        foreach (Address address in state.World.CachedAccounts)
        {
            Hash256 codeHash = state.World.GetCodeHash(address);
            if (codeHash == Keccak256.EmptyHash) continue;
            byte[] key = Key(CodePrefix, codeHash);
            if (_db.Get(key) is null) batch.Put(key, state.World.GetCode(address));
        }

        Hash256 hash = header.Hash;
        batch.Put(Key(BlockPrefix, hash), block.Encode());
        batch.Put(Key(ReceiptsPrefix, hash), EncodeReceipts(receipts));
        batch.Put(NumberKey(header.Number), hash.ToArray());
        Span<byte> location = stackalloc byte[12];
        for (int i = 0; i < block.Transactions.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(location, header.Number);
            BinaryPrimitives.WriteInt32BigEndian(location[8..], i);
            batch.Put(Key(TxIndexPrefix, block.Transactions[i].Hash), location);
        }
        batch.Put(HeadKey, hash.ToArray());
    }

    /// <summary>
    /// Moves the head to <paramref name="header"/> after the caller committed a batch holding
    /// <see cref="StageBlock"/> of that block (a superblock stages every rollup's block into one batch of a
    /// shared database, commits it once, then advances each chain's head).
    /// </summary>
    /// <exception cref="InvalidOperationException">The block does not extend the head or is not in the store.</exception>
    public void AdvanceHead(BlockHeader header)
    {
        if (Head is null ? header.Number != 0 : header.Number != Head.Number + 1 || header.ParentHash != Head.Hash)
            throw new InvalidOperationException($"block {header.Number} does not extend the head");
        if (_db.Get(Key(BlockPrefix, header.Hash)) is null) throw new InvalidOperationException($"block {header.Hash} was not committed");
        Head = header;
    }

    /// <summary>The block with hash <paramref name="hash"/>, null when unknown.</summary>
    public Block? GetBlock(Hash256 hash)
    {
        byte[]? rlp = _db.Get(Key(BlockPrefix, hash));
        return rlp is null ? null : Block.Decode(rlp);
    }

    /// <summary>The canonical block at <paramref name="number"/>, null when beyond the head.</summary>
    public Block? GetBlock(ulong number) => TryGetCanonicalHash(number, out Hash256 hash) ? GetBlock(hash) : null;

    /// <summary>The canonical block hash at <paramref name="number"/>.</summary>
    public bool TryGetCanonicalHash(ulong number, out Hash256 hash)
    {
        byte[]? value = _db.Get(NumberKey(number));
        hash = value is null ? default : new Hash256(value);
        return value is not null;
    }

    /// <inheritdoc />
    public Hash256 GetBlockHash(ulong number) => TryGetCanonicalHash(number, out Hash256 hash) ? hash : Hash256.Zero;

    /// <summary>The receipts of block <paramref name="blockHash"/>, null when unknown.</summary>
    public IReadOnlyList<Receipt>? GetReceipts(Hash256 blockHash)
    {
        byte[]? rlp = _db.Get(Key(ReceiptsPrefix, blockHash));
        if (rlp is null) return null;
        var receipts = new List<Receipt>();
        var r = new RlpReader(rlp);
        int end = r.ReadListHeader();
        while (r.IsBefore(end)) receipts.Add(Receipt.Decode(r.ReadBytes()));
        r.ExpectEnd(end);
        return receipts;
    }

    /// <summary>Where the transaction with hash <paramref name="txHash"/> was included.</summary>
    public bool TryGetTransactionLocation(Hash256 txHash, out TransactionLocation location)
    {
        byte[]? value = _db.Get(Key(TxIndexPrefix, txHash));
        location = value is null ? default : new TransactionLocation(BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(8)));
        return value is not null;
    }

    /// <summary>An included transaction and its receipt, by hash.</summary>
    public bool TryGetTransaction(Hash256 txHash, out Transaction transaction, out Receipt receipt, out BlockHeader header)
    {
        transaction = null!;
        receipt = null!;
        header = null!;
        if (!TryGetTransactionLocation(txHash, out TransactionLocation loc) || GetBlock(loc.BlockNumber) is not { } block) return false;
        transaction = block.Transactions[loc.Index];
        receipt = GetReceipts(block.Hash)![loc.Index];
        header = block.Header;
        return true;
    }

    /// <summary>Contract code by hash, null when unknown.</summary>
    public byte[]? GetCode(Hash256 codeHash) => codeHash == Keccak256.EmptyHash ? [] : _db.Get(Key(CodePrefix, codeHash));

    private static byte[] EncodeReceipts(IReadOnlyList<Receipt> receipts)
    {
        var w = new RlpWriter(256 * (receipts.Count + 1));
        w.StartList();
        foreach (Receipt receipt in receipts) w.WriteBytes(receipt.Encode());
        w.EndList();
        return w.ToArray();
    }

    private static byte[] Key(byte prefix, Hash256 hash)
    {
        var key = new byte[1 + Hash256.Size];
        key[0] = prefix;
        hash.CopyTo(key.AsSpan(1));
        return key;
    }

    private static byte[] NumberKey(ulong number)
    {
        var key = new byte[9];
        key[0] = CanonicalPrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), number);
        return key;
    }
}
