using System.Globalization;
using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Settlement;

namespace Lockstep.Devnet.Explorer;

/// <summary>
/// One superbatch as the L1 inbox records it: its index and hash, the L1 transaction that submitted it, the
/// superblock range it covers (every rollup's block range is the same heights), when its challenge window ends, and
/// its finality: <c>pending</c> (window open), <c>final</c> (window over, no open flag pausing it) or <c>rejected</c>
/// (a fraud proof or an upheld flag truncated the chain at or before it).
/// </summary>
public sealed record ExplorerSuperbatch(ulong Index, string Hash, string L1TxHash, ulong L1Block, ulong FirstSuperblock, ulong LastSuperblock,
    ulong SubmittedAt, ulong WindowEnd, string Finality);

/// <summary>
/// A dispute on L1: <c>fraud-proof</c> (FraudProven: outbox and inbox roots differ), <c>rejected</c>
/// (SuperbatchesRejected), <c>flag</c> (StateRootFlagged) or <c>flag-resolved</c> (FlagResolved), with a readable detail.
/// </summary>
public sealed record ExplorerChallenge(string Kind, ulong Index, string Detail, string L1TxHash, ulong L1Block);

/// <summary>A slashed sequencer (SequencerSlashed): the superbatch it answered for, who proved it, the reward in wei.</summary>
public sealed record ExplorerSlashing(ulong Index, string Sequencer, string Challenger, string RewardWei, string L1TxHash, ulong L1Block);

/// <summary>The L1 panels of the explorer: where the set settles and what the inbox says (newest first).</summary>
public sealed record ExplorerL1(string Rpc, ulong ChainId, string Inbox, ulong ChallengeWindow, ulong L1Height, ulong L1Timestamp,
    IReadOnlyList<ExplorerSuperbatch> Superbatches, IReadOnlyList<ExplorerChallenge> Challenges, IReadOnlyList<ExplorerSlashing> Slashings, string? Error);

/// <summary>
/// Follows the L1 inbox's events (<c>eth_getLogs</c> from where it left off) and keeps the last <c>capacity</c>
/// superbatches, challenges and slashings for the explorer. Finality is computed as <c>L1SharedInbox.isFinalized</c>
/// does: window over at the L1 head's timestamp and, while flags are open, index below <c>pausedFrom</c>. Reads only
/// what is on L1, so it shows the same thing whoever posted.
/// </summary>
public sealed class L1Watcher(JsonRpcL1Client l1, ulong chainId, Address inbox, int capacity = 100) : IDisposable
{
    private static readonly Hash256 SlashedTopic = AbiValue.EventTopic("SequencerSlashed(uint256,address,address,uint256)");
    private static readonly Hash256 FlaggedTopic = AbiValue.EventTopic("StateRootFlagged(uint256,uint256,address,bytes32,bytes32)");
    private static readonly Hash256 ResolvedTopic = AbiValue.EventTopic("FlagResolved(uint256,uint256,bool)");

    /// <summary>Most L1 blocks one <c>eth_getLogs</c> covers.</summary>
    public const ulong MaxLogRange = 5_000;

    private readonly Lock _lock = new();
    private readonly List<Entry> _superbatches = new();
    private readonly List<ExplorerChallenge> _challenges = new();
    private readonly List<ExplorerSlashing> _slashings = new();
    private readonly Dictionary<ulong, ulong> _blockTimes = new();
    private readonly CancellationTokenSource _stop = new();
    private ulong _window;
    private ulong _next;
    private ulong _head, _headTime, _openFlags, _pausedFrom = ulong.MaxValue;
    private string? _error;
    private Task? _loop;

    private sealed class Entry(SuperbatchSubmittedEvent e, L1Log log, ulong submittedAt)
    {
        public SuperbatchSubmittedEvent Event { get; } = e;
        public L1Log Log { get; } = log;
        public ulong SubmittedAt { get; } = submittedAt;
        public bool Rejected { get; set; }
    }

