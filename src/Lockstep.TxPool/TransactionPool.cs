using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.TxPool;

/// <summary>One transaction leaving the pool, and why (for RPC status reporting and subscriptions).</summary>
/// <param name="Transaction">The transaction that left.</param>
/// <param name="Reason">Why it left.</param>
/// <param name="Detail">Free text: the reason given to <see cref="TransactionPool.Remove"/>, or what replaced or evicted it.</param>
public readonly record struct TxRemoval(PooledTransaction Transaction, TxRemovalReason Reason, string Detail);

/// <summary>
/// The mempool of one chain. Keeps every sender's transactions in nonce order, split into pending (executable
/// from the state nonce without a gap) and queued (behind a gap, promoted when the gap fills). Admission checks the
/// static rules (<see cref="TransactionValidator"/>), then the sender's account at the head: nonce, balance covering
/// all its pooled transactions, no code (EIP-3607). Replacement needs a fee bump; the per-sender and total limits
/// evict tail transactions only, so no sender is left with a gap the pool created. Thread-safe: one lock, with
/// decoding and signature recovery done before taking it. Rules and limits: README.md in this folder.
/// </summary>
public sealed class TransactionPool
{
    private readonly TxPoolOptions _options;
    private readonly object _lock = new();
    private readonly object _headChange = new();
    private readonly Dictionary<Hash256, PooledTransaction> _byHash = new();
    private readonly Dictionary<Address, SenderQueue> _bySender = new();
    private IStateReader _head;
    private UInt256 _baseFee;
    private long _arrivals;
    private int _pendingCount;

