using Lockstep.Sequencer;

namespace Lockstep.Devnet.Explorer;

/// <summary>A rollup as the explorer names it.</summary>
public sealed record ExplorerRollup(string Name, ulong ChainId, string Rpc);

/// <summary>One rollup's block of a superblock: number, hash, user and system (delivery) transaction counts.</summary>
public sealed record ExplorerBlock(ulong ChainId, ulong Number, string Hash, int TxCount, int UserTxCount, int SystemTxCount);

/// <summary>One superblock: its height, timestamp, build time and one block per rollup (set order).</summary>
public sealed record ExplorerSuperblock(ulong Height, ulong Timestamp, double BuildMilliseconds, IReadOnlyList<ExplorerBlock> Blocks);

/// <summary>One transaction of a bundle: the user transaction (depth 0) or a delivery it caused.</summary>
public sealed record ExplorerLeg(ulong ChainId, string TxHash, int Depth, ulong? SourceChainId, ulong? MessageNonce);

/// <summary>
/// A user transaction worth showing: a cross-rollup bundle that was included (more than one leg), or one that was
/// rejected (a leg failed; <see cref="Reason"/> and <see cref="FailedLeg"/> say which and why) or invalid.
/// </summary>
public sealed record ExplorerBundle(string TxHash, string Status, ulong ChainId, ulong Superblock, string? Reason, ExplorerLeg? FailedLeg, IReadOnlyList<ExplorerLeg> Legs);

/// <summary>What <c>GET /api/state</c> answers: the set, the latest superblocks, bundles and rejections (newest first).</summary>
public sealed record ExplorerState(
    IReadOnlyList<ExplorerRollup> Rollups,
    ulong Height,
    long SuperblocksSeen,
    IReadOnlyList<ExplorerSuperblock> Superblocks,
    IReadOnlyList<ExplorerBundle> Bundles,
    IReadOnlyList<ExplorerBundle> Rejected)
{
    /// <summary>The L1 panels (superbatches, challenges, slashings); null when the devnet runs without an L1.</summary>
    public ExplorerL1? L1 { get; init; }

    /// <summary>The verifier's verdicts, newest first (empty until a verifier reports through <see cref="ExplorerFeed.AddVerdict"/>).</summary>
    public IReadOnlyList<ExplorerVerdict> Verdicts { get; init; } = [];
}

/// <summary>A verifier's verdict on one rollup's part of a superbatch: <c>Verdict</c> is e.g. <c>valid</c> or <c>invalid</c>.</summary>
public sealed record ExplorerVerdict(ulong SuperbatchIndex, ulong ChainId, string Verdict, string? Detail, ulong Timestamp);

/// <summary>
/// The last <see cref="Capacity"/> superblocks, cross-rollup bundles and rejected bundles, kept in memory from
/// <see cref="SharedSequencer.SuperblockSealed"/> (the explorer's source; nothing is read back from the store, so a
/// restarted devnet shows what it seals from then on); a recovery's rewind drops the rejected ones (<see cref="Rewind"/>).
/// </summary>
public sealed class ExplorerFeed(int capacity = 100)
{
    private readonly Lock _lock = new();
    private readonly Queue<ExplorerSuperblock> _superblocks = new();
    private readonly Queue<ExplorerBundle> _bundles = new();
    private readonly Queue<ExplorerBundle> _rejected = new();
    private readonly Queue<ExplorerVerdict> _verdicts = new();
    private long _seen;

    /// <summary>How many of each kind are kept.</summary>
    public int Capacity => capacity;

    /// <summary>Records a sealed superblock (called on the sequencer thread: only summaries are copied).</summary>
    public void Add(Superblock sb, TimeSpan buildTime)
    {
        var blocks = new ExplorerBlock[sb.Blocks.Count];
        for (int i = 0; i < blocks.Length; i++)
        {
            RollupBlock b = sb.Blocks[i];
            var txs = b.Built.Block.Transactions;
            int system = 0;
            for (int k = 0; k < txs.Count; k++)
                if (txs[k].Type == Lockstep.Transactions.TxType.System) system++;
            blocks[i] = new ExplorerBlock(b.ChainId, b.Built.Block.Number, b.Built.Block.Hash.ToString(), txs.Count, txs.Count - system, system);
        }
        var summary = new ExplorerSuperblock(sb.Height, sb.Timestamp, buildTime.TotalMilliseconds, blocks);
        lock (_lock)
        {
            _seen++;
            Push(_superblocks, summary);
            foreach (BundleReport r in sb.Bundles)
            {
                if (r.Outcome == BundleOutcome.Included && r.Legs.Count > 1) Push(_bundles, ToBundle(r, sb.Height));
                else if (r.Outcome is BundleOutcome.Rejected or BundleOutcome.Invalid) Push(_rejected, ToBundle(r, sb.Height));
            }
        }
    }

    /// <summary>
    /// The set was rewound to superblock <paramref name="height"/> after L1 rejected what came later
    /// (<see cref="SharedSequencer.Rewound"/>): the rejected superblocks and their bundles go (the rebuilt ones arrive
    /// through <see cref="Add"/>); verdicts stay, they are the history of the dispute.
    /// </summary>
    public void Rewind(ulong height)
    {
        lock (_lock)
        {
            Keep(_superblocks, s => s.Height <= height);
            Keep(_bundles, b => b.Superblock <= height);
            Keep(_rejected, b => b.Superblock <= height);
        }
    }

    private static void Keep<T>(Queue<T> q, Func<T, bool> keep)
    {
        int n = q.Count;
        for (int i = 0; i < n; i++)
        {
            T item = q.Dequeue();
            if (keep(item)) q.Enqueue(item);
        }
    }

    /// <summary>The verifier's hook: records a verdict for the explorer's verdict panel.</summary>
    public void AddVerdict(ExplorerVerdict verdict)
    {
        lock (_lock) Push(_verdicts, verdict);
    }

    /// <summary>A snapshot, newest first.</summary>
    public ExplorerState Snapshot(IReadOnlyList<ExplorerRollup> rollups, ulong height)
    {
        lock (_lock)
            return new ExplorerState(rollups, height, _seen, Newest(_superblocks), Newest(_bundles), Newest(_rejected)) { Verdicts = Newest(_verdicts) };
    }

    private void Push<T>(Queue<T> q, T item)
    {
        q.Enqueue(item);
        while (q.Count > capacity) q.Dequeue();
    }

    private static T[] Newest<T>(Queue<T> q)
    {
        T[] items = q.ToArray();
        Array.Reverse(items);
        return items;
    }

    private static ExplorerBundle ToBundle(BundleReport r, ulong height)
    {
        var legs = new ExplorerLeg[r.Legs.Count];
        for (int i = 0; i < legs.Length; i++) legs[i] = ToLeg(r.Legs[i]);
        string status = r.Outcome switch
        {
            BundleOutcome.Included => "included",
            BundleOutcome.Rejected => "rejected",
            BundleOutcome.Invalid => "invalid",
            _ => "included-reverted",
        };
        return new ExplorerBundle(r.TxHash.ToString(), status, r.ChainId, height, r.Reason, r.FailedLeg is BundleLeg f ? ToLeg(f) : null, legs);
    }

    private static ExplorerLeg ToLeg(BundleLeg l) =>
        new(l.ChainId, l.TxHash.ToString(), l.Depth, l.Depth == 0 ? null : l.SourceChainId, l.Depth == 0 ? null : l.MessageNonce);
}
