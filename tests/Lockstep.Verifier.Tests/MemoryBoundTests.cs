using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// A long-running verifier's memory stays bounded (issue 6): verdicts beyond a recent window live only in the store
/// (readable on demand), scanned submission events and consumed L1 deposits are dropped once their superbatch is
/// verified. Counted, not timed.
/// </summary>
public class MemoryBoundTests
{
    [Fact]
    public void The_verdict_store_keeps_a_recent_window_in_memory_and_every_verdict_on_disk()
    {
        using var db = new MemoryKeyValueStore();
        var store = new VerdictStore(db, window: 16);
        const int n = 10_000;
        for (ulong i = 0; i < n; i++) store.Put(Verdict(i, VerdictKind.Ok));
        // A rejected index comes again with another hash: both submissions are kept.
        store.Put(Verdict(n - 1, VerdictKind.StateRootMismatch, salt: 1));

        Assert.Equal(n + 1L, store.Count);
        IReadOnlyList<SuperbatchVerdict> recent = store.Recent;
        Assert.Equal(16, recent.Count);
        Assert.Equal((ulong)n - 15, recent[0].Index); // the newest 16 submissions: indexes 9985..9999, the last twice
        Assert.Equal([VerdictKind.Ok, VerdictKind.StateRootMismatch], recent.Skip(14).Select(v => v.Kind).ToArray());
        // Older verdicts are read from the store on demand.
        Assert.Equal(Verdict(7, VerdictKind.Ok), store.Get(7, Hash(7, 0)));
        Assert.Null(store.Get(7, Hash(7, 1)));
        Assert.Equal(2, store.ReadAt(n - 1).Count);
        Assert.Single(store.ReadAt(12));
        // Replacing a verdict does not count twice.
        store.Put(Verdict(12, VerdictKind.Ok) with { ActionError = "replaced" });
        Assert.Equal(n + 1L, store.Count);
        Assert.Equal("replaced", store.Get(12, Hash(12, 0))!.ActionError);

        // Reopened: the same count and window, loaded from the store.
        var reopened = new VerdictStore(db, window: 16);
        Assert.Equal(n + 1L, reopened.Count);
        Assert.Equal(recent.Select(v => (v.Index, v.SuperbatchHash)), reopened.Recent.Select(v => (v.Index, v.SuperbatchHash)));
    }

    [Fact]
    public async Task A_verifier_over_a_long_sequence_holds_a_bounded_number_of_verdicts_and_submission_events()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
        const int superbatches = 40;
        for (int i = 0; i < superbatches; i++)
        {
            h.Build(burns: i % 2);
            await h.PostAsync();
        }
        await using var v = new SetVerifier(h.L1, new VerifierOptions
        {
            Inbox = h.Deployment.Inbox, Geneses = FraudHarness.Geneses(), VerdictWindow = 8, MaxLogRange = 10,
        });
        int mostEvents = 0;
        v.VerdictReached += _ => mostEvents = Math.Max(mostEvents, v.PendingSubmissionEvents);
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();

        Assert.Equal(superbatches, verdicts.Count);
        Assert.All(verdicts, x => Assert.Equal(VerdictKind.Ok, x.Kind));
        Assert.Equal((long)superbatches, v.Verdicts.Count);
        Assert.Equal(8, v.Verdicts.Recent.Count);
        Assert.Equal(verdicts[3], v.Verdicts.Get(3, verdicts[3].SuperbatchHash)); // out of the window: from the store
        // Events are read one 10-block chunk at a time and dropped once verified: never the whole history at once
        // (instant mode: at most one submission per L1 block), none left at the end.
        Assert.InRange(mostEvents, 0, 10);
        Assert.Equal(0, v.PendingSubmissionEvents);
    }

    [Fact]
    public async Task Deposits_consumed_by_verified_superbatches_are_dropped_and_later_ones_still_match_the_L1_queue()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
        h.EnableDeposits();
        async Task RoundAsync(int round)
        {
            await h.DepositEthAsync(3, 902, FraudHarness.Accounts[4].Address, new UInt256(1_000 + (ulong)round));
            await h.DepositEthAsync(4, 901, FraudHarness.Accounts[5].Address, new UInt256(2_000 + (ulong)round));
            Assert.Equal(2, await h.PollDepositsAsync());
            h.Build(burns: 0);
            await h.PostAsync();
        }
        for (int round = 0; round < 3; round++) await RoundAsync(round);

        await using SetVerifier v = h.NewVerifier(challenge: false);
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
        Assert.Equal([VerdictKind.Ok, VerdictKind.Ok, VerdictKind.Ok], verdicts.Select(x => x.Kind));
        Assert.Equal(0, v.PendingDeposits); // all 6 consumed by verified superbatches
        // Deposits #6, #7 arrive later: checked against the queue hash chained from superbatch 2's commitment.
        await RoundAsync(3);
        SuperbatchVerdict next = Assert.Single(await v.SyncAsync());
        Assert.Equal((3UL, VerdictKind.Ok), (next.Index, next.Kind));
        Assert.Equal(0, v.PendingDeposits);
        for (int r = 0; r < 2; r++) Assert.Equal(h.Set.Chains[r].Head.Hash, v.Chains[r].Head.Hash);
    }

    private static Hash256 Hash(ulong index, int salt) => Keccak256.Compute([.. BitConverter.GetBytes(index), (byte)salt]);

    private static SuperbatchVerdict Verdict(ulong index, VerdictKind kind, int salt = 0) =>
        new(index, Hash(index, salt), kind, 901, 0, Hash256.Zero, Hash256.Zero, $"verdict {index}", index * 2);
}
