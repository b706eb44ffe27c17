using Lockstep.Chain;
using Lockstep.Primitives;

namespace Lockstep.Node;

// The node side of a rewind (issue 6, docs/recovery.md): after the store moved its head back (ChainStore.RewindTo or
// the shared sequencer's one-batch rewind of the set), the cached head, the block cache and the pool follow.
public sealed partial class RollupChain
{
    /// <summary>
    /// Raised after <see cref="OnRewound"/> with the new head and the hashes of the blocks that stopped being canonical
    /// (their receipts and transaction lookups now answer "unknown").
    /// </summary>
    public event Action<BlockData, IReadOnlyList<Hash256>>? Rewound;

    /// <summary>
    /// Rewinds this chain alone to block <paramref name="number"/> (a single-chain node; the shared sequencer rewinds
    /// its set in one batch instead). Call under <see cref="WriteLock"/>.
    /// </summary>
    public ChainRewind RewindTo(ulong number)
    {
        ChainRewind rewind = Store.RewindTo(number);
        OnRewound(rewind);
        return rewind;
    }

    /// <summary>
    /// For a rewind a caller already committed through <see cref="Store"/>: drops the removed blocks from the cache,
    /// moves the head and re-reads the pool's accounts at the new head (transactions of users whose nonces went back
    /// wait as queued until the gap fills).
    /// </summary>
    public void OnRewound(ChainRewind rewind)
    {
        if (Store.Head?.Hash != rewind.NewHead.Hash) throw new InvalidOperationException("the rewind's head is not the store's head");
        var removed = new Hash256[rewind.Removed.Count];
        for (int i = 0; i < removed.Length; i++)
        {
            removed[i] = rewind.Removed[i].Hash;
            Forget(removed[i]);
        }
        BlockData head = Load(rewind.NewHead.Hash) ?? throw new InvalidOperationException("the rewound head block is missing");
        _head = head;
        Pool.OnNewHead(OpenStateReader(head.Header), FeeRules.NextBaseFee(head.Header), []);
        Rewound?.Invoke(head, removed);
    }
}
