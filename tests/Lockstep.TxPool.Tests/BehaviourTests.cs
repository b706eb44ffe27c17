using Lockstep.Primitives;
using Lockstep.Transactions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>Nonce ordering, pending and queued, replacement, limits and eviction, head changes and removal.</summary>
public sealed class BehaviourTests
{
    private static List<ulong> Nonces(IReadOnlyList<PooledTransaction> txs)
    {
        var list = new List<ulong>();
        foreach (PooledTransaction tx in txs) list.Add(tx.Nonce);
        return list;
    }

    [Fact]
    public void OutOfOrderNoncesBecomePendingInOrder()
    {
        var pool = Pool(Funded(1));
        byte[] k = Key(0);
        Assert.True(pool.Add(Dyn(k, 2, Gwei, Gwei * 2)).Accepted);
        Assert.True(pool.Add(Dyn(k, 1, Gwei, Gwei * 2)).Accepted);
        Assert.Equal((0, 2), (pool.PendingCount, pool.QueuedCount));
        Assert.Equal(0UL, pool.GetPendingNonce(AddressOf(k)));
        Assert.Empty(pool.SelectForBlock(Gwei, 30_000_000, 100));

        Assert.True(pool.Add(Dyn(k, 0, Gwei, Gwei * 2)).Accepted);
        Assert.Equal((3, 0), (pool.PendingCount, pool.QueuedCount));
        Assert.Equal(3UL, pool.GetPendingNonce(AddressOf(k)));
        Assert.Equal([0UL, 1, 2], Nonces(pool.SelectForBlock(Gwei, 30_000_000, 100)));
    }

    [Fact]
    public void GapQueuesThenPromotesWhenFilled()
    {
        var pool = Pool(Funded(1));
        byte[] k = Key(0);
        Assert.True(pool.Add(Dyn(k, 0, Gwei, Gwei * 2)).Accepted);
        TxPoolResult queued = pool.Add(Dyn(k, 2, Gwei, Gwei * 2));
        Assert.True(queued.Accepted);
        Assert.False(pool.IsPending(queued.Hash));
        Assert.Equal(1UL, pool.GetPendingNonce(AddressOf(k)));
        Assert.Equal([0UL], Nonces(pool.SelectForBlock(Gwei, 30_000_000, 100)));

        Assert.True(pool.Add(Dyn(k, 1, Gwei, Gwei * 2)).Accepted);
        Assert.True(pool.IsPending(queued.Hash));
        Assert.Equal(3UL, pool.GetPendingNonce(AddressOf(k)));
        (IReadOnlyList<PooledTransaction> pending, IReadOnlyList<PooledTransaction> q) = pool.Content();
        Assert.Equal(3, pending.Count);
        Assert.Empty(q);
    }

    [Fact]
    public void PendingNonceOfUnknownSenderIsStateNonce()
    {
        var state = Funded(1);
        state.Set(AddressOf(Key(5)), 7, Ether);
        var pool = Pool(state);
        Assert.Equal(7UL, pool.GetPendingNonce(AddressOf(Key(5))));
        Assert.Equal(0UL, pool.GetPendingNonce(Recipient));
    }

    [Fact]
    public void ReplacementAtTenPercentReplaces()
    {
        var pool = Pool(Funded(1));
        var removed = new List<TxRemoval>();
        pool.TransactionRemoved += removed.Add;
        byte[] k = Key(0);
        TxPoolResult first = pool.Add(Dyn(k, 0, Gwei * 10, Gwei * 20));
        // geth's rule: both caps at least old * 110 / 100.
        TxPoolResult second = pool.Add(Dyn(k, 0, Gwei * 11, Gwei * 22));
        Assert.True(second.Accepted, second.Message);
        Assert.Equal(1, pool.Count);
        Assert.False(pool.TryGet(first.Hash, out _));
        Assert.True(pool.TryGet(second.Hash, out PooledTransaction now));
        Assert.Equal(Gwei * 11, now.Transaction.MaxPriorityFeePerGas);
        TxRemoval r = Assert.Single(removed);
        Assert.Equal((first.Hash, TxRemovalReason.Replaced), (r.Transaction.Hash, r.Reason));
        // A legacy replacement counts gasPrice as both caps.
        Assert.Equal(TxPoolError.ReplacementUnderpriced, pool.Add(Legacy(k, 0, Gwei * 24)).Error);
        Assert.True(pool.Add(Legacy(k, 0, Gwei * 25)).Accepted); // 25 >= 22 * 1.1 = 24.2 and 25 >= 11 * 1.1
    }

