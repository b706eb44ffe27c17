using CsCheck;
using Lockstep.Primitives;
using Lockstep.Transactions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>
/// Random add / select / new-head / remove sequences against a model kept by the test itself: the pool holds exactly
/// the accepted transactions not yet included, replaced, made stale or removed; selection is per sender in nonce
/// order from the state nonce, always the best-paying available head, and complete; admissions the model knows
/// must succeed do.
/// </summary>
public sealed class PropertyTests
{
    private const int Senders = 4;
    private static readonly byte[][] Keys = [Key(20), Key(21), Key(22), Key(23)];
    private static readonly Address[] Addresses = [AddressOf(Keys[0]), AddressOf(Keys[1]), AddressOf(Keys[2]), AddressOf(Keys[3])];

    private sealed record Entry(int Sender, ulong Nonce, UInt256 Tip, UInt256 Cap, long Arrival, Hash256 Hash);

    [Fact]
    public void RandomSequencesKeepTheInvariants() =>
        Gen.Int[0, int.MaxValue].Array[1, 80].Sample(Run, iter: 150, threads: 1);

    private static void Run(int[] program)
    {
        var state = new MapState();
        foreach (Address a in Addresses) state.Set(a, 0, Ether * 1000);
        UInt256 baseFee = Gwei;
        var pool = new TransactionPool(new TxPoolOptions { ChainId = ChainId }, state, baseFee);
        var model = new Dictionary<Hash256, Entry>();
        long arrivals = 0;

        foreach (int op in program)
        {
            int p = op / 10;
            switch (op % 10)
            {
                case <= 5:
                {
                    int s = p % Senders;
                    ulong stateNonce = state.Get(Addresses[s]).Nonce;
                    long offset = (p / 4) % 7 - 1;
                    ulong nonce = offset < 0 && stateNonce == 0 ? 0 : (ulong)((long)stateNonce + offset);
                    UInt256 tip = Gwei * (ulong)((p / 28) % 5);
                    UInt256 cap = tip + Gwei * (ulong)((p / 140) % 4);
                    Transaction tx = Dyn(Keys[s], nonce, tip, cap, value: (ulong)((p / 560) % 3));
                    Entry? existing = null;
                    foreach (Entry e in model.Values) if (e.Sender == s && e.Nonce == nonce) existing = e;
                    bool mustAccept = existing is null && !model.ContainsKey(tx.Hash) && cap >= baseFee && nonce == ModelPendingNonce(model, state, s);

                    TxPoolResult r = pool.Add(tx.Encode());
                    Assert.Equal(tx.Hash, r.Hash);
                    if (mustAccept) Assert.True(r.Accepted, r.Message);
                    if (r.Accepted)
                    {
                        Assert.True(nonce >= stateNonce);
                        Assert.True(cap >= baseFee);
                        if (existing is not null)
                        {
                            // geth's replacement rule: strictly higher and at least +10% on both caps.
                            Assert.True(tip > existing.Tip && cap > existing.Cap);
                            Assert.True(tip * 100 >= existing.Tip * 110 && cap * 100 >= existing.Cap * 110);
                            model.Remove(existing.Hash);
                        }
                        model.Add(tx.Hash, new Entry(s, nonce, tip, cap, arrivals++, tx.Hash));
                    }
                    else if (r.Error == TxPoolError.ReplacementUnderpriced) Assert.NotNull(existing);
                    else if (r.Error == TxPoolError.AlreadyKnown) Assert.True(model.ContainsKey(tx.Hash));
                    else if (r.Error == TxPoolError.NonceTooLow) Assert.True(nonce < stateNonce);
                    else Assert.Equal(TxPoolError.FeeCapBelowBaseFee, r.Error);
                    break;
                }
                case 6:
                    CheckSelection(pool, model, state, baseFee, (p % 10) + 1);
                    break;
                case 7:
                {
                    IReadOnlyList<PooledTransaction> picked = pool.SelectForBlock(baseFee, 30_000_000, 100);
                    int included = picked.Count == 0 ? 0 : p % (picked.Count + 1);
                    var hashes = new List<Hash256>();
                    for (int i = 0; i < included; i++)
                    {
                        hashes.Add(picked[i].Hash);
                        AccountStateBump(state, picked[i].Sender, picked[i].Nonce + 1);
                        model.Remove(picked[i].Hash);
                    }
                    // Sometimes a sender's nonce moves by a transaction the pool never saw.
                    if ((p / 100) % 4 == 0)
                    {
                        Address a = Addresses[(p / 400) % Senders];
                        AccountStateBump(state, a, state.Get(a).Nonce + 1);
                    }
                    baseFee = Gwei * (ulong)((p / 1600) % 3);
                    pool.OnNewHead(state, baseFee, hashes);
                    var stale = new List<Hash256>();
                    foreach (Entry e in model.Values) if (e.Nonce < state.Get(Addresses[e.Sender]).Nonce) stale.Add(e.Hash);
                    foreach (Hash256 h in stale) model.Remove(h);
                    break;
                }
                case 8:
                    if (model.Count > 0)
                    {
                        var ordered = new List<Entry>(model.Values);
                        ordered.Sort((x, y) => x.Arrival.CompareTo(y.Arrival));
                        Entry victim = ordered[p % ordered.Count];
                        Assert.True(pool.Remove(victim.Hash, "test"));
                        model.Remove(victim.Hash);
                    }
                    break;
                default:
                    Assert.Equal(PendingRuns(model, state), pool.PendingCount);
                    break;
            }

            // The pool holds exactly the model's transactions.
            var inPool = new HashSet<Hash256>();
            foreach (PooledTransaction tx in pool.All()) inPool.Add(tx.Hash);
            Assert.True(inPool.SetEquals(model.Keys), "pool and model differ");
            Assert.Equal(model.Count, pool.Count);
            Assert.Equal(PendingRuns(model, state), pool.PendingCount);
            for (int s = 0; s < Senders; s++) Assert.Equal(ModelPendingNonce(model, state, s), pool.GetPendingNonce(Addresses[s]));
        }
    }