    /// <summary>Creates an empty pool over the head state.</summary>
    /// <param name="options">Chain id, limits and price rules.</param>
    /// <param name="headState">The committed state new transactions are checked against (nonces, balances, code).</param>
    /// <param name="headBaseFee">The base fee of the next block: a new transaction's fee cap must cover it.</param>
    public TransactionPool(TxPoolOptions options, IStateReader headState, UInt256 headBaseFee)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(headState);
        if (options.MaxPerSender < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxPerSender must be at least 1");
        if (options.MaxTotal < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxTotal must be at least 1");
        if (options.MaxTransactionBytes < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxTransactionBytes must be at least 1");
        if (options.PriceBumpPercent < 0) throw new ArgumentOutOfRangeException(nameof(options), "PriceBumpPercent cannot be negative");
        _options = options;
        _head = headState;
        _baseFee = headBaseFee;
    }

    /// <summary>The options this pool was created with.</summary>
    public TxPoolOptions Options => _options;

    /// <summary>
    /// Raised after a transaction is accepted (pending or queued), outside the pool lock, on the adding thread:
    /// for instant block production and <c>newPendingTransactions</c> subscriptions. Handlers must not throw.
    /// </summary>
    public event Action<PooledTransaction>? TransactionAdded;

    /// <summary>Raised after a transaction leaves the pool for any reason, outside the pool lock. Handlers must not throw.</summary>
    public event Action<TxRemoval>? TransactionRemoved;

    /// <summary>Transactions in the pool.</summary>
    public int Count { get { lock (_lock) return _byHash.Count; } }

    /// <summary>Transactions executable now (gap-free from their sender's state nonce).</summary>
    public int PendingCount { get { lock (_lock) return _pendingCount; } }

    /// <summary>Transactions waiting behind a nonce gap.</summary>
    public int QueuedCount { get { lock (_lock) return _byHash.Count - _pendingCount; } }

    /// <summary>The base fee new transactions must cover (the next block's, as last given).</summary>
    public UInt256 BaseFee { get { lock (_lock) return _baseFee; } }

    /// <summary>
    /// Decodes (strictly), verifies the signature, validates and inserts one transaction in its EIP-2718 encoding,
    /// as <c>eth_sendRawTransaction</c> receives it. Refused input leaves the pool unchanged.
    /// </summary>
    public TxPoolResult Add(ReadOnlySpan<byte> rawEip2718)
    {
        // Size first: nothing of an oversized request is decoded or hashed (DoS protection, as geth's txMaxSize).
        if (rawEip2718.Length > _options.MaxTransactionBytes)
            return Refuse(default, TxPoolError.Oversized, $"oversized data: transaction size {rawEip2718.Length}, limit {_options.MaxTransactionBytes}");
        Transaction tx;
        try
        {
            tx = TransactionDecoder.Decode(rawEip2718);
        }
        catch (TransactionDecodeException e)
        {
            // A first byte in [0x00, 0x7f] is an EIP-2718 type byte; an unknown one is an unsupported type, not garbage.
            bool unknownType = e.Reason == TransactionError.UnsupportedType && !rawEip2718.IsEmpty && rawEip2718[0] < 0x80;
            return unknownType
                ? Refuse(default, TxPoolError.TypeNotSupported, "transaction type not supported")
                : Refuse(default, TxPoolError.Malformed, $"invalid transaction encoding: {e.Message}");
        }
        return AddDecoded(tx, rawEip2718.ToArray());
    }

    /// <summary>Validates and inserts an already decoded transaction. Refused input leaves the pool unchanged.</summary>
    public TxPoolResult Add(Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (!IsTypeAllowed(tx.Type)) return Refuse(default, TxPoolError.TypeNotSupported, "transaction type not supported");
        byte[] raw = tx.Encode();
        if (raw.Length > _options.MaxTransactionBytes)
            return Refuse(tx.Hash, TxPoolError.Oversized, $"oversized data: transaction size {raw.Length}, limit {_options.MaxTransactionBytes}");
        return AddDecoded(tx, raw);
    }

    /// <summary>The pooled transaction with this hash.</summary>
    public bool TryGet(Hash256 hash, out PooledTransaction tx)
    {
        lock (_lock)
        {
            if (_byHash.TryGetValue(hash, out PooledTransaction? found)) { tx = found; return true; }
        }
        tx = null!;
        return false;
    }

    /// <summary>True when the pool holds this hash.</summary>
    public bool Contains(Hash256 hash)
    {
        lock (_lock) return _byHash.ContainsKey(hash);
    }

    /// <summary>
    /// The next nonce after the sender's executable transactions: the state nonce plus its gap-free pooled run
    /// (what <c>eth_getTransactionCount(addr, "pending")</c> returns).
    /// </summary>
    public ulong GetPendingNonce(Address sender)
    {
        lock (_lock)
        {
            if (_bySender.TryGetValue(sender, out SenderQueue? q)) return q.PendingNonce;
            return _head.TryGetAccount(sender, out AccountState account) ? account.Nonce : 0;
        }
    }

    /// <summary>
    /// Executable transactions for the next block: per sender in nonce order with no gap from the state nonce,
    /// across senders by effective tip at <paramref name="baseFee"/> (ties: arrival order). A sender whose next
    /// transaction cannot pay the base fee or does not fit in the remaining gas contributes nothing more, since its
    /// later nonces cannot go first. Stops at <paramref name="maxGas"/> (by gas limits) or <paramref name="maxCount"/>.
    /// The transactions stay pooled until <see cref="OnNewHead"/> or <see cref="Remove"/>.
    /// </summary>
    public IReadOnlyList<PooledTransaction> SelectForBlock(UInt256 baseFee, ulong maxGas, int maxCount)
    {
        var selected = new List<PooledTransaction>();
        if (maxCount <= 0) return selected;
        lock (_lock)
        {
            var heap = new PriorityQueue<SenderCursor, SelectionKey>(_bySender.Count, SelectionKey.Comparer);
            foreach (SenderQueue q in _bySender.Values)
            {
                if (q.PendingCount > 0) TryEnqueue(heap, q, 0, baseFee);
            }
            ulong gasLeft = maxGas;
            while (heap.TryDequeue(out SenderCursor cursor, out _))
            {
                PooledTransaction tx = cursor.Queue.Txs.Values[cursor.Index];
                // Too big for what is left: this sender is done for this block (its next nonce cannot skip this one).
                if (tx.GasLimit > gasLeft) continue;
                selected.Add(tx);
                gasLeft -= tx.GasLimit;
                if (selected.Count >= maxCount || gasLeft < IntrinsicGas.TxBase) break;
                int next = cursor.Index + 1;
                if (next < cursor.Queue.PendingCount) TryEnqueue(heap, cursor.Queue, next, baseFee);
            }
        }
        return selected;
    }

    /// <summary>
    /// Moves the pool to a new head, after a block is committed: removes <paramref name="includedHashes"/>, re-reads
    /// every pooled sender's nonce, balance and code from <paramref name="headState"/>, drops transactions whose nonce
    /// is now below the state nonce (stale), that the balance no longer covers (in nonce order) or whose sender now
    /// has code, and promotes queued transactions whose gap filled. Also usable with no hashes to re-read state.
    /// The pool keeps <paramref name="headState"/> and reads it (never concurrently with itself) until the next call:
    /// give it a reader nobody else uses at the same time (TrieStateReader is not thread-safe).
    /// </summary>
    public void OnNewHead(IStateReader headState, UInt256 nextBaseFee, IReadOnlyCollection<Hash256> includedHashes)
    {
        ArgumentNullException.ThrowIfNull(headState);
        ArgumentNullException.ThrowIfNull(includedHashes);
        var removed = new List<TxRemoval>();
        // One head change at a time, so that an older head can never be published after a newer one.
        lock (_headChange)
        {
            // Read the accounts before taking the pool lock: state reads are the slow part (trie nodes on disk) and
            // Add must not wait for them. Only this thread touches headState until it is published below.
            Address[] senders;
            lock (_lock)
            {
                senders = new Address[_bySender.Count];
                _bySender.Keys.CopyTo(senders, 0);
            }
            var accounts = new Dictionary<Address, AccountState>(senders.Length);
            foreach (Address sender in senders)
                accounts[sender] = headState.TryGetAccount(sender, out AccountState account) ? account : default;

            lock (_lock)
            {
                _head = headState;
                _baseFee = nextBaseFee;
                foreach (Hash256 hash in includedHashes)
                {
                    if (!_byHash.Remove(hash, out PooledTransaction? tx)) continue;
                    _bySender[tx.Sender].Remove(tx);
                    removed.Add(new TxRemoval(tx, TxRemovalReason.Included, "included in a block"));
                }

                List<Address>? emptied = null;
                foreach (SenderQueue q in _bySender.Values)
                {
                    // Senders that arrived after the snapshot were loaded from the old head: read them again now.
                    if (accounts.TryGetValue(q.Sender, out AccountState read)) Apply(q, read);
                    else LoadAccount(q);
                    RevalidateSender(q, removed);
                    _pendingCount += q.Recount();
                    if (q.Txs.Count == 0) (emptied ??= []).Add(q.Sender);
                }
                if (emptied is not null)
                {
                    foreach (Address a in emptied) _bySender.Remove(a);
                }
            }
        }
        RaiseRemoved(removed);
    }

    /// <summary>Drops what the sender's account at the head no longer allows: stale nonces, code, unaffordable cost.</summary>
    private void RevalidateSender(SenderQueue q, List<TxRemoval> removed)
    {
        IList<ulong> nonces = q.Txs.Keys;
        // Stale: a transaction with this nonce (maybe another one) was included.
        while (nonces.Count > 0 && nonces[0] < q.StateNonce)
        {
            PooledTransaction stale = q.Txs.Values[0];
            q.RemoveAt(0);
            _byHash.Remove(stale.Hash);
            removed.Add(new TxRemoval(stale, TxRemovalReason.Stale, $"nonce too low: next nonce {q.StateNonce}, tx nonce {stale.Nonce}"));
        }
        if (q.HasCode)
        {
            // EIP-3607: none of them could be included any more.
            while (q.Txs.Count > 0)
            {
                PooledTransaction invalid = q.Txs.Values[q.Txs.Count - 1];
                q.RemoveAt(q.Txs.Count - 1);
                _byHash.Remove(invalid.Hash);
                removed.Add(new TxRemoval(invalid, TxRemovalReason.Invalidated, $"sender not an eoa: address {q.Sender}"));
            }
            return;
        }
        DropUnaffordable(q, removed);
    }

    /// <summary>
    /// Removes one transaction (the sequencer excludes a rejected cross-rollup transaction). Later nonces of the same
    /// sender stay, queued behind the gap, until it is filled or they are replaced.
    /// </summary>
    /// <returns>False when the pool does not hold <paramref name="hash"/>.</returns>
    public bool Remove(Hash256 hash, string reason)
    {
        PooledTransaction? tx;
        lock (_lock)
        {
            if (!_byHash.Remove(hash, out tx)) return false;
            SenderQueue q = _bySender[tx.Sender];
            q.Remove(tx);
            _pendingCount += q.Recount();
            if (q.Txs.Count == 0) _bySender.Remove(q.Sender);
        }
        TransactionRemoved?.Invoke(new TxRemoval(tx, TxRemovalReason.Removed, reason ?? ""));
        return true;
    }

    /// <summary>A snapshot of every pooled transaction, per sender in nonce order (for txpool_content-like reads).</summary>
    public IEnumerable<PooledTransaction> All()
    {
        lock (_lock)
        {
            var all = new List<PooledTransaction>(_byHash.Count);
            foreach (SenderQueue q in _bySender.Values) all.AddRange(q.Txs.Values);
            return all;
        }
    }

    /// <summary>A snapshot split into pending and queued transactions, per sender in nonce order (txpool_content).</summary>
    public (IReadOnlyList<PooledTransaction> Pending, IReadOnlyList<PooledTransaction> Queued) Content()
    {
        lock (_lock)
        {
            var pending = new List<PooledTransaction>(_pendingCount);
            var queued = new List<PooledTransaction>(_byHash.Count - _pendingCount);
            foreach (SenderQueue q in _bySender.Values)
            {
                IList<PooledTransaction> txs = q.Txs.Values;
                for (int i = 0; i < txs.Count; i++) (i < q.PendingCount ? pending : queued).Add(txs[i]);
            }
            return (pending, queued);
        }
    }

    /// <summary>True when <paramref name="hash"/> is pooled and executable now (not behind a gap).</summary>
    public bool IsPending(Hash256 hash)
    {
        lock (_lock)
        {
            if (!_byHash.TryGetValue(hash, out PooledTransaction? tx)) return false;
            SenderQueue q = _bySender[tx.Sender];
            return tx.Nonce < q.PendingNonce;
        }
    }

    // ---------------------------------------------------------------- admission

    private bool IsTypeAllowed(TxType type) =>
        type is TxType.Legacy or TxType.AccessList or TxType.DynamicFee || (type == TxType.Blob && _options.AllowBlobTransactions);

    private TxPoolResult AddDecoded(Transaction tx, byte[] raw)
    {
        // Protocol-only types (e.g. the sequencer's system transaction) are never accepted from users.
        if (!IsTypeAllowed(tx.Type)) return Refuse(default, TxPoolError.TypeNotSupported, "transaction type not supported");
        Hash256 hash = tx.Hash;
        if (tx.Type == TxType.Legacy && tx.ChainId is null && !_options.AllowUnprotectedTransactions)
            return Refuse(hash, TxPoolError.NotReplayProtected, "only replay-protected (EIP-155) transactions allowed over RPC");

        // A resubmission (wallets and load generators retry) is answered before paying for signature recovery.
        lock (_lock)
        {
            if (_byHash.ContainsKey(hash)) return Refuse(hash, TxPoolError.AlreadyKnown, "already known");
        }

        // Signature recovery, the expensive part, runs outside the lock.
        TransactionError staticError = TransactionValidator.Validate(tx, _options.ChainId, out Address sender, out ulong intrinsicGas);
        if (staticError != TransactionError.None) return RefuseStatic(tx, hash, staticError, intrinsicGas);

        if (tx.GasLimit > _options.BlockGasLimit)
            return Refuse(hash, TxPoolError.GasLimitExceedsBlock, $"exceeds block gas limit: gas {tx.GasLimit}, block gas limit {_options.BlockGasLimit}");
        if (tx.TipCap < _options.MinPriorityFee)
            return Refuse(hash, TxPoolError.Underpriced, $"transaction underpriced: gas tip cap {tx.TipCap}, minimum needed {_options.MinPriorityFee}");
        if (!TryComputeMaxCost(tx, out UInt256 maxCost))
            return Refuse(hash, TxPoolError.InsufficientFunds, "insufficient funds for gas * price + value: tx cost exceeds 2^256-1");

        var removed = new List<TxRemoval>(1);
        PooledTransaction? added;
        TxPoolResult result;
        lock (_lock)
        {
            result = Insert(tx, hash, sender, raw, maxCost, removed, out added);
        }
        RaiseRemoved(removed);
        if (added is not null) TransactionAdded?.Invoke(added);
        return result;
    }

    /// <summary>The state-dependent checks and the insertion; runs under the lock and changes nothing when it refuses.</summary>
    private TxPoolResult Insert(Transaction tx, Hash256 hash, Address sender, byte[] raw, UInt256 maxCost, List<TxRemoval> removed, out PooledTransaction? added)
    {
        added = null;
        if (_byHash.ContainsKey(hash)) return Refuse(hash, TxPoolError.AlreadyKnown, "already known");
        if (tx.FeeCap < _baseFee)
            return Refuse(hash, TxPoolError.FeeCapBelowBaseFee, $"max fee per gas less than block base fee: address {sender}, maxFeePerGas: {tx.FeeCap}, baseFee: {_baseFee}");

        // A sender the pool does not know yet is loaded but only registered once its transaction is accepted.
        bool known = _bySender.TryGetValue(sender, out SenderQueue? q);
        if (!known)
        {
            q = new SenderQueue(sender);
            LoadAccount(q);
        }
        if (q!.HasCode) return Refuse(hash, TxPoolError.SenderHasCode, $"sender not an eoa: address {sender}");

        ulong nonce = tx.Nonce;
        if (nonce < q.StateNonce) return Refuse(hash, TxPoolError.NonceTooLow, $"nonce too low: next nonce {q.StateNonce}, tx nonce {nonce}");

        q.Txs.TryGetValue(nonce, out PooledTransaction? existing);
        ulong pendingNonce = q.PendingNonce;
        if (existing is null)
        {
            if (nonce > pendingNonce && nonce - pendingNonce > _options.MaxNonceGap)
                return Refuse(hash, TxPoolError.NonceGapTooLarge, $"nonce too high: next nonce {pendingNonce}, tx nonce {nonce}, max gap {_options.MaxNonceGap}");
        }
        else if (!IsReplacementBumped(existing.Transaction, tx, out UInt256 needFeeCap, out UInt256 needTip))
        {
            return Refuse(hash, TxPoolError.ReplacementUnderpriced,
                $"replacement transaction underpriced: need max fee per gas >= {needFeeCap} and max priority fee per gas >= {needTip}");
        }

        // At the sender limit a lower nonce still gets in by pushing out the sender's own queued tail, which is worth
        // less to the sender (it cannot execute before the lower one); a higher nonce is refused below.
        bool senderFull = existing is null && q.Txs.Count >= _options.MaxPerSender;
        PooledTransaction? evictOwn = null;
        if (senderFull)
        {
            PooledTransaction tail = q.Txs.Values[q.Txs.Count - 1];
            if (nonce < tail.Nonce) evictOwn = tail;
        }

        // The balance must cover this transaction and every other pooled one of the sender, so that all of them
        // can execute in nonce order (a replaced or evicted one no longer counts).
        UInt256 others = q.TotalCost;
        if (existing is not null) others -= existing.MaxCost;
        if (evictOwn is not null) others -= evictOwn.MaxCost;
        UInt256 needed = UInt256.AddOverflow(others, maxCost, out bool overflow);
        if (overflow || needed > q.Balance)
        {
            string overshot = overflow ? "more than 2^256-1" : (needed - q.Balance).ToString();
            return Refuse(hash, TxPoolError.InsufficientFunds,
                $"insufficient funds for gas * price + value: balance {q.Balance}, tx cost {maxCost}, other pooled transactions {others}, overshot {overshot}");
        }

        PooledTransaction? evictOther = null;
        SenderQueue? victimQueue = null;
        if (existing is null)
        {
            if (senderFull)
            {
                if (evictOwn is null)
                    return Refuse(hash, TxPoolError.SenderLimit, $"account limit exceeded: {q.Txs.Count} transactions of this sender pooled, limit {_options.MaxPerSender}");
            }
            else if (_byHash.Count >= _options.MaxTotal)
            {
                // A queued newcomer may only displace queued transactions; an executable one may displace either,
                // queued ones first.
                bool newIsPending = nonce == pendingNonce;
                tx.TryGetEffectiveTipOf(_baseFee, out UInt256 newTip);
                victimQueue = FindEvictionVictim(sender, newIsPending, newTip, out bool anyCandidate);
                if (victimQueue is null)
                {
                    return anyCandidate
                        ? Refuse(hash, TxPoolError.Underpriced, $"transaction underpriced: the pool is full and every transaction it could evict pays a tip of at least {newTip}")
                        : Refuse(hash, TxPoolError.PoolFull, "txpool is full");
                }
                evictOther = victimQueue.Txs.Values[victimQueue.Txs.Count - 1];
            }
        }

        // Accepted: from here on the pool changes.
        var pooled = new PooledTransaction(tx, hash, sender, raw, ++_arrivals, maxCost);
        if (existing is not null)
        {
            RemoveFromQueue(q, existing);
            removed.Add(new TxRemoval(existing, TxRemovalReason.Replaced, $"replaced by {hash}"));
        }
        if (evictOwn is not null)
        {
            RemoveFromQueue(q, evictOwn);
            removed.Add(new TxRemoval(evictOwn, TxRemovalReason.Evicted, $"sender limit: evicted for lower nonce {nonce} ({hash})"));
        }
        if (evictOther is not null)
        {
            RemoveFromQueue(victimQueue!, evictOther);
            _pendingCount += victimQueue!.Recount();
            if (victimQueue.Txs.Count == 0) _bySender.Remove(victimQueue.Sender);
            removed.Add(new TxRemoval(evictOther, TxRemovalReason.Evicted, $"pool full: evicted for {hash}"));
        }
        q.Insert(pooled);
        _byHash.Add(hash, pooled);
        if (!known) _bySender.Add(sender, q);
        _pendingCount += q.Recount();
        added = pooled;
        return new TxPoolResult(hash, TxPoolError.None, "");
    }

    private void RemoveFromQueue(SenderQueue q, PooledTransaction tx)
    {
        q.Remove(tx);
        _byHash.Remove(tx.Hash);
    }

    /// <summary>
    /// The sender whose tail transaction to evict for a newcomer paying <paramref name="newTip"/>: the cheapest queued
    /// tail (lowest effective tip at the current base fee, latest arrival on a tie) if the newcomer pays strictly more,
    /// else, for an executable newcomer only, the cheapest pending tail on the same condition. Only tails, so no
    /// sender is left with a gap; never the adding sender (the newcomer may follow its own tail). Linear in senders;
    /// runs only when the pool is full.
    /// </summary>
    private SenderQueue? FindEvictionVictim(Address except, bool allowPending, in UInt256 newTip, out bool anyCandidate)
    {
        SenderQueue? bestQueued = null;
        SenderQueue? bestPending = null;
        foreach (SenderQueue q in _bySender.Values)
        {
            if (q.Sender == except || q.Txs.Count == 0) continue;
            bool tailQueued = q.QueuedCount > 0;
            if (!tailQueued && !allowPending) continue;
            ref SenderQueue? best = ref tailQueued ? ref bestQueued : ref bestPending;
            if (best is null || IsCheaperTail(q, best)) best = q;
        }
        anyCandidate = bestQueued is not null || bestPending is not null;
        if (bestQueued is not null && CompareTip(Tail(bestQueued), newTip, payable: true) < 0) return bestQueued;
        if (bestPending is not null && CompareTip(Tail(bestPending), newTip, payable: true) < 0) return bestPending;
        return null;
    }

    private static PooledTransaction Tail(SenderQueue q) => q.Txs.Values[q.Txs.Count - 1];

    private bool IsCheaperTail(SenderQueue a, SenderQueue b)
    {
        PooledTransaction ta = a.Txs.Values[a.Txs.Count - 1];
        PooledTransaction tb = b.Txs.Values[b.Txs.Count - 1];
        bool payableB = tb.TryGetEffectiveTip(_baseFee, out UInt256 tipB);
        int c = CompareTip(ta, tipB, payableB);
        return c < 0 || (c == 0 && ta.ArrivalSequence > tb.ArrivalSequence);
    }

    /// <summary>Compares <paramref name="tx"/>'s effective tip with another; a fee cap below the base fee ranks lowest.</summary>
    private int CompareTip(PooledTransaction tx, in UInt256 otherTip, bool payable)
    {
        bool txPayable = tx.TryGetEffectiveTip(_baseFee, out UInt256 tip);
        if (txPayable != payable) return txPayable ? 1 : -1;
        return tip.CompareTo(otherTip);
    }

    /// <summary>
    /// go-ethereum's replacement rule: both the fee cap and the tip cap must be strictly higher and at least
    /// <c>old * (100 + bump) / 100</c>. The products cannot overflow: the validator checked gasLimit * feeCap fits in
    /// 256 bits with gasLimit at least 21000, so feeCap * (100 + bump) fits for any bump below 20900 percent.
    /// </summary>
    private bool IsReplacementBumped(Transaction old, Transaction replacement, out UInt256 needFeeCap, out UInt256 needTip)
    {
        UInt256 factor = (ulong)(100 + _options.PriceBumpPercent);
        needFeeCap = old.FeeCap * factor / 100;
        needTip = old.TipCap * factor / 100;
        if (needFeeCap <= old.FeeCap) needFeeCap = old.FeeCap + 1;
        if (needTip <= old.TipCap) needTip = old.TipCap + 1;
        return replacement.FeeCap >= needFeeCap && replacement.TipCap >= needTip;
    }

    private static bool TryComputeMaxCost(Transaction tx, out UInt256 cost)
    {
        // gasLimit * feeCap fits: TransactionValidator refused the overflow already.
        cost = tx.FeeCap * (UInt256)tx.GasLimit;
        cost = UInt256.AddOverflow(cost, tx.Value, out bool overflow);
        if (overflow) return false;
        if (tx.Type == TxType.Blob)
        {
            // EIP-4844: the sender must also hold blob gas * max fee per blob gas.
            UInt256 blobFee = tx.MaxFeePerBlobGas * (UInt256)tx.BlobGas;
            if (tx.BlobGas != 0 && blobFee / (UInt256)tx.BlobGas != tx.MaxFeePerBlobGas) return false;
            cost = UInt256.AddOverflow(cost, blobFee, out overflow);
            if (overflow) return false;
        }
        return true;
    }

    private void LoadAccount(SenderQueue q) => Apply(q, _head.TryGetAccount(q.Sender, out AccountState account) ? account : default);

    /// <summary>Copies an account into the sender's cached view; <c>default</c> stands for a missing account.</summary>
    private static void Apply(SenderQueue q, in AccountState account)
    {
        q.StateNonce = account.Nonce;
        q.Balance = account.Balance;
        // EIP-3607: transactions from an account with deployed code are invalid. A missing account has a zero hash.
        q.HasCode = account.CodeHash != Keccak256.EmptyHash && account.CodeHash != default;
    }

    /// <summary>
    /// Keeps, in nonce order, the transactions the new balance still covers together; drops the others. Later
    /// nonces stay (queued behind the gap) when they fit, so the sender can refill the gap cheaper.
    /// </summary>
    private void DropUnaffordable(SenderQueue q, List<TxRemoval> removed)
    {
        if (q.TotalCost <= q.Balance) return;
        UInt256 running = UInt256.Zero;
        int i = 0;
        while (i < q.Txs.Count)
        {
            PooledTransaction tx = q.Txs.Values[i];
            UInt256 next = UInt256.AddOverflow(running, tx.MaxCost, out bool overflow);
            if (overflow || next > q.Balance)
            {
                q.RemoveAt(i);
                _byHash.Remove(tx.Hash);
                removed.Add(new TxRemoval(tx, TxRemovalReason.Unaffordable,
                    $"insufficient funds for gas * price + value: balance {q.Balance}, tx cost {tx.MaxCost}"));
                continue;
            }
            running = next;
            i++;
        }
    }

    private TxPoolResult RefuseStatic(Transaction tx, Hash256 hash, TransactionError error, ulong intrinsicGas) => error switch
    {
        TransactionError.InvalidChainId => Refuse(hash, TxPoolError.WrongChainId,
            $"invalid sender: invalid chain id for signer: have {(tx.ChainId is { } c ? c.ToString() : "none")} want {_options.ChainId}"),
        TransactionError.InvalidSignature or TransactionError.RecoveryFailed =>
            Refuse(hash, TxPoolError.InvalidSignature, "invalid sender: invalid transaction v, r, s values"),
        TransactionError.NonceTooBig => Refuse(hash, TxPoolError.NonceMax, $"nonce has max value: nonce {tx.Nonce}"),
        TransactionError.PriorityFeeGreaterThanMaxFee => Refuse(hash, TxPoolError.TipAboveFeeCap,
            $"max priority fee per gas higher than max fee per gas: maxPriorityFeePerGas: {tx.MaxPriorityFeePerGas}, maxFeePerGas: {tx.MaxFeePerGas}"),
        TransactionError.GasLimitPriceProductOverflow => Refuse(hash, TxPoolError.FeeOverflow, "fee cap too high: gas limit * max fee per gas exceeds 2^256-1"),
        TransactionError.InitCodeTooLarge => Refuse(hash, TxPoolError.InitCodeTooLarge,
            $"max initcode size exceeded: code size {tx.Data.Length}, limit {IntrinsicGas.MaxInitCodeSize}"),
        TransactionError.IntrinsicGasTooLow => Refuse(hash, TxPoolError.IntrinsicGasTooLow, $"intrinsic gas too low: gas {tx.GasLimit}, minimum needed {intrinsicGas}"),
        TransactionError.InvalidBlobCount or TransactionError.InvalidBlobVersionedHash =>
            Refuse(hash, TxPoolError.InvalidBlobs, $"invalid blob transaction: {error}"),
        _ => Refuse(hash, TxPoolError.Malformed, $"invalid transaction: {error}"),
    };

    private static TxPoolResult Refuse(Hash256 hash, TxPoolError error, string message) => new(hash, error, message);

    private void RaiseRemoved(List<TxRemoval> removed)
    {
        Action<TxRemoval>? handler = TransactionRemoved;
        if (handler is null) return;
        for (int i = 0; i < removed.Count; i++) handler(removed[i]);
    }

    // ---------------------------------------------------------------- selection

    private static void TryEnqueue(PriorityQueue<SenderCursor, SelectionKey> heap, SenderQueue q, int index, in UInt256 baseFee)
    {
        PooledTransaction tx = q.Txs.Values[index];
        // A fee cap below the base fee cannot be included; the sender's later nonces wait behind it.
        if (!tx.TryGetEffectiveTip(baseFee, out UInt256 tip)) return;
        heap.Enqueue(new SenderCursor(q, index), new SelectionKey(tip, tx.ArrivalSequence));
    }

    private readonly record struct SenderCursor(SenderQueue Queue, int Index);

    /// <summary>Higher tip first, then earlier arrival.</summary>
    private readonly record struct SelectionKey(UInt256 Tip, long Arrival)
    {
        public static readonly IComparer<SelectionKey> Comparer = Comparer<SelectionKey>.Create(static (a, b) =>
        {
            int c = b.Tip.CompareTo(a.Tip);
            return c != 0 ? c : a.Arrival.CompareTo(b.Arrival);
        });
    }
}

/// <summary>Effective-tip helper for a transaction not yet pooled.</summary>
internal static class TransactionTipExtensions
{
    /// <summary>min(tipCap, feeCap - baseFee); false (and zero) when the fee cap is below the base fee.</summary>
    public static bool TryGetEffectiveTipOf(this Transaction tx, in UInt256 baseFee, out UInt256 tip)
    {
        UInt256 feeCap = tx.FeeCap;
        if (feeCap < baseFee) { tip = UInt256.Zero; return false; }
        UInt256 headroom = feeCap - baseFee;
        UInt256 tipCap = tx.TipCap;
        tip = tipCap < headroom ? tipCap : headroom;
        return true;
    }
}
