using System.Buffers.Binary;
using Lockstep.Chain;
using Lockstep.Storage;

namespace Lockstep.Sequencer;

// Rewind of the whole set (issue 6, docs/recovery.md): every rollup's chain and the superblock index go back to one
// height in ONE write batch, so a crash leaves either the old set or the rewound one, never rollups at different heights.
public sealed partial class SuperblockStore
{
    /// <summary>
    /// Queues into <paramref name="batch"/> the rewind of every rollup to block <paramref name="height"/>
    /// (<see cref="ChainStore.StageRewind"/>) and of the superblock index (entries above it deleted, the height moved).
    /// Commit the batch, then call <see cref="CompleteRewind"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Above the current height or below a rollup's finalized block.</exception>
    public IReadOnlyDictionary<ulong, ChainRewind> StageRewind(IWriteBatch batch, ulong height)
    {
        ulong current = Height ?? 0;
        if (height > current) throw new InvalidOperationException($"cannot rewind to superblock {height}: the set is at {current}");
        var rewinds = new Dictionary<ulong, ChainRewind>(_order.Count);
        foreach (ulong id in _order)
        {
            (PrefixedKeyValueStore table, ChainStore chain) = _chains[id];
            rewinds[id] = chain.StageRewind(table.WrapBatch(batch), height);
        }
        for (ulong h = height + 1; h <= current; h++) batch.Delete(SuperblockKey(h));
        var heightBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(heightBytes, height);
        batch.Put(HeightKey, heightBytes);
        return rewinds;
    }

    /// <summary>After the batch of <see cref="StageRewind"/> is committed: moves every chain's head and the height.</summary>
    public void CompleteRewind(IReadOnlyDictionary<ulong, ChainRewind> rewinds, ulong height)
    {
        foreach (ulong id in _order) _chains[id].Chain.CompleteRewind(rewinds[id].NewHead);
        Height = height;
    }
}
