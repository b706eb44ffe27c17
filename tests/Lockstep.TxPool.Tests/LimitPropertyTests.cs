using CsCheck;
using Lockstep.Primitives;
using Lockstep.Transactions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>
/// Random sequences in a tiny pool (limits hit all the time, balances that only cover a few transactions and shrink
/// at new heads): every transaction that leaves the pool does so for a reason that was true at that moment, and the
/// limits, the balance cover and the nonce floor hold after every step.
/// </summary>
public sealed class LimitPropertyTests
{
    private const int Senders = 5, MaxPerSender = 3, MaxTotal = 6;
    private static readonly byte[][] Keys = [Key(40), Key(41), Key(42), Key(43), Key(44)];
    private static readonly Address[] Addresses = [AddressOf(Keys[0]), AddressOf(Keys[1]), AddressOf(Keys[2]), AddressOf(Keys[3]), AddressOf(Keys[4])];
    private static readonly UInt256 TransferAtMaxCap = (UInt256)21000UL * (Gwei * 8);

    [Fact]
    public void EveryDepartureHasATrueReasonAndLimitsHold() =>
        Gen.Int[0, int.MaxValue].Array[1, 60].Sample(Run, iter: 150, threads: 1);

    private static void Run(int[] program)
    {
        var state = new MapState();
        for (int s = 0; s < Senders; s++) state.Set(Addresses[s], 0, TransferAtMaxCap * (ulong)(1 + s % 4));
        var options = new TxPoolOptions { ChainId = ChainId, MaxPerSender = MaxPerSender, MaxTotal = MaxTotal, MaxNonceGap = 3 };
        var pool = new TransactionPool(options, state, Gwei);
        var model = new Dictionary<Hash256, PooledTransaction>();

        // Which operation ran last, for the failure message; departures are checked against it below.
        string phase = "";
        HashSet<Hash256> includedNow = [];
        var departures = new List<TxRemoval>();
        pool.TransactionRemoved += departures.Add;

        foreach (int op in program)
        {
            int p = op / 4;
            departures.Clear();
            var before = new Dictionary<Hash256, PooledTransaction>(model);
            switch (op % 4)
            {
                case 0:
                case 1:
                {
                    int s = p % Senders;
                    ulong stateNonce = state.Get(Addresses[s]).Nonce;
                    long offset = (p / Senders) % 6 - 1;
                    ulong nonce = offset < 0 && stateNonce == 0 ? 0 : (ulong)((long)stateNonce + offset);
                    UInt256 tip = Gwei * (ulong)((p / 30) % 7);
                    UInt256 cap = tip + Gwei * (ulong)(1 + (p / 210) % 2);
                    Transaction adding = Dyn(Keys[s], nonce, tip, cap, value: (ulong)((p / 420) % 2));
                    phase = "add";
                    TxPoolResult r = pool.Add(adding);
                    if (r.Accepted)
                    {
                        Assert.True(pool.TryGet(r.Hash, out PooledTransaction added));
                        model[r.Hash] = added;
                    }
                    else Assert.Empty(departures);
                    foreach (TxRemoval d in departures)
                    {
                        Assert.True(r.Accepted);
                        Assert.True(before.ContainsKey(d.Transaction.Hash));
                        if (d.Reason == TxRemovalReason.Replaced)
                        {
                            Assert.Equal((AddressOf(Keys[s]), nonce), (d.Transaction.Sender, d.Transaction.Nonce));
                        }
                        else
                        {
                            Assert.Equal(TxRemovalReason.Evicted, d.Reason);
                            // Only at a limit, and only a sender's highest nonce (never a gap below a kept one).
                            int senderCount = Count(before, AddressOf(Keys[s]));
                            Assert.True(before.Count >= MaxTotal || senderCount >= MaxPerSender);
                            foreach (PooledTransaction other in before.Values)
                                if (other.Sender == d.Transaction.Sender) Assert.True(other.Nonce <= d.Transaction.Nonce);
                        }
                        model.Remove(d.Transaction.Hash);
                    }
                    break;
                }
                case 2:
                {
                    IReadOnlyList<PooledTransaction> picked = pool.SelectForBlock(Gwei, 30_000_000, 100);
                    ConcurrencyTests.AssertNonceOrder(picked, state);
                    int count = picked.Count == 0 ? 0 : p % (picked.Count + 1);
                    includedNow = [];
                    for (int i = 0; i < count; i++)
                    {
                        PooledTransaction tx = picked[i];
                        includedNow.Add(tx.Hash);
                        var account = state.Get(tx.Sender);
                        // Execution spends at most the transaction's max cost.
                        state.Set(tx.Sender, tx.Nonce + 1, account.Balance - tx.MaxCost);
                    }
                    // Sometimes a balance shrinks for reasons the pool cannot see (a cheaper bound than it assumed).
                    if ((p / 7) % 3 == 0)
                    {
                        Address a = Addresses[(p / 21) % Senders];
                        var account = state.Get(a);
                        state.Set(a, account.Nonce, account.Balance / 2);
                    }
                    phase = "head";
                    pool.OnNewHead(state, Gwei, includedNow);
                    foreach (TxRemoval d in departures)
                    {
                        Assert.True(before.ContainsKey(d.Transaction.Hash));
                        switch (d.Reason)
                        {
                            case TxRemovalReason.Included: Assert.Contains(d.Transaction.Hash, includedNow); break;
                            case TxRemovalReason.Stale: Assert.True(d.Transaction.Nonce < state.Get(d.Transaction.Sender).Nonce); break;
                            case TxRemovalReason.Unaffordable: Assert.True(d.Transaction.MaxCost > UInt256.Zero); break;
                            default: Assert.Fail($"{d.Reason} at a new head"); break;
                        }
                        model.Remove(d.Transaction.Hash);
                    }
                    // Nothing included may stay.
                    foreach (Hash256 h in includedNow) Assert.False(model.ContainsKey(h));
                    break;
                }
                default:
                    if (model.Count > 0)
                    {
                        var hashes = new List<Hash256>(model.Keys);
                        hashes.Sort((x, y) => model[x].ArrivalSequence.CompareTo(model[y].ArrivalSequence));
                        Hash256 removingNow = hashes[p % hashes.Count];
                        phase = "remove";
                        Assert.True(pool.Remove(removingNow, "test"));
                        TxRemoval d = Assert.Single(departures);
                        Assert.Equal((removingNow, TxRemovalReason.Removed), (d.Transaction.Hash, d.Reason));
                        model.Remove(removingNow);
                    }
                    break;
            }

            // Exactly the model's transactions, within the limits, each sender covered by its balance, no stale nonce.
            var inPool = new HashSet<Hash256>();
            foreach (PooledTransaction tx in pool.All()) inPool.Add(tx.Hash);
            Assert.True(inPool.SetEquals(model.Keys), $"pool and model differ after {phase}");
            Assert.True(pool.Count <= MaxTotal);
            for (int s = 0; s < Senders; s++)
            {
                var account = state.Get(Addresses[s]);
                UInt256 cost = UInt256.Zero;
                int n = 0;
                foreach (PooledTransaction tx in model.Values)
                {
                    if (tx.Sender != Addresses[s]) continue;
                    n++;
                    // value + gasLimit * maxFeePerGas, recomputed from the transaction itself.
                    cost += tx.Transaction.Value + (UInt256)tx.GasLimit * tx.Transaction.MaxFeePerGas;
                    Assert.True(tx.Nonce >= account.Nonce);
                }
                Assert.True(n <= MaxPerSender);
                Assert.True(cost <= account.Balance, "pooled cost exceeds the balance");
            }
        }
    }

    private static int Count(Dictionary<Hash256, PooledTransaction> set, Address sender)
    {
        int n = 0;
        foreach (PooledTransaction tx in set.Values) if (tx.Sender == sender) n++;
        return n;
    }
}
