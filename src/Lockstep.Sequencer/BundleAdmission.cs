using System.Buffers.Binary;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.TxPool;

namespace Lockstep.Sequencer;

/// <summary>Limits of a <see cref="BundleAdmission"/> (docs/load.md explains the trade-off and the defaults).</summary>
public sealed class BundleAdmissionOptions
{
    /// <summary>
    /// Rejected bundles a sender may cause before it is held back: the capacity of its token bucket. Every rejection
    /// costs one token; a sender with less than one token gets nothing selected until the bucket refills.
    /// </summary>
    public int RejectionBurst { get; init; } = 3;

    /// <summary>
    /// Tokens given back per superblock that included something (empty superblocks do not count, so a sender cannot
    /// speed up its own refill by waking the builder). 0.1: one more rejected bundle per 10 busy superblocks.
    /// </summary>
    public double RefillPerSuperblock { get; init; } = 0.1;

    /// <summary>
    /// Most candidates per sender and superblock addressed to a cross-rollup entry point (MintBurn, Messenger); the
    /// sender's later transactions wait for the next superblock (its nonces stay in order).
    /// </summary>
    public int MaxCrossRollupPerSender { get; init; } = 64;

    /// <summary>Most such candidates per superblock over all rollups; senders with a clean record are served first.</summary>
    public int MaxCrossRollupPerSuperblock { get; init; } = 4_096;
}

/// <summary>
/// Builder protection (issue 8). A rejected bundle costs the sequencer execution on every rollup it touched and
/// pays no fee (its user transaction takes neither nonce nor fee: it never happened on chain). So the damage is
/// bounded off chain, before execution, per sender:
/// <list type="bullet">
/// <item>a token bucket per sender (<see cref="BundleAdmissionOptions.RejectionBurst"/>, refilled per busy superblock):
/// each rejected bundle takes a token; an empty bucket holds the sender's transactions in the pool (not dropped:
/// nothing acknowledged is lost) until it refills;</item>
/// <item>senders with recent rejections are served after senders with a clean record (a stable partition of the pool's
/// fee order, so every sender's nonces stay in order);</item>
/// <item>per-sender and global caps on the candidates of one superblock that call a cross-rollup entry point.</item>
/// </list>
/// Use: <see cref="BeginSuperblock"/>, then <see cref="Select"/> (or <see cref="Filter"/>) for each rollup, build, then
/// <see cref="Record"/> with the result. Not thread-safe: the sequencer calls it under its build lock.
/// <para>With a store the buckets survive a restart (a restart must not hand a spammer a fresh burst): every
/// <see cref="Record"/> that changed them writes the changed entries (key = the sender's 20 bytes, value = its tokens
/// as a big-endian IEEE double), and the constructor reads them back. The write follows the superblock's own commit,
/// so a crash between the two forgets at most that one superblock's charges and refills.</para>
/// </summary>
public sealed class BundleAdmission
{
    private readonly BundleAdmissionOptions _options;
    // Only senders whose bucket is not full are kept: a sender absent here has a clean record.
    private readonly Dictionary<Address, double> _tokens = new();
    // Sender of every candidate let through for the superblock being built (rejected reports carry only the transaction).
    private readonly Dictionary<Hash256, Address> _sendersOfCandidates = new();
    private readonly Dictionary<Address, int> _crossRollupThisSuperblock = new();
    private readonly HashSet<Address> _heldThisSuperblock = new();
    private int _crossRollupTotal;
    private readonly IKeyValueStore? _store;

