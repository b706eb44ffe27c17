using Lockstep.Primitives;
using Lockstep.Transactions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>RPC threads add while the block producer selects and advances the head.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ParallelAddsWithConcurrentSelectionLoseNothing()
    {
        const int threads = 6, perThread = 60;
        var state = Funded(threads + 1);
        // Pre-sign outside the timed part: each thread owns a sender, and all threads also race on one shared sender.
        var own = new Transaction[threads][];
        var shared = new Transaction[threads * 10];
        for (int t = 0; t < threads; t++)
        {
            own[t] = new Transaction[perThread];
            // Reverse nonce order: most arrive queued and are promoted as the gap closes.
            for (int i = 0; i < perThread; i++) own[t][i] = Dyn(Key(t), (ulong)(perThread - 1 - i), Gwei, Gwei * 2);
        }
        for (int i = 0; i < shared.Length; i++) shared[i] = Dyn(Key(threads), (ulong)i, Gwei * 2, Gwei * 3);

        var options = new TxPoolOptions { ChainId = ChainId, MaxPerSender = 100, MaxNonceGap = 100 };
        var pool = new TransactionPool(options, state, Gwei);
        int addedEvents = 0;
        pool.TransactionAdded += _ => Interlocked.Increment(ref addedEvents);
        int acceptedShared = 0;
        using var stop = new CancellationTokenSource();
        var selector = Task.Run(() =>
        {
            int rounds = 0;
            while (!stop.IsCancellationRequested || rounds == 0)
            {
                AssertNonceOrder(pool.SelectForBlock(Gwei, 30_000_000, 1000), state);
                rounds++;
            }
            return rounds;
        });
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                Assert.True(pool.Add(own[t][i].Encode()).Accepted);
                if (i % 6 == 0)
                {
                    // Every thread submits the shared sender's transactions too: each is accepted once, then "already known".
                    for (int j = 0; j < shared.Length; j += 7)
                    {
                        TxPoolResult r = pool.Add(shared[(j + t) % shared.Length]);
                        if (r.Accepted) Interlocked.Increment(ref acceptedShared);
                        else Assert.Equal(TxPoolError.AlreadyKnown, r.Error);
                    }
                }
            }
        });
        stop.Cancel();
        Assert.True(await selector > 0);

        Assert.Equal(threads * perThread + acceptedShared, pool.Count);
        Assert.Equal(pool.Count, addedEvents);
        for (int t = 0; t < threads; t++) Assert.Equal((ulong)perThread, pool.GetPendingNonce(AddressOf(Key(t))));
        IReadOnlyList<PooledTransaction> all = pool.SelectForBlock(Gwei, ulong.MaxValue, int.MaxValue);
        Assert.Equal(pool.PendingCount, all.Count);
        AssertNonceOrder(all, state);
    }

    /// <summary>Per sender: consecutive nonces from the state nonce, in order.</summary>
    internal static void AssertNonceOrder(IReadOnlyList<PooledTransaction> selected, MapState state)
    {
        var next = new Dictionary<Address, ulong>();
        var seen = new HashSet<Hash256>();
        foreach (PooledTransaction tx in selected)
        {
            Assert.True(seen.Add(tx.Hash), "selected twice");
            ulong expected = next.TryGetValue(tx.Sender, out ulong n) ? n : state.Get(tx.Sender).Nonce;
            Assert.Equal(expected, tx.Nonce);
            next[tx.Sender] = expected + 1;
        }
    }
}