    private static void AccountStateBump(MapState state, Address a, ulong nonce)
    {
        if (nonce > state.Get(a).Nonce) state.Set(a, nonce, state.Get(a).Balance);
    }

    private static ulong ModelPendingNonce(Dictionary<Hash256, Entry> model, MapState state, int s)
    {
        ulong next = state.Get(Addresses[s]).Nonce;
        while (Find(model, s, next) is not null) next++;
        return next;
    }

    private static int PendingRuns(Dictionary<Hash256, Entry> model, MapState state)
    {
        int total = 0;
        for (int s = 0; s < Senders; s++) total += (int)(ModelPendingNonce(model, state, s) - state.Get(Addresses[s]).Nonce);
        return total;
    }

    private static Entry? Find(Dictionary<Hash256, Entry> model, int s, ulong nonce)
    {
        foreach (Entry e in model.Values) if (e.Sender == s && e.Nonce == nonce) return e;
        return null;
    }

    private static UInt256 EffectiveTip(Entry e, UInt256 baseFee) => e.Cap - baseFee < e.Tip ? e.Cap - baseFee : e.Tip;

    /// <summary>
    /// Replays the selection on the model: at every step the chosen transaction must be the next nonce of its sender
    /// and pay at least the effective tip of every other sender's next executable transaction (ties: earlier arrival);
    /// when the count limit is not reached, every executable transaction must have been chosen.
    /// </summary>
    private static void CheckSelection(TransactionPool pool, Dictionary<Hash256, Entry> model, MapState state, UInt256 baseFee, int maxCount)
    {
        IReadOnlyList<PooledTransaction> picked = pool.SelectForBlock(baseFee, 30_000_000, maxCount);
        ConcurrencyTests.AssertNonceOrder(picked, state);
        var next = new ulong[Senders];
        for (int s = 0; s < Senders; s++) next[s] = state.Get(Addresses[s]).Nonce;
        foreach (PooledTransaction tx in picked)
        {
            Entry chosen = model[tx.Hash];
            Assert.True(chosen.Cap >= baseFee);
            for (int s = 0; s < Senders; s++)
            {
                Entry? head = Find(model, s, next[s]);
                if (head is null || head.Cap < baseFee || s == chosen.Sender) continue;
                UInt256 a = EffectiveTip(chosen, baseFee), b = EffectiveTip(head, baseFee);
                Assert.True(a > b || (a == b && chosen.Arrival < head.Arrival), "a better-paying head was passed over");
            }
            next[chosen.Sender]++;
        }
        if (picked.Count < maxCount)
        {
            for (int s = 0; s < Senders; s++)
            {
                Entry? head = Find(model, s, next[s]);
                Assert.True(head is null || head.Cap < baseFee, "an executable transaction was left out");
            }
        }
    }
}
