using System.Buffers.Binary;
using Lockstep.Chain;
using Lockstep.Crypto;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Settlement;

/// <summary>Settings of a <see cref="BatchPoster"/>.</summary>
public sealed class BatchPosterOptions
{
    /// <summary>The L1SharedInbox.</summary>
    public required Address Inbox { get; init; }

    /// <summary>The bonded sequencer's private key (32 bytes): signs the type-2 submit transactions.</summary>
    public required byte[] SequencerKey { get; init; }

    /// <summary>At most this many superblocks per superbatch (64).</summary>
    public int MaxSuperblocksPerBatch { get; init; } = 64;

    /// <summary>
    /// At most this many bytes of calldata per submit transaction (120,000): geth-style pools, anvil and our own
    /// refuse transactions above 128 KiB, so a superbatch that would exceed it covers fewer superblocks instead.
    /// </summary>
    public int MaxCalldataBytes { get; init; } = 120_000;

    /// <summary>Post as soon as this many superblocks wait (1: every superblock as soon as it is sealed).</summary>
    public int MinSuperblocksPerBatch { get; init; } = 1;

    /// <summary>Post a smaller superbatch anyway once its oldest superblock has waited this long (10 s).</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Background loop period (500 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A sent transaction without a receipt for this long is replaced with higher fees (30 s).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up waiting for one superbatch after this long (the loop then starts over from the L1 tip) (5 min).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Confirmations a submit needs before its superbatch counts as posted (1: the block of its receipt; K: that
    /// block and K-1 on top of it). Until then the poster watches the receipt and keeps the in-flight record; if an L1
    /// reorg drops the submit it sends the same signed bytes again (then a fee-bumped replacement at the same nonce),
    /// so the superbatch lands once. The next superbatch is sent only after this one is confirmed (nonce order). With
    /// K &gt; 1 the L1 must keep producing blocks (anvil: <c>--block-time</c>; its automine only mines on a transaction).
    /// </summary>
    public int Confirmations { get; init; } = 1;

    /// <summary>Tests and devnets only: forged claimed roots armed in this <see cref="FaultInjector"/> (issue 6); null posts the real roots.</summary>
    public FaultInjector? Faults { get; init; }

    /// <summary>
    /// Run by the background loop before each round (devnets: recover after a proven fraud and pick the leader's key,
    /// <c>Devnet.Recovery.cs</c>); an exception skips the round and is reported through <see cref="BatchPoster.Failed"/>.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeRound { get; init; }
}

/// <summary>One superbatch the poster landed on L1.</summary>
/// <param name="Index">Superbatch index on the inbox.</param>
/// <param name="Hash">Its hash (the next one's parent).</param>
/// <param name="FirstHeight">First superblock (= every rollup's first block) of the range.</param>
/// <param name="LastHeight">Last superblock of the range.</param>
/// <param name="Receipt">The receipt of the one L1 transaction that carried it.</param>
/// <param name="CalldataBytes">Size of the submit calldata.</param>
/// <param name="UserTransactions">User transactions carried, over every rollup.</param>
public sealed record PostedSuperbatch(ulong Index, Hash256 Hash, ulong FirstHeight, ulong LastHeight, L1Receipt Receipt, int CalldataBytes, int UserTransactions);

/// <summary>The poster's persisted view of the inbox tip: next index, tip hash, last superblock covered.</summary>
public readonly record struct PosterProgress(ulong NextIndex, Hash256 TipHash, ulong LastHeight, ulong DepositCount);

/// <summary>An L1 reorg took a submit of the poster out of the canonical chain before it was confirmed.</summary>
/// <param name="Index">The superbatch the submit carried (it is sent again).</param>
/// <param name="TransactionHash">The submit that was included and then dropped.</param>
/// <param name="LostBlock">The L1 block that had included it.</param>
public sealed record L1Reorg(ulong Index, Hash256 TransactionHash, ulong LostBlock);

/// <summary>
/// Posts the shared sequencer's superblocks to L1SharedInbox: groups consecutive superblocks into a superbatch and
/// sends ONE type-2 <c>submit</c> transaction per superbatch (issue 5; the seed's "all rollups' batches and claimed
/// state roots in the same transaction"). The inbox is the source of truth: before every superbatch the poster reads
/// <c>superbatchCount()</c>/<c>tipHash()</c>, adopts superbatches it finds there that it had not recorded (a crash
/// after sending), and builds the next one from the inbox tip, so it never posts a superblock twice nor skips one
/// (the inbox also refuses a wrong index or parent). Progress and the in-flight transaction are persisted, so a
/// restart resumes with the same nonce and fee floor. L1 errors are retried; a transaction without a receipt after
/// <see cref="BatchPosterOptions.StuckAfter"/> is replaced at the same nonce with fees raised by 25%.
/// </summary>
public sealed class BatchPoster : IDisposable
{
    private static readonly byte[] ProgressKey = "settlement/progress"u8.ToArray();
    private static readonly byte[] PendingKey = "settlement/pending"u8.ToArray();

