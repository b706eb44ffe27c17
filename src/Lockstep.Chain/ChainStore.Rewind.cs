using System.Buffers.Binary;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Chain;

/// <summary>The canonical blocks a rewind removes, in ascending order, and the head it goes back to.</summary>
/// <param name="NewHead">The head after the rewind.</param>
/// <param name="Removed">The blocks above it that stop being canonical (lowest first).</param>
public sealed record ChainRewind(BlockHeader NewHead, IReadOnlyList<Block> Removed);

// Rewind (issue 6, docs/recovery.md): after L1 rejects superbatches, the sequencer moves every rollup back to the last
// good superbatch's blocks. Finality: L1 never rejects a finalized superbatch, so a rewind below the finalized mark
// means a bug or an L1 beyond its own finality; it is refused instead of silently dropping settled history.
public sealed partial class ChainStore
{
    private static readonly byte[] FinalizedKey = "Finalized"u8.ToArray();

    /// <summary>
    /// The highest block number marked final (<see cref="MarkFinalized"/>: its superbatch is final on L1); 0 (genesis)
    /// when none. A rewind never goes below it.
    /// </summary>
    public ulong Finalized
    {
        get
        {
            byte[]? v = _db.Get(FinalizedKey);
            return v is null ? 0 : BinaryPrimitives.ReadUInt64BigEndian(v);
        }
    }

    /// <summary>Records that blocks up to <paramref name="number"/> are final (never lowers the mark).</summary>
    /// <exception cref="InvalidOperationException"><paramref name="number"/> is above the head.</exception>
    public void MarkFinalized(ulong number)
    {
        using IWriteBatch batch = _db.StartWriteBatch();
        StageFinalized(batch, number);
        batch.Commit();
    }

    /// <summary>Queues <see cref="MarkFinalized"/> into <paramref name="batch"/> (a caller's shared batch).</summary>
    public void StageFinalized(IWriteBatch batch, ulong number)
    {
        if (Head is null || number > Head.Number) throw new InvalidOperationException($"block {number} is above the head {Head?.Number}: it cannot be final");
        if (number <= Finalized) return;
        var v = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, number);
        batch.Put(FinalizedKey, v);
    }

    /// <summary>
    /// Moves the head back to canonical block <paramref name="number"/> in ONE atomic write batch: the canonical index,
    /// the transaction index, the bodies and the receipts of every block above it are removed and the head pointer
    /// moved, so a crash leaves either the old chain or the rewound one. State trie nodes are content-addressed and
    /// never pruned, so the state at the new head's root is already there. Returns what was removed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Above the head, or below <see cref="Finalized"/>.</exception>
    public ChainRewind RewindTo(ulong number)
    {
        using IWriteBatch batch = _db.StartWriteBatch();
        ChainRewind rewind = StageRewind(batch, number);
        batch.Commit();
        CompleteRewind(rewind.NewHead);
        return rewind;
    }

    /// <summary>
    /// Queues everything <see cref="RewindTo"/> writes into <paramref name="batch"/> without committing it; after the
    /// caller committed the batch, <see cref="CompleteRewind"/> moves <see cref="Head"/>. (The shared sequencer rewinds
    /// every rollup of a set in one batch this way.)
    /// </summary>
    /// <exception cref="InvalidOperationException">Above the head, or below <see cref="Finalized"/>, or the canonical index is broken.</exception>
    public ChainRewind StageRewind(IWriteBatch batch, ulong number)
    {
        BlockHeader head = Head ?? throw new InvalidOperationException("no genesis yet");
        if (number > head.Number) throw new InvalidOperationException($"cannot rewind to block {number}: the head is {head.Number}");
        ulong finalized = Finalized;
        if (number < finalized)
            throw new InvalidOperationException($"refusing to rewind to block {number}: blocks up to {finalized} are final on L1");
        BlockHeader target = GetBlock(number)?.Header ?? throw new InvalidOperationException($"canonical block {number} is missing");
        var removed = new List<Block>((int)Math.Min(head.Number - number, 1024));
        for (ulong n = number + 1; n <= head.Number; n++)
        {
            Block block = GetBlock(n) ?? throw new InvalidOperationException($"canonical block {n} is missing");
            removed.Add(block);
            foreach (Transaction tx in block.Transactions)
            {
                // A transaction hash can be included only once per canonical chain, so its index entry points here.
                batch.Delete(Key(TxIndexPrefix, tx.Hash));
            }
            batch.Delete(NumberKey(n));
            batch.Delete(Key(ReceiptsPrefix, block.Hash));
            batch.Delete(Key(BlockPrefix, block.Hash));
        }
        batch.Put(HeadKey, target.Hash.ToArray());
        return new ChainRewind(target, removed);
    }

    /// <summary>
    /// Moves <see cref="Head"/> to <paramref name="newHead"/> after the caller committed a batch holding
    /// <see cref="StageRewind"/> to that block.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store's canonical block at that number is another one, or the head pointer was not moved.</exception>
    public void CompleteRewind(BlockHeader newHead)
    {
        if (!TryGetCanonicalHash(newHead.Number, out Hash256 hash) || hash != newHead.Hash || TryGetCanonicalHash(newHead.Number + 1, out _))
            throw new InvalidOperationException($"block {newHead.Number} ({newHead.Hash}) is not the committed head of a rewind");
        byte[]? stored = _db.Get(HeadKey);
        if (stored is null || new Hash256(stored) != newHead.Hash) throw new InvalidOperationException("the rewind batch was not committed");
        Head = newHead;
    }
}