    /// <summary>
    /// Admission with <paramref name="options"/> (defaults when null), its buckets kept in <paramref name="store"/>
    /// (a table of its own, e.g. a <see cref="PrefixedKeyValueStore"/> of the sequencer's database; null: in memory
    /// only, a restart forgives everyone).
    /// </summary>
    /// <exception cref="InvalidDataException">The store holds an entry that is not a sender and its tokens.</exception>
    public BundleAdmission(BundleAdmissionOptions? options = null, IKeyValueStore? store = null)
    {
        _options = options ?? new BundleAdmissionOptions();
        if (_options.RejectionBurst < 1) throw new ArgumentException("RejectionBurst must be at least 1");
        if (_options.RefillPerSuperblock <= 0 || double.IsNaN(_options.RefillPerSuperblock)) throw new ArgumentException("RefillPerSuperblock must be positive");
        _store = store;
        if (store is null) return;
        foreach (KeyValuePair<byte[], byte[]> kv in store.Iterate([]))
        {
            if (kv.Key.Length != Address.Size || kv.Value.Length != sizeof(double))
                throw new InvalidDataException($"bundle admission table: an entry of {kv.Key.Length}-byte key and {kv.Value.Length}-byte value is not a sender's tokens (corrupt store, or another table under the same prefix)");
            double tokens = BinaryPrimitives.ReadDoubleBigEndian(kv.Value);
            if (double.IsNaN(tokens) || tokens < 0) throw new InvalidDataException($"bundle admission table: tokens {tokens} of {new Address(kv.Key)} out of range");
            // A smaller burst since the last run caps what was saved; a full bucket is a clean record (not kept).
            if (tokens < _options.RejectionBurst) _tokens[new Address(kv.Key)] = tokens;
        }
    }

    /// <summary>Rejected bundles recorded so far.</summary>
    public long Rejections { get; private set; }

    /// <summary>Candidates held back in the pool so far (penalised senders, caps), counted once per superblock.</summary>
    public long Deferred { get; private set; }

    /// <summary>Senders currently held back or with recent rejections.</summary>
    public int TrackedSenders => _tokens.Count;

    /// <summary>Tokens of <paramref name="sender"/> (the burst when it has a clean record).</summary>
    public double TokensOf(Address sender) => _tokens.TryGetValue(sender, out double t) ? t : _options.RejectionBurst;

    /// <summary>True when <paramref name="sender"/> gets nothing selected at the moment.</summary>
    public bool IsHeld(Address sender) => TokensOf(sender) < 1;

    /// <summary>Starts the selection of a superblock: resets the per-superblock caps.</summary>
    public void BeginSuperblock()
    {
        _sendersOfCandidates.Clear();
        _crossRollupThisSuperblock.Clear();
        _heldThisSuperblock.Clear();
        _crossRollupTotal = 0;
    }

    /// <summary>
    /// Selects up to <paramref name="maxCount"/> candidates of one rollup through <paramref name="select"/> (the pool's
    /// selection for a given count) and <see cref="Filter"/>. Held senders' transactions would otherwise take the
    /// slots of the pool's selection, so when the filter leaves fewer than <paramref name="maxCount"/> out of a full
    /// selection, it selects again with twice the count (up to 16 times <paramref name="maxCount"/>).
    /// </summary>
    public IReadOnlyList<PooledTransaction> Select(Func<int, IReadOnlyList<PooledTransaction>> select, int maxCount)
    {
        ArgumentNullException.ThrowIfNull(select);
        int ask = maxCount;
        while (true)
        {
            IReadOnlyList<PooledTransaction> candidates = select(ask);
            var saved = (new Dictionary<Hash256, Address>(_sendersOfCandidates), new Dictionary<Address, int>(_crossRollupThisSuperblock),
                new HashSet<Address>(_heldThisSuperblock), _crossRollupTotal, Deferred);
            IReadOnlyList<PooledTransaction> kept = Filter(candidates);
            if (kept.Count >= maxCount || candidates.Count < ask || ask >= 16 * maxCount)
            {
                // Dropping a suffix keeps every sender's nonces without gaps (each sender's transactions are in nonce order).
                if (kept.Count <= maxCount) return kept;
                var trimmed = new List<PooledTransaction>(maxCount);
                for (int i = 0; i < maxCount; i++) trimmed.Add(kept[i]);
                return trimmed;
            }
            _sendersOfCandidates.Clear();
            foreach (KeyValuePair<Hash256, Address> kv in saved.Item1) _sendersOfCandidates[kv.Key] = kv.Value;
            _crossRollupThisSuperblock.Clear();
            foreach (KeyValuePair<Address, int> kv in saved.Item2) _crossRollupThisSuperblock[kv.Key] = kv.Value;
            _heldThisSuperblock.Clear();
            _heldThisSuperblock.UnionWith(saved.Item3);
            _crossRollupTotal = saved.Item4;
            Deferred = saved.Item5;
            ask *= 2;
        }
    }