    private readonly IL1Client _l1;
    private readonly SuperblockStore _superblocks;
    private readonly IKeyValueStore _db;
    private readonly BatchPosterOptions _options;
    private Address _sender;
    private byte[] _key;
    private FaultInjector? _faults;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ulong? _l1ChainId;
    private Task? _loop;
    private DateTime? _waitingSince;

    /// <summary>
    /// A poster of <paramref name="superblocks"/> (the sequencer's persisted index and chains) to the inbox through
    /// <paramref name="l1"/>; its progress lives in <paramref name="db"/> (the sequencer's store is fine: its own keys).
    /// </summary>
    public BatchPoster(IL1Client l1, SuperblockStore superblocks, IKeyValueStore db, BatchPosterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SequencerKey is not { Length: 32 }) throw new ArgumentException("the sequencer key is 32 bytes", nameof(options));
        if (options.MaxSuperblocksPerBatch < 1 || options.MinSuperblocksPerBatch < 1) throw new ArgumentException("batch limits must be at least 1", nameof(options));
        if (options.Confirmations < 1) throw new ArgumentException("Confirmations must be at least 1 (the receipt's own block)", nameof(options));
        if (options.MaxCalldataBytes < 1024) throw new ArgumentException("MaxCalldataBytes must be at least 1024", nameof(options));
        _l1 = l1;
        _superblocks = superblocks;
        _db = db;
        _options = options;
        _key = options.SequencerKey;
        _faults = options.Faults;
        _sender = Ecdsa.PrivateKeyToAddress(options.SequencerKey);
        Progress = ReadProgress();
    }

    /// <summary>
    /// Posts from now on with <paramref name="sequencerKey"/> (another bonded sequencer: the L1 leader changed, e.g. after
    /// the slashing of this one, docs/recovery.md), and with <paramref name="disarmFaults"/> the real roots. Waits for a
    /// round in progress; the in-flight record of the old key is dropped (its nonce is not the new key's).
    /// </summary>
    public async Task UseSequencerKeyAsync(byte[] sequencerKey, bool disarmFaults = false, CancellationToken cancel = default)
    {
        if (sequencerKey is not { Length: 32 }) throw new ArgumentException("the sequencer key is 32 bytes", nameof(sequencerKey));
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (disarmFaults) _faults = null;
            Address sender = Ecdsa.PrivateKeyToAddress(sequencerKey);
            if (sender == _sender) return;
            _db.Delete(PendingKey);
            _key = sequencerKey;
            _sender = sender;
            _waitingSince = null;
        }
        finally { _gate.Release(); }
    }

    /// <summary>The sequencer's L1 address (the one that must be bonded and leader).</summary>
    public Address Sender => _sender;

    /// <summary>Persisted progress (the inbox tip as last seen or posted).</summary>
    public PosterProgress Progress { get; private set; }

    /// <summary>Raised after each superbatch lands.</summary>
    public event Action<PostedSuperbatch>? Posted;

    /// <summary>Raised when an L1 reorg drops a submit that was waiting for its confirmations (the poster sends it again).</summary>
    public event Action<L1Reorg>? Reorged;

    /// <summary>Raised when a round fails (L1 unreachable, revert, not leader, ...); the loop retries.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Starts the background loop: every poll interval, post what is due.</summary>
    public void Start()
    {
        _loop ??= PollLoop.Start(async stop =>
        {
            if (_options.BeforeRound is { } before) await before(stop).ConfigureAwait(false);
            while (await PostNextAsync(force: false, stop).ConfigureAwait(false) is not null) { }
        }, _options.PollInterval, e => Failed?.Invoke(e), _stop.Token);
    }

    /// <summary>
    /// Reads the inbox tip and adopts it: superbatches on L1 that this poster had not recorded are checked against
    /// the rollups' own roots (a mismatch throws: L1 holds another history) and recorded; an L1 behind the record
    /// (rejected superbatches, a reset L1) moves the record back so the range is posted again.
    /// </summary>
    public async Task<PosterProgress> ReconcileAsync(CancellationToken cancel = default)
    {
        ulong count = Word(await _l1.CallAsync(_options.Inbox, SharedInbox.SuperbatchCount(), null, cancel).ConfigureAwait(false));
        PosterProgress p = Progress;
        if (count == p.NextIndex && (count == 0 || await TipHashAsync(cancel).ConfigureAwait(false) == p.TipHash)) return p;
        if (count == 0)
        {
            p = new PosterProgress(0, Hash256.Zero, 0, 0);
        }
        else
        {
            ulong last = count - 1;
            SuperbatchRecord record = SharedInbox.DecodeSuperbatch(await _l1.CallAsync(_options.Inbox, SharedInbox.Superbatch(last), null, cancel).ConfigureAwait(false));
            IReadOnlyList<ulong> ids = _superblocks.ChainIds;
            ulong lastHeight = Word(await _l1.CallAsync(_options.Inbox, SharedInbox.LastBlockOf(last, ids[0]), null, cancel).ConfigureAwait(false));
            foreach (ulong id in ids)
            {
                Hash256 onL1 = new(await _l1.CallAsync(_options.Inbox, SharedInbox.StateRootOf(last, id), null, cancel).ConfigureAwait(false));
                Block? ours = _superblocks.Chain(id).GetBlock(lastHeight);
                if (ours is null || ours.Header.StateRoot != onL1)
                    throw new InvalidOperationException($"superbatch {last} on L1 claims root {onL1} for rollup {id} at block {lastHeight}, ours is {ours?.Header.StateRoot.ToString() ?? "missing"}: L1 follows another history");
            }
            p = new PosterProgress(count, record.Hash, lastHeight, record.DepositCount);
        }
        SaveProgress(p);
        return p;
    }

    /// <summary>
    /// Posts the next superbatch if one is due (<paramref name="force"/>: whatever is sealed, ignoring the batching
    /// limits) and waits for its receipt. Null when nothing was due. Throws <see cref="L1Exception"/> on L1 failures
    /// (nothing is lost: the next call starts from the inbox tip again).
    /// </summary>
    public async Task<PostedSuperbatch?> PostNextAsync(bool force = true, CancellationToken cancel = default)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            PosterProgress p = await ReconcileAsync(cancel).ConfigureAwait(false);
            if (ReadPending() is { } landed && landed.Index < p.NextIndex && _options.Confirmations > 1)
            {
                // Our submit for an adopted superbatch landed before a restart and its record is kept until it is
                // confirmed: wait for that first (a reorg that dropped it shows as a lower count on the next reconcile).
                await AwaitConfirmationsAsync([.. landed.Hashes], cancel).ConfigureAwait(false);
                ClearPending(p.NextIndex);
                p = await ReconcileAsync(cancel).ConfigureAwait(false);
            }
            ulong sealedHeight = _superblocks.Height ?? 0;
            if (sealedHeight <= p.LastHeight) { _waitingSince = null; ClearPending(p.NextIndex); return null; }
            ulong available = sealedHeight - p.LastHeight;
            if (!force && available < (ulong)_options.MinSuperblocksPerBatch)
            {
                _waitingSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - _waitingSince < _options.MaxBatchDelay) return null;
            }
            ulong first = p.LastHeight + 1;
            ulong last = Math.Min(sealedHeight, p.LastHeight + (ulong)_options.MaxSuperblocksPerBatch);
            var chains = new List<ChainStore>();
            foreach (ulong id in _superblocks.ChainIds) chains.Add(_superblocks.Chain(id));
            // depositCount = one past the last L1 deposit the range executed: the inbox commits to that queue position.
            SuperbatchSubmission submission;
            byte[] calldata;
            while (true)
            {
                submission = BatchEncoding.BuildSubmission(p.NextIndex, p.TipHash, DepositDeriver.CountThrough(chains, first, last, p.DepositCount), chains, first, last, _faults, _superblocks.ChainIds);
                calldata = submission.EncodeCalldata();
                if (calldata.Length <= _options.MaxCalldataBytes) break;
                cancel.ThrowIfCancellationRequested();
                // Too big for one L1 transaction: halve the range (the rest goes in the next superbatch). One
                // superblock that alone exceeds the cap cannot be split; say so instead of retrying it forever.
                if (last == first)
                    throw new L1Exception($"superblock {first} alone encodes to {calldata.Length} bytes of calldata, above the {_options.MaxCalldataBytes}-byte limit per L1 transaction");
                last = first + (last - first) / 2;
            }
            L1Receipt receipt = await SendAndConfirmAsync(p.NextIndex, calldata, cancel).ConfigureAwait(false);
            if (!receipt.Succeeded)
            {
                ClearPending(p.NextIndex);
                throw new L1Exception($"superbatch {p.NextIndex} reverted on L1 (tx {receipt.TransactionHash})");
            }
            Hash256 hash = submission.ComputeHash(_superblocks.ChainIds, Hash256.Zero);
            ulong depositCount = submission.DepositCount;
            foreach (L1Log log in receipt.Logs)
                if (log.Address == _options.Inbox && SuperbatchSubmittedEvent.TryDecode(log.Topics, log.Data, out SuperbatchSubmittedEvent? e))
                {
                    // The receipt may be an earlier transaction at the same nonce (sent before a restart, with a
                    // shorter range than the replacement built now): what landed is what its event says.
                    hash = e!.SuperbatchHash;
                    depositCount = e.DepositCount;
                    if (e.Rollups.Count > 0) last = e.Rollups[0].LastBlock;
                }
            var next = new PosterProgress(p.NextIndex + 1, hash, last, depositCount);
            SaveProgress(next);
            ClearPending(next.NextIndex);
            _waitingSince = null;
            int userTxs = 0;
            foreach (ChainStore c in chains)
                for (ulong h = first; h <= last; h++)
                    foreach (Transaction tx in c.GetBlock(h)!.Transactions) if (tx.Type != TxType.System) userTxs++;
            var posted = new PostedSuperbatch(p.NextIndex, hash, first, last, receipt, calldata.Length, userTxs);
            Posted?.Invoke(posted);
            return posted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends superbatch <paramref name="index"/> and waits until its receipt is <see cref="BatchPosterOptions.Confirmations"/>
    /// deep. A reorg that drops it before then sends the same signed bytes again (same nonce, same hash: it can only
    /// land once), and a fee-bumped replacement at that nonce if they do not land within <c>StuckAfter</c>. If the
    /// reorg gave that nonce to another transaction, the pre-flight or the send fails and the next round starts from
    /// the inbox again (the dropped submit can no longer land: its nonce is used).
    /// </summary>
    private async Task<L1Receipt> SendAndConfirmAsync(ulong index, byte[] calldata, CancellationToken cancel)
    {
        byte[]? again = null;
        while (true)
        {
            (L1Receipt included, List<Hash256> hashes, byte[]? raw) = await SendUntilIncludedAsync(index, calldata, again, cancel).ConfigureAwait(false);
            if (!included.Succeeded) return included;
            L1Receipt? confirmed = await AwaitConfirmationsAsync(hashes, cancel).ConfigureAwait(false);
            if (confirmed is not null) return confirmed;
            Reorged?.Invoke(new L1Reorg(index, included.TransactionHash, included.BlockNumber));
            again = raw;
        }
    }

    /// <summary>
    /// Polls until one of <paramref name="hashes"/> has a receipt at least <see cref="BatchPosterOptions.Confirmations"/>
    /// deep (counting its own block) and returns it, re-reading the receipt every time (a reorg may move it to another
    /// block: the count restarts there); null when none of them has a receipt any more (dropped by a reorg).
    /// </summary>
    private async Task<L1Receipt?> AwaitConfirmationsAsync(List<Hash256> hashes, CancellationToken cancel)
    {
        ulong needed = (ulong)_options.Confirmations;
        while (true)
        {
            L1Receipt? now = await FirstReceiptAsync(hashes, cancel).ConfigureAwait(false);
            if (now is null) return null;
            ulong head = await _l1.GetBlockNumberAsync(cancel).ConfigureAwait(false);
            if (head >= now.BlockNumber && head - now.BlockNumber + 1 >= needed) return now;
            await Task.Delay(_options.PollInterval, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends superbatch <paramref name="index"/> (or, after a reorg, <paramref name="resend"/>: the same signed bytes
    /// again) and waits for a receipt of any of its attempts: the receipt, every attempt's hash, the last bytes sent.
    /// </summary>
    private async Task<(L1Receipt Receipt, List<Hash256> Hashes, byte[]? Raw)> SendUntilIncludedAsync(ulong index, byte[] calldata, byte[]? resend, CancellationToken cancel)
    {
        _l1ChainId ??= await _l1.GetChainIdAsync(cancel).ConfigureAwait(false);
        ulong nonce = await _l1.GetNonceAsync(_sender, "latest", cancel).ConfigureAwait(false);
        Pending? pending = ReadPending();
        var hashes = new List<Hash256>();
        UInt256 floorTip = UInt256.Zero, floorFee = UInt256.Zero;
        if (pending is { } pd && pd.Index == index && pd.Nonce == nonce)
        {
            // A transaction of ours for this superbatch may still be in the L1 mempool (crash while pending): reuse its
            // nonce, watch its hashes, and replace it only with higher fees (nodes refuse an equal-fee replacement).
            hashes.AddRange(pd.Hashes);
            floorTip = pd.Tip; floorFee = pd.MaxFee;
            L1Receipt? early = await FirstReceiptAsync(hashes, cancel).ConfigureAwait(false);
            if (early is not null) return (early, hashes, null);
        }
        else
        {
            resend = null; // the nonce moved on: the bytes sent at the old nonce can never land again
            if (pending is { } moved && moved.Index == index)
            {
                // ...because one of them did (a reorg moved it, or a restart found it mined): its receipt is the answer.
                L1Receipt? mined = await FirstReceiptAsync([.. moved.Hashes], cancel).ConfigureAwait(false);
                if (mined is not null) return (mined, [.. moved.Hashes], null);
            }
        }
        // estimateGas doubles as the pre-flight check: NotLeader, WrongIndex, ... surface here and nothing is sent.
        ulong gas;
        try
        {
            gas = await _l1.EstimateGasAsync(_sender, _options.Inbox, calldata, cancel).ConfigureAwait(false);
        }
        catch (L1Exception) when (hashes.Count > 0)
        {
            // Our earlier transaction for this superbatch may have landed between the receipt check above and this
            // pre-flight (which then fails with WrongIndex): that receipt is the answer, not an error.
            L1Receipt? landed = await FirstReceiptAsync(hashes, cancel).ConfigureAwait(false);
            if (landed is not null) return (landed, hashes, null);
            throw;
        }
        ulong gasLimit = gas + gas / 4 + 20_000;
        DateTime start = DateTime.UtcNow;
        byte[]? raw = null;
        while (true)
        {
            if (resend is not null)
            {
                // After a reorg dropped our included submit: the very same transaction first (the node may even still
                // know it); "already known" and the like are fine, the receipt decides.
                raw = resend;
                resend = null;
                try { await _l1.SendRawTransactionAsync(raw, cancel).ConfigureAwait(false); }
                catch (L1Exception e) when (!e.Message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase)) { }
                catch (L1Exception)
                {
                    L1Receipt? mined = await FirstReceiptAsync(hashes, cancel).ConfigureAwait(false);
                    if (mined is not null) return (mined, hashes, raw);
                    throw;
                }
                L1Receipt? back = await WaitForReceiptAsync(hashes, cancel).ConfigureAwait(false);
                if (back is not null) return (back, hashes, raw);
                continue;
            }
            L1FeeData fees = await _l1.GetFeeDataAsync(cancel).ConfigureAwait(false);
            UInt256 tip = fees.PriorityFee;
            UInt256 maxFee = fees.BaseFee * new UInt256(2) + tip;
            if (hashes.Count > 0)
            {
                // EIP-1559 replacement: geth wants both fees at least 10% higher; take 25%.
                UInt256 bumpTip = floorTip + floorTip / new UInt256(4) + UInt256.One;
                UInt256 bumpFee = floorFee + floorFee / new UInt256(4) + UInt256.One;
                if (tip < bumpTip) tip = bumpTip;
                if (maxFee < bumpFee) maxFee = bumpFee;
            }
            if (maxFee < tip) maxFee = tip;
            var tx = new Transaction
            {
                Type = TxType.DynamicFee, ChainId = new UInt256(_l1ChainId.Value), Nonce = nonce,
                MaxPriorityFeePerGas = tip, MaxFeePerGas = maxFee, GasLimit = gasLimit, To = _options.Inbox, Data = calldata,
            }.Sign(_key);
            hashes.Add(tx.Hash);
            floorTip = tip; floorFee = maxFee;
            SavePending(new Pending(index, nonce, tip, maxFee, hashes)); // before sending: a crash right after still knows it
            raw = tx.Encode();
            try
            {
                await _l1.SendRawTransactionAsync(raw, cancel).ConfigureAwait(false);
            }
            catch (L1Exception e) when (e.Message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase))
            {
                // One of our earlier transactions for this nonce was mined meanwhile: its receipt decides.
                L1Receipt? mined = await FirstReceiptAsync(hashes, cancel).ConfigureAwait(false);
                if (mined is not null) return (mined, hashes, raw);
                throw;
            }
            L1Receipt? r = await WaitForReceiptAsync(hashes, cancel).ConfigureAwait(false);
            if (r is not null) return (r, hashes, raw);
            if (DateTime.UtcNow - start > _options.GiveUpAfter)
                throw new L1Exception($"superbatch {index}: no receipt after {_options.GiveUpAfter}");
        }
    }

    /// <summary>Polls for a receipt of any of <paramref name="hashes"/> for <c>StuckAfter</c>; null when none came.</summary>
    private async Task<L1Receipt?> WaitForReceiptAsync(List<Hash256> hashes, CancellationToken cancel)
    {
        DateTime sent = DateTime.UtcNow;
        while (DateTime.UtcNow - sent < _options.StuckAfter)
        {
            L1Receipt? r = await FirstReceiptAsync(hashes, cancel).ConfigureAwait(false);
            if (r is not null) return r;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel).ConfigureAwait(false);
        }
        return null;
    }

    private async Task<L1Receipt?> FirstReceiptAsync(List<Hash256> hashes, CancellationToken cancel)
    {
        foreach (Hash256 h in hashes)
        {
            L1Receipt? r = await _l1.GetReceiptAsync(h, cancel).ConfigureAwait(false);
            if (r is not null) return r;
        }
        return null;
    }

    private async Task<Hash256> TipHashAsync(CancellationToken cancel) =>
        new(await _l1.CallAsync(_options.Inbox, SharedInbox.TipHash(), null, cancel).ConfigureAwait(false));

    private static ulong Word(byte[] output) =>
        output.Length == 32 ? BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24)) : throw new L1Exception("unexpected call output length " + output.Length);

    private PosterProgress ReadProgress()
    {
        byte[]? v = _db.Get(ProgressKey);
        if (v is null) return new PosterProgress(0, Hash256.Zero, 0, 0);
        return new PosterProgress(BinaryPrimitives.ReadUInt64BigEndian(v), new Hash256(v.AsSpan(8, 32)), BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(40)),
            BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(48)));
    }

    private void SaveProgress(PosterProgress p)
    {
        var v = new byte[56];
        BinaryPrimitives.WriteUInt64BigEndian(v, p.NextIndex);
        p.TipHash.ToArray().CopyTo(v, 8);
        BinaryPrimitives.WriteUInt64BigEndian(v.AsSpan(40), p.LastHeight);
        BinaryPrimitives.WriteUInt64BigEndian(v.AsSpan(48), p.DepositCount);
        _db.Put(ProgressKey, v);
        Progress = p;
    }

    private sealed record Pending(ulong Index, ulong Nonce, UInt256 Tip, UInt256 MaxFee, IReadOnlyList<Hash256> Hashes);

    private Pending? ReadPending()
    {
        byte[]? v = _db.Get(PendingKey);
        if (v is null) return null;
        var hashes = new List<Hash256>();
        for (int at = 80; at + 32 <= v.Length; at += 32) hashes.Add(new Hash256(v.AsSpan(at, 32)));
        return new Pending(BinaryPrimitives.ReadUInt64BigEndian(v), BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(8)),
            new UInt256(v.AsSpan(16, 32)), new UInt256(v.AsSpan(48, 32)), hashes);
    }

    private void SavePending(Pending p)
    {
        var v = new byte[80 + 32 * p.Hashes.Count];
        BinaryPrimitives.WriteUInt64BigEndian(v, p.Index);
        BinaryPrimitives.WriteUInt64BigEndian(v.AsSpan(8), p.Nonce);
        p.Tip.ToBigEndian().CopyTo(v, 16);
        p.MaxFee.ToBigEndian().CopyTo(v, 48);
        for (int i = 0; i < p.Hashes.Count; i++) p.Hashes[i].ToArray().CopyTo(v, 80 + 32 * i);
        _db.Put(PendingKey, v);
    }

    private void ClearPending(ulong nextIndex)
    {
        if (ReadPending() is { } p && p.Index < nextIndex) _db.Delete(PendingKey);
    }

    /// <summary>Stops the loop (waits for the current round to end or be cancelled).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        // Wait for the round to end however long it takes: every L1 call observes the token, but encoding a large
        // superbatch does not, and a round still reading the chains after the caller closed their RocksDB crashed
        // the process (SIGSEGV at devnet shutdown under load).
        try { _loop?.Wait(); } catch (AggregateException) { }
        _stop.Dispose();
        _gate.Dispose();
    }
}