    [Fact]
    public void ReplacementOfZeroTipNeedsAStrictIncrease()
    {
        var pool = Pool(Funded(1), baseFee: UInt256.Zero);
        byte[] k = Key(0);
        Assert.True(pool.Add(Dyn(k, 0, 0, 100)).Accepted);
        Assert.Equal(TxPoolError.ReplacementUnderpriced, pool.Add(Dyn(k, 0, 0, 200)).Error);
        Assert.True(pool.Add(Dyn(k, 0, 1, 200)).Accepted);
    }

    [Fact]
    public void ReplacementBalanceExcludesTheReplacedCost()
    {
        // Balance covers exactly one transaction at cap 22 gwei: replacing the 20 gwei one must still be possible.
        var state = new MapState();
        state.Set(AddressOf(Key(0)), 0, (UInt256)21000UL * (Gwei * 22));
        var pool = Pool(state);
        Assert.True(pool.Add(Dyn(Key(0), 0, Gwei * 10, Gwei * 20)).Accepted);
        Assert.True(pool.Add(Dyn(Key(0), 0, Gwei * 11, Gwei * 22)).Accepted);
        Assert.Equal(TxPoolError.InsufficientFunds, pool.Add(Dyn(Key(0), 1, Gwei, Gwei * 2)).Error);
    }

    [Fact]
    public void SenderLimitEvictsOwnQueuedTailForLowerNonce()
    {
        var pool = Pool(Funded(1), new TxPoolOptions { ChainId = ChainId, MaxPerSender = 3 });
        var removed = new List<TxRemoval>();
        pool.TransactionRemoved += removed.Add;
        byte[] k = Key(0);
        Assert.True(pool.Add(Dyn(k, 0, Gwei, Gwei * 2)).Accepted);
        Assert.True(pool.Add(Dyn(k, 2, Gwei, Gwei * 2)).Accepted);
        TxPoolResult tail = pool.Add(Dyn(k, 5, Gwei, Gwei * 2));
        Assert.True(tail.Accepted);
        Assert.Equal(TxPoolError.SenderLimit, pool.Add(Dyn(k, 6, Gwei, Gwei * 2)).Error);

        Assert.True(pool.Add(Dyn(k, 1, Gwei, Gwei * 2)).Accepted);
        Assert.Equal(3, pool.Count);
        Assert.False(pool.TryGet(tail.Hash, out _));
        Assert.Equal(TxRemovalReason.Evicted, Assert.Single(removed).Reason);
        Assert.Equal([0UL, 1, 2], Nonces(pool.SelectForBlock(Gwei, 30_000_000, 10)));
    }

