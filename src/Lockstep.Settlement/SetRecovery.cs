using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;

namespace Lockstep.Settlement;

/// <summary>
/// The sequencer side of recovery after a proven fraud (issue 6, docs/recovery.md): watches the inbox for
/// <c>SuperbatchesRejected(from, to)</c> and rewinds the shared sequencer to the last superblock of superbatch
/// <c>from - 1</c> (the last good one: L1 keeps it), rebuilding the rejected heights honestly
/// (<see cref="SharedSequencer.RecoverTo"/>). Everything above the last good superbatch goes, sealed-but-unposted
/// superblocks included: they were built on the bad state. Also copies L1 finality into the chains
/// (<see cref="SharedSequencer.MarkFinalized"/>), so a rewind below a finalized superbatch is refused.
/// Run it before the poster's next round: the poster then reconciles to the inbox tip and posts the rebuilt
/// superblocks from index <c>from</c> with the last good superbatch as parent.
/// </summary>
public sealed class SetRecovery
{
    private static readonly byte[] CursorKey = "recovery/cursor"u8.ToArray();
    private readonly IL1Client _l1;
    private readonly Address _inbox;
    private readonly SharedSequencer _set;
    private readonly IKeyValueStore _db;
    private readonly ulong _maxLogRange;

    /// <summary>
    /// Watches <paramref name="inbox"/> through <paramref name="l1"/> for <paramref name="set"/>; its cursor (L1 blocks
    /// scanned, rejections handled) is kept in <paramref name="db"/> (the sequencer's store is fine: its own key).
    /// Scanning starts at L1 block <paramref name="fromL1Block"/> (the inbox's deployment).
    /// </summary>
    public SetRecovery(IL1Client l1, Address inbox, SharedSequencer set, IKeyValueStore db, ulong fromL1Block = 0, ulong maxLogRange = 5_000)
    {
        _l1 = l1;
        _inbox = inbox;
        _set = set;
        _db = db;
        _maxLogRange = Math.Max(1, maxLogRange);
        byte[]? v = db.Get(CursorKey);
        NextL1Block = v is null ? fromL1Block : BinaryPrimitives.ReadUInt64BigEndian(v);
    }

    /// <summary>The next L1 block to scan for rejections.</summary>
    public ulong NextL1Block { get; private set; }

    /// <summary>Raised after each recovery, with what was rebuilt and dropped.</summary>
    public event Action<RecoveryReport>? Recovered;

    /// <summary>
    /// Scans new L1 blocks for rejections; when there is one, recovers the set to the last good superbatch and returns
    /// the report (null: nothing was rejected). The cursor moves only after the recovery is done, so a crash in between
    /// scans the same rejection again (the rewind then finds the rebuilt heights, unposted, and rebuilds them the same way).
    /// </summary>
    public async Task<RecoveryReport?> CheckAsync(CancellationToken cancel = default)
    {
        if (_set.PendingRecovery.Count > 0)
        {
            RecoveryReport resumed = _set.ResumeRecovery(); // a crash between the rewind and the rebuild
            Recovered?.Invoke(resumed);
        }
        ulong head = await _l1.GetBlockNumberAsync(cancel).ConfigureAwait(false);
        if (head < NextL1Block) return null;
        ulong? lowestFrom = null;
        for (ulong from = NextL1Block; from <= head; from += _maxLogRange)
        {
            ulong to = Math.Min(head, from + _maxLogRange - 1);
            foreach (L1Log log in await _l1.GetLogsAsync(_inbox, from, to, SuperbatchesRejectedEvent.Topic, cancel).ConfigureAwait(false))
                if (SuperbatchesRejectedEvent.TryDecode(log.Topics, log.Data, out SuperbatchesRejectedEvent? e) && (lowestFrom is null || e!.FromIndex < lowestFrom))
                    lowestFrom = e!.FromIndex;
        }
        RecoveryReport? report = null;
        if (lowestFrom is { } index)
        {
            // Superbatch index-1 was live when index was rejected, and every later rejection starts at or above index.
            ulong lastGood = index == 0 ? 0 : await LastBlockOfAsync(index - 1, cancel).ConfigureAwait(false);
            if (_set.Height > lastGood)
            {
                report = _set.RecoverTo(lastGood);
                Recovered?.Invoke(report);
            }
        }
        SaveCursor(head + 1);
        return report;
    }

    /// <summary>
    /// Marks the superblocks of the highest finalized superbatch final in the set (binary search over the live
    /// superbatches: finality goes in index order). Returns the finalized height (0: none).
    /// </summary>
    public async Task<ulong> SyncFinalityAsync(CancellationToken cancel = default)
    {
        ulong count = Word(await _l1.CallAsync(_inbox, SharedInbox.SuperbatchCount(), null, cancel).ConfigureAwait(false));
        ulong lo = 0, hi = count; // the answer: the number of finalized superbatches, in [lo, hi]
        while (lo < hi)
        {
            ulong mid = lo + (hi - lo) / 2;
            bool final = Word(await _l1.CallAsync(_inbox, SharedInbox.IsFinalized(mid), null, cancel).ConfigureAwait(false)) != 0;
            if (final) lo = mid + 1; else hi = mid;
        }
        if (lo == 0) return 0;
        ulong height = await LastBlockOfAsync(lo - 1, cancel).ConfigureAwait(false);
        if (height <= _set.Height) _set.MarkFinalized(height);
        return height;
    }

    private async Task<ulong> LastBlockOfAsync(ulong index, CancellationToken cancel) =>
        Word(await _l1.CallAsync(_inbox, SharedInbox.LastBlockOf(index, _set.Chains[0].ChainId), null, cancel).ConfigureAwait(false));

    private void SaveCursor(ulong next)
    {
        var v = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, next);
        _db.Put(CursorKey, v);
        NextL1Block = next;
    }

    private static ulong Word(byte[] output) =>
        output.Length == 32 ? BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24)) : throw new L1Exception("unexpected call output length " + output.Length);
}