    /// <summary>
    /// The candidates of one rollup that may go into this superblock, clean senders first, in the pool's order
    /// otherwise. A sender held back (empty bucket, or a cap reached at one of its transactions) loses all its later
    /// candidates too, so no nonce gap is created.
    /// </summary>
    public IReadOnlyList<PooledTransaction> Filter(IReadOnlyList<PooledTransaction> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var clean = new List<PooledTransaction>(candidates.Count);
        List<PooledTransaction>? suspect = null;
        // Two passes so that clean senders get the global cap first.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < candidates.Count; k++)
            {
                PooledTransaction tx = candidates[k];
                bool isClean = !_tokens.TryGetValue(tx.Sender, out double tokens);
                if (isClean != (pass == 0)) continue;
                if (_heldThisSuperblock.Contains(tx.Sender)) { Deferred++; continue; }
                if (!isClean && tokens < 1) { Hold(tx.Sender); continue; }
                if (IsCrossRollupEntry(tx))
                {
                    _crossRollupThisSuperblock.TryGetValue(tx.Sender, out int mine);
                    if (mine >= _options.MaxCrossRollupPerSender || _crossRollupTotal >= _options.MaxCrossRollupPerSuperblock)
                    {
                        Hold(tx.Sender);
                        continue;
                    }
                    _crossRollupThisSuperblock[tx.Sender] = mine + 1;
                    _crossRollupTotal++;
                }
                _sendersOfCandidates[tx.Hash] = tx.Sender;
                if (isClean) clean.Add(tx);
                else (suspect ??= new List<PooledTransaction>()).Add(tx);
            }
        }
        if (suspect is not null) clean.AddRange(suspect);
        return clean;
    }

    private void Hold(Address sender)
    {
        _heldThisSuperblock.Add(sender);
        Deferred++;
    }

    /// <summary>
    /// Charges every rejected bundle of <paramref name="superblock"/> to its sender and, when the superblock included
    /// anything, refills every bucket; full buckets are forgotten (a clean record again).
    /// </summary>
    public void Record(Superblock superblock)
    {
        ArgumentNullException.ThrowIfNull(superblock);
        bool busy = false;
        foreach (BundleReport r in superblock.Bundles)
            if (r.Outcome is BundleOutcome.Included or BundleOutcome.IncludedReverted) { busy = true; break; }
        List<Address>? forgotten = null;
        bool changed = false;
        if (busy && _tokens.Count > 0)
        {
            changed = true;
            var full = forgotten = new List<Address>();
            foreach (Address sender in new List<Address>(_tokens.Keys))
            {
                double t = _tokens[sender] + _options.RefillPerSuperblock;
                if (t >= _options.RejectionBurst) full.Add(sender);
                else _tokens[sender] = t;
            }
            foreach (Address sender in full) _tokens.Remove(sender);
        }
        foreach (BundleReport r in superblock.Bundles)
        {
            if (r.Outcome != BundleOutcome.Rejected || !_sendersOfCandidates.TryGetValue(r.TxHash, out Address sender)) continue;
            Rejections++;
            _tokens[sender] = Math.Max(0, TokensOf(sender) - 1);
            changed = true;
        }
        _sendersOfCandidates.Clear();
        if (changed && _store is not null) Save(forgotten);
    }

    /// <summary>Writes every tracked bucket and deletes the forgotten ones, in one batch.</summary>
    private void Save(List<Address>? forgotten)
    {
        using IWriteBatch batch = _store!.StartWriteBatch();
        Span<byte> value = stackalloc byte[sizeof(double)];
        foreach (KeyValuePair<Address, double> kv in _tokens)
        {
            BinaryPrimitives.WriteDoubleBigEndian(value, kv.Value);
            batch.Put(kv.Key.ToArray(), value);
        }
        if (forgotten is not null)
            foreach (Address sender in forgotten)
                if (!_tokens.ContainsKey(sender)) batch.Delete(sender.ToArray());
        batch.Commit();
    }

    /// <summary>A direct call to MintBurn or Messenger: the transactions that open cross-rollup work without a contract in between.</summary>
    public static bool IsCrossRollupEntry(PooledTransaction tx) =>
        tx.Transaction.To is { } to && (to == SystemAddresses.MintBurn || to == SystemAddresses.Messenger);
}