    [Fact]
    public void SenderLimitEvictionFreesTheTailsCostForTheBalanceCheck()
    {
        // Balance covers exactly three transfers at 2 gwei; at the limit of three, nonce 1 replaces tail nonce 5.
        var state = new MapState();
        state.Set(AddressOf(Key(0)), 0, (UInt256)21000UL * (Gwei * 2) * 3);
        var pool = Pool(state, new TxPoolOptions { ChainId = ChainId, MaxPerSender = 3 });
        pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2));
        pool.Add(Dyn(Key(0), 2, Gwei, Gwei * 2));
        TxPoolResult tail = pool.Add(Dyn(Key(0), 5, Gwei, Gwei * 2));
        Assert.Equal(TxPoolError.InsufficientFunds, pool.Add(Dyn(Key(1), 0, Gwei, Gwei * 2)).Error); // unfunded sender
        TxPoolResult one = pool.Add(Dyn(Key(0), 1, Gwei, Gwei * 2));
        Assert.True(one.Accepted, one.Message);
        Assert.False(pool.Contains(tail.Hash));
        Assert.Equal(3, pool.PendingCount);
    }

    [Fact]
    public void FullPoolEvictsCheapestQueuedTailFirst()
    {
        var pool = Pool(Funded(4), new TxPoolOptions { ChainId = ChainId, MaxTotal = 4 });
        TxPoolResult a0 = pool.Add(Dyn(Key(0), 0, Gwei * 2, Gwei * 10));   // pending, tip 2
        TxPoolResult b0 = pool.Add(Dyn(Key(1), 0, Gwei * 1, Gwei * 10));   // pending, tip 1 (cheapest overall)
        TxPoolResult b5 = pool.Add(Dyn(Key(1), 5, Gwei * 3, Gwei * 10));   // queued, tip 3
        TxPoolResult a7 = pool.Add(Dyn(Key(0), 7, Gwei * 4, Gwei * 10));   // queued, tip 4
        Assert.Equal(4, pool.Count);

        // A pending newcomer paying 5 evicts the cheapest queued tail (b5), not the cheaper pending b0.
        TxPoolResult c0 = pool.Add(Dyn(Key(2), 0, Gwei * 5, Gwei * 10));
        Assert.True(c0.Accepted, c0.Message);
        Assert.False(pool.Contains(b5.Hash));
        Assert.True(pool.Contains(b0.Hash) && pool.Contains(a7.Hash) && pool.Contains(a0.Hash));

        // A queued newcomer may only displace queued transactions: a7 pays 4, so a queued tip of 4 is refused ...
        Assert.Equal(TxPoolError.Underpriced, pool.Add(Dyn(Key(3), 3, Gwei * 4, Gwei * 10)).Error);
        // ... and a queued tip of 9 takes a7's place.
        Assert.True(pool.Add(Dyn(Key(3), 3, Gwei * 9, Gwei * 10)).Accepted);
        Assert.False(pool.Contains(a7.Hash));

        // Now only pending tails of others remain (plus key 3's queued one, which is its own for key 3 only).
        // A queued newcomer from key 2 can take key 3's queued tail only if it pays more than 9.
        Assert.Equal(TxPoolError.Underpriced, pool.Add(Dyn(Key(2), 4, Gwei * 9, Gwei * 10)).Error);
        // A pending newcomer (key 2 nonce 1) paying 6 cannot beat the cheapest queued tail (9), so it takes the
        // cheapest pending tail instead: b0, tip 1.
        TxPoolResult c1 = pool.Add(Dyn(Key(2), 1, Gwei * 6, Gwei * 10));
        Assert.True(c1.Accepted, c1.Message);
        Assert.False(pool.Contains(b0.Hash));
        // Remaining tails: a0 (pending, 2), key 3 nonce 3 (queued, 9); key 2 is the adder. Tip 2 beats neither.
        Assert.Equal(TxPoolError.Underpriced, pool.Add(Dyn(Key(1), 0, Gwei * 2, Gwei * 10)).Error);
        Assert.Equal(4, pool.Count);
    }

    [Fact]
    public void FullPoolEvictsCheapestPendingTailWithoutCreatingGaps()
    {
        var pool = Pool(Funded(3), new TxPoolOptions { ChainId = ChainId, MaxTotal = 3 });
        pool.Add(Dyn(Key(0), 0, Gwei * 1, Gwei * 10));
        TxPoolResult a1 = pool.Add(Dyn(Key(0), 1, Gwei * 3, Gwei * 10));
        TxPoolResult b0 = pool.Add(Dyn(Key(1), 0, Gwei * 2, Gwei * 10));
        // Tails: key 0 -> nonce 1 (tip 3), key 1 -> nonce 0 (tip 2). The cheapest tail is b0, although key 0's
        // nonce 0 pays less: evicting it would strand nonce 1 behind a gap.
        Assert.True(pool.Add(Dyn(Key(2), 0, Gwei * 5, Gwei * 10)).Accepted);
        Assert.False(pool.Contains(b0.Hash));
        Assert.True(pool.Contains(a1.Hash));
        Assert.Equal(3, pool.PendingCount);
    }

    [Fact]
    public void SelectionOrdersSendersByEffectiveTipAndKeepsNonceOrder()
    {
        var pool = Pool(Funded(3), baseFee: Gwei * 10);
        // Effective tip at base fee 10: min(tip, cap - 10).
        TxPoolResult a0 = pool.Add(Dyn(Key(0), 0, Gwei * 1, Gwei * 30));   // 1
        TxPoolResult a1 = pool.Add(Dyn(Key(0), 1, Gwei * 9, Gwei * 30));   // 9, but only after a0
        TxPoolResult b0 = pool.Add(Dyn(Key(1), 0, Gwei * 8, Gwei * 13));   // min(8, 3) = 3
        TxPoolResult c0 = pool.Add(Legacy(Key(2), 0, Gwei * 15));          // 15 - 10 = 5
        IReadOnlyList<PooledTransaction> picked = pool.SelectForBlock(Gwei * 10, 30_000_000, 10);
        Assert.Equal([c0.Hash, b0.Hash, a0.Hash, a1.Hash], Hashes(picked));

        // At base fee 0 the order changes: b0 pays 8, c0 15, a0 1.
        picked = pool.SelectForBlock(UInt256.Zero, 30_000_000, 10);
        Assert.Equal([c0.Hash, b0.Hash, a0.Hash, a1.Hash], Hashes(picked));
        // At base fee 14 b0 (cap 13) cannot be included.
        picked = pool.SelectForBlock(Gwei * 14, 30_000_000, 10);
        Assert.Equal([a0.Hash, a1.Hash, c0.Hash], Hashes(picked)); // a0 tip 1, then a1 tip 9 > c0 tip 1 (arrival breaks a0/c0)
    }

    [Fact]
    public void EqualTipsGoInArrivalOrder()
    {
        var pool = Pool(Funded(3));
        TxPoolResult c = pool.Add(Dyn(Key(2), 0, Gwei, Gwei * 2));
        TxPoolResult a = pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2));
        TxPoolResult b = pool.Add(Dyn(Key(1), 0, Gwei, Gwei * 2));
        Assert.Equal([c.Hash, a.Hash, b.Hash], Hashes(pool.SelectForBlock(Gwei, 30_000_000, 10)));
    }

    [Fact]
    public void SelectionStopsAtGasAndCount()
    {
        var pool = Pool(Funded(2));
        pool.Add(Dyn(Key(0), 0, Gwei * 5, Gwei * 10, gas: 50_000));
        pool.Add(Dyn(Key(0), 1, Gwei * 5, Gwei * 10, gas: 21_000));
        pool.Add(Dyn(Key(1), 0, Gwei * 1, Gwei * 10, gas: 21_000));
        // 60k gas: key 0 nonce 0 (50k) fits, then neither 21k transaction fits in the 10k left.
        Assert.Single(pool.SelectForBlock(Gwei, 60_000, 10));
        // 40k gas: key 0 nonce 0 does not fit, so key 0 contributes nothing (nonce 1 cannot go first); key 1 fits.
        IReadOnlyList<PooledTransaction> picked = pool.SelectForBlock(Gwei, 40_000, 10);
        Assert.Equal(AddressOf(Key(1)), Assert.Single(picked).Sender);
        Assert.Equal(2, pool.SelectForBlock(Gwei, 30_000_000, 2).Count);
        Assert.Empty(pool.SelectForBlock(Gwei, 30_000_000, 0));
        Assert.Equal(3, pool.Count); // selection does not remove
    }

    [Fact]
    public void NewHeadRemovesIncludedAndStaleAndPromotes()
    {
        var state = Funded(2);
        var pool = Pool(state);
        var removed = new List<TxRemoval>();
        pool.TransactionRemoved += removed.Add;
        byte[] k0 = Key(0), k1 = Key(1);
        TxPoolResult a0 = pool.Add(Dyn(k0, 0, Gwei, Gwei * 2));
        TxPoolResult a1 = pool.Add(Dyn(k0, 1, Gwei, Gwei * 2));
        TxPoolResult b0 = pool.Add(Dyn(k1, 0, Gwei, Gwei * 2));
        TxPoolResult b2 = pool.Add(Dyn(k1, 2, Gwei, Gwei * 2));
        Assert.Equal((3, 1), (pool.PendingCount, pool.QueuedCount));

        // Block: a0 included; key 1's nonce 0 and 1 were used by transactions from elsewhere (nonce now 2).
        state.Set(AddressOf(k0), 1, Ether * 999);
        state.Set(AddressOf(k1), 2, Ether * 999);
        pool.OnNewHead(state, Gwei * 2, [a0.Hash]);

        Assert.False(pool.Contains(a0.Hash));
        Assert.False(pool.Contains(b0.Hash)); // stale
        Assert.True(pool.IsPending(a1.Hash));
        Assert.True(pool.IsPending(b2.Hash)); // promoted: the gap is now below the state nonce
        Assert.Equal((2, 0), (pool.PendingCount, pool.QueuedCount));
        Assert.Equal(2UL, pool.GetPendingNonce(AddressOf(k0)));
        Assert.Equal(3UL, pool.GetPendingNonce(AddressOf(k1)));
        Assert.Equal(Gwei * 2, pool.BaseFee);
        Assert.Equal(2, removed.Count);
        Assert.Contains(removed, r => r.Transaction.Hash == a0.Hash && r.Reason == TxRemovalReason.Included);
        Assert.Contains(removed, r => r.Transaction.Hash == b0.Hash && r.Reason == TxRemovalReason.Stale);

        // The new base fee applies to admissions: a cap of 1.5 gwei is now too low.
        Assert.Equal(TxPoolError.FeeCapBelowBaseFee, pool.Add(Dyn(k0, 2, Gwei / 2, Gwei * 3 / 2)).Error);
    }

    [Fact]
    public void NewHeadDropsWhatTheBalanceNoLongerCovers()
    {
        var state = Funded(1);
        var pool = Pool(state);
        byte[] k = Key(0);
        UInt256 cost = (UInt256)21000UL * (Gwei * 2);
        TxPoolResult t0 = pool.Add(Dyn(k, 0, Gwei, Gwei * 2));
        TxPoolResult t1 = pool.Add(Dyn(k, 1, Gwei, Gwei * 2, value: Ether));
        TxPoolResult t2 = pool.Add(Dyn(k, 2, Gwei, Gwei * 2));
        // The balance drops to two bare transfers: t1 (needs 1 ether more) goes, t0 and t2 stay, t2 now behind a gap.
        state.Set(AddressOf(k), 0, cost * 2);
        pool.OnNewHead(state, Gwei, []);
        Assert.True(pool.IsPending(t0.Hash));
        Assert.False(pool.Contains(t1.Hash));
        Assert.True(pool.Contains(t2.Hash));
        Assert.False(pool.IsPending(t2.Hash));
        Assert.Equal(1UL, pool.GetPendingNonce(AddressOf(k)));
    }

    [Fact]
    public void NewHeadDropsEverythingOfASenderThatNowHasCode()
    {
        var state = Funded(2);
        var pool = Pool(state);
        var removed = new List<TxRemoval>();
        pool.TransactionRemoved += removed.Add;
        pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2));
        pool.Add(Dyn(Key(0), 3, Gwei, Gwei * 2));
        TxPoolResult other = pool.Add(Dyn(Key(1), 0, Gwei, Gwei * 2));
        state.Set(AddressOf(Key(0)), 0, Ether, Keccak256.Compute([0x00]));
        pool.OnNewHead(state, Gwei, []);
        Assert.Equal(1, pool.Count);
        Assert.True(pool.Contains(other.Hash));
        Assert.Equal(2, removed.Count);
        Assert.All(removed, r => Assert.Equal(TxRemovalReason.Invalidated, r.Reason));
    }

    [Fact]
    public async Task AddsDuringAHeadChangeSeeTheNewHeadAfterwards()
    {
        // A sender first seen while OnNewHead reads accounts is re-read from the new head before the change completes.
        var oldHead = Funded(2);
        var newHead = Funded(2);
        newHead.Set(AddressOf(Key(1)), 4, Ether);
        var pool = Pool(oldHead);
        pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2));
        var gate = new BlockingState(newHead);
        var change = Task.Run(() => pool.OnNewHead(gate, Gwei, []));
        Assert.True(gate.Reading.Wait(TimeSpan.FromSeconds(10)));
        // Key 1 is unknown to the pool: loaded from the old head (nonce 0), so nonce 0 is accepted now ...
        TxPoolResult early = pool.Add(Dyn(Key(1), 0, Gwei, Gwei * 2));
        Assert.True(early.Accepted, early.Message);
        gate.Release.Set();
        await change.WaitAsync(TimeSpan.FromSeconds(10));
        // ... and dropped as stale once the new head (nonce 4) is in place.
        Assert.False(pool.Contains(early.Hash));
        Assert.Equal(4UL, pool.GetPendingNonce(AddressOf(Key(1))));
    }

    /// <summary>A state whose first account read blocks until released, to interleave with Add.</summary>
    private sealed class BlockingState(MapState inner) : Lockstep.State.IStateReader
    {
        public readonly ManualResetEventSlim Reading = new();
        public readonly ManualResetEventSlim Release = new();
        private int _reads;

        public bool TryGetAccount(in Address address, out Lockstep.State.AccountState account)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                Reading.Set();
                Release.Wait(TimeSpan.FromSeconds(10));
            }
            return inner.TryGetAccount(address, out account);
        }

        public UInt256 GetStorage(in Address address, in UInt256 key) => UInt256.Zero;
        public byte[] GetCode(in Hash256 codeHash) => [];
    }

    [Fact]
    public void RemoveLeavesLaterNoncesQueued()
    {
        var pool = Pool(Funded(1));
        byte[] k = Key(0);
        pool.Add(Dyn(k, 0, Gwei, Gwei * 2));
        TxPoolResult t1 = pool.Add(Dyn(k, 1, Gwei, Gwei * 2));
        pool.Add(Dyn(k, 2, Gwei, Gwei * 2));
        var removed = new List<TxRemoval>();
        pool.TransactionRemoved += removed.Add;
        Assert.True(pool.Remove(t1.Hash, "cross-rollup action reverted"));
        Assert.False(pool.Remove(t1.Hash, "again"));
        Assert.Equal((1, 1), (pool.PendingCount, pool.QueuedCount));
        Assert.Equal([0UL], Nonces(pool.SelectForBlock(Gwei, 30_000_000, 10)));
        TxRemoval r = Assert.Single(removed);
        Assert.Equal((TxRemovalReason.Removed, "cross-rollup action reverted"), (r.Reason, r.Detail));
        // Refilling the gap promotes nonce 2 again.
        Assert.True(pool.Add(Dyn(k, 1, Gwei, Gwei * 2, value: 1)).Accepted);
        Assert.Equal(3, pool.PendingCount);
    }

    [Fact]
    public void AddedEventCarriesThePooledTransaction()
    {
        var pool = Pool(Funded(1));
        var seen = new List<PooledTransaction>();
        pool.TransactionAdded += seen.Add;
        Transaction tx = Dyn(Key(0), 0, Gwei, Gwei * 2, value: 5);
        TxPoolResult r = pool.Add(tx.Encode());
        PooledTransaction p = Assert.Single(seen);
        Assert.Equal(r.Hash, p.Hash);
        Assert.Equal(tx.Encode(), p.Raw);
        Assert.Equal(AddressOf(Key(0)), p.Sender);
        // value + gasLimit * maxFeePerGas
        Assert.Equal((UInt256)21000UL * (Gwei * 2) + 5, p.MaxCost);
    }

    private static List<Hash256> Hashes(IReadOnlyList<PooledTransaction> txs)
    {
        var list = new List<Hash256>();
        foreach (PooledTransaction tx in txs) list.Add(tx.Hash);
        return list;
    }
}