    /// <summary>Polls every <paramref name="interval"/> in the background until disposed (errors are shown, then retried).</summary>
    public void Start(TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try { await PollOnceAsync(_stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
                catch (Exception e) when (e is L1Exception or AbiException or JsonException or InvalidOperationException or FormatException)
                {
                    lock (_lock) _error = e.Message;
                }
                try { await Task.Delay(interval, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        });
    }

    /// <summary>Reads the inbox's new events and the finality inputs once.</summary>
    public async Task PollOnceAsync(CancellationToken cancel = default)
    {
        if (_window == 0) _window = (ulong)await Word(AbiValue.EncodeCall("challengeWindow()"), cancel).ConfigureAwait(false);
        JsonElement block = await l1.RequestAsync("eth_getBlockByNumber", ["latest", false], cancel).ConfigureAwait(false);
        ulong head = Quantity(block.GetProperty("number")), headTime = Quantity(block.GetProperty("timestamp"));
        // At most MaxLogRange blocks per read (nodes cap eth_getLogs ranges; ours at 10,000): a restart on a long-lived
        // L1 catches up over several polls.
        ulong to = head >= _next && head - _next >= MaxLogRange ? _next + MaxLogRange - 1 : head;
        IReadOnlyList<L1Log> logs = to >= _next ? await l1.GetLogsAsync(inbox, _next, to, null, cancel).ConfigureAwait(false) : [];
        ulong openFlags = (ulong)await Word(AbiValue.EncodeCall("openFlags()"), cancel).ConfigureAwait(false);
        UInt256 paused = await Word(AbiValue.EncodeCall("pausedFrom()"), cancel).ConfigureAwait(false);
        var submitted = new List<(SuperbatchSubmittedEvent, L1Log, ulong)>();
        foreach (L1Log log in logs)
            if (SuperbatchSubmittedEvent.TryDecode(log.Topics, log.Data, out SuperbatchSubmittedEvent? e))
                submitted.Add((e!, log, await BlockTime(log.BlockNumber, cancel).ConfigureAwait(false)));
        lock (_lock)
        {
            int s = 0;
            foreach (L1Log log in logs)
            {
                if (log.Topics.Count == 0) continue;
                Hash256 topic = log.Topics[0];
                string tx = log.TransactionHash.ToString();
                if (topic == SuperbatchSubmittedEvent.Topic && s < submitted.Count)
                {
                    (SuperbatchSubmittedEvent e, L1Log l, ulong at) = submitted[s++];
                    Push(_superbatches, new Entry(e, l, at));
                }
                else if (SuperbatchesRejectedEvent.TryDecode(log.Topics, log.Data, out SuperbatchesRejectedEvent? r))
                {
                    foreach (Entry entry in _superbatches)
                        if (entry.Event.Index >= r!.FromIndex && entry.Event.Index < r.ToIndexExclusive) entry.Rejected = true;
                    Push(_challenges, new ExplorerChallenge("rejected", r!.FromIndex, $"superbatches {r.FromIndex}..{r.ToIndexExclusive - 1} rejected (challenger {r.Challenger})", tx, log.BlockNumber));
                }
                else if (FraudProvenEvent.TryDecode(log.Topics, log.Data, out FraudProvenEvent? f))
                    Push(_challenges, new ExplorerChallenge("fraud-proof", f!.Index,
                        $"outboxRoot({f.ChainY}) on {f.ChainX} = {f.OutboxRoot} but inboxRoot({f.ChainX}) on {f.ChainY} = {f.InboxRoot} (challenger {f.Challenger})", tx, log.BlockNumber));
                else if (topic == SlashedTopic && log.Topics.Count == 4)
                    Push(_slashings, new ExplorerSlashing(TopicNumber(log.Topics[1]), TopicAddress(log.Topics[2]), TopicAddress(log.Topics[3]),
                        new AbiReader(log.Data).Word(0).ToString(), tx, log.BlockNumber));
                else if (topic == FlaggedTopic && log.Topics.Count == 4)
                {
                    var d = new AbiReader(log.Data);
                    Push(_challenges, new ExplorerChallenge("flag", TopicNumber(log.Topics[1]),
                        $"state root of chain {TopicNumber(log.Topics[2])} flagged by {TopicAddress(log.Topics[3])}: claimed {d.Hash(0)}, expected {d.Hash(32)}", tx, log.BlockNumber));
                }
                else if (topic == ResolvedTopic && log.Topics.Count == 3)
                    Push(_challenges, new ExplorerChallenge("flag-resolved", TopicNumber(log.Topics[1]),
                        $"flag on chain {TopicNumber(log.Topics[2])} {(new AbiReader(log.Data).Bool(0) ? "upheld" : "dismissed")}", tx, log.BlockNumber));
            }
            _next = Math.Max(_next, to + 1);
            _head = head;
            _headTime = headTime;
            _openFlags = openFlags;
            _pausedFrom = paused.FitsInUlong ? (ulong)paused : ulong.MaxValue;
            _error = null;
        }
    }

    /// <summary>What the explorer shows, newest first.</summary>
    public ExplorerL1 Snapshot(string rpc)
    {
        lock (_lock)
        {
            var superbatches = new ExplorerSuperbatch[_superbatches.Count];
            for (int i = 0; i < superbatches.Length; i++)
            {
                Entry e = _superbatches[_superbatches.Count - 1 - i];
                ulong end = e.SubmittedAt + _window;
                // L1SharedInbox.isFinalized: live, window over, and not paused by an open flag.
                string finality = e.Rejected ? "rejected"
                    : _headTime >= end && (_openFlags == 0 || e.Event.Index < _pausedFrom) ? "final"
                    : "pending";
                RollupCommitment first = e.Event.Rollups[0];
                superbatches[i] = new ExplorerSuperbatch(e.Event.Index, e.Event.SuperbatchHash.ToString(), e.Log.TransactionHash.ToString(), e.Log.BlockNumber,
                    first.FirstBlock, first.LastBlock, e.SubmittedAt, end, finality);
            }
            return new ExplorerL1(rpc, chainId, inbox.ToString(), _window, _head, _headTime, superbatches, Newest(_challenges), Newest(_slashings), _error);
        }
    }

    private void Push<T>(List<T> list, T item)
    {
        list.Add(item);
        if (list.Count > capacity) list.RemoveAt(0);
    }

    private static T[] Newest<T>(List<T> list)
    {
        T[] items = [.. list];
        Array.Reverse(items);
        return items;
    }

    private async Task<UInt256> Word(byte[] call, CancellationToken cancel)
    {
        byte[] r = await l1.CallAsync(inbox, call, null, cancel).ConfigureAwait(false);
        return new AbiReader(r).Word(0);
    }

    private async Task<ulong> BlockTime(ulong number, CancellationToken cancel)
    {
        if (_blockTimes.TryGetValue(number, out ulong t)) return t;
        JsonElement b = await l1.RequestAsync("eth_getBlockByNumber", ["0x" + number.ToString("x", CultureInfo.InvariantCulture), false], cancel).ConfigureAwait(false);
        t = Quantity(b.GetProperty("timestamp"));
        if (_blockTimes.Count > 4 * capacity) _blockTimes.Clear();
        _blockTimes[number] = t;
        return t;
    }

    private static ulong Quantity(JsonElement e) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static ulong TopicNumber(Hash256 topic)
    {
        UInt256 v = topic.ToUInt256();
        return v.FitsInUlong ? (ulong)v : throw new AbiException("topic exceeds uint64");
    }

    private static string TopicAddress(Hash256 topic) => Address.FromUInt256(topic.ToUInt256()).ToString();

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
