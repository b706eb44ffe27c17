using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.State;
using Lockstep.SystemContracts;
using Lockstep.Verifier;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// Issue 6, "the set resumes with an honest sequencer; users' balances after recovery equal an honest run's": the same
/// seeded workload runs honestly (no L1) and with each injected fault at superbatch 1 of 3 (superblock 3); against the
/// embedded L1 and against anvil the verifier detects the fault and settles it on L1 (a cross-rollup fault by the shared
/// fraud proof; a forged state root by a bonded flag that the arbiter, re-deriving the superbatch itself, upholds), L1
/// slashes the cheater and rejects superbatches 1-2, the sequencer process recovers (rewind to superblock 2, honest
/// rebuild) and the second bonded sequencer posts from index 1. Then balances, state roots and block hashes equal the
/// honest run's.
/// </summary>
public class RecoveryEndToEndTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seed = 6;

    private static readonly Lazy<(SortedDictionary<string, string> Balances, Hash256[] Roots, Hash256[] Hashes)> HonestRun = new(() =>
    {
        RecoverySet s = RecoverySet.Open();
        try
        {
            Workload.RunAsync(s, Seed).GetAwaiter().GetResult();
            foreach (var sb in s.Set.Chains) Assert.Equal((ulong)Workload.Heights, sb.Head.Number);
            return (RecoverySet.Snapshot(s.Set), [.. s.Set.Chains.Select(c => c.Head.StateRoot)], [.. s.Set.Chains.Select(c => c.Head.Hash)]);
        }
        finally { s.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    });

    public static TheoryData<FaultKind, bool> Cases => new()
    {
        { FaultKind.DropMint, false }, { FaultKind.MintWithoutBurn, false }, { FaultKind.ReorderMessages, false },
        { FaultKind.DropMint, true }, { FaultKind.MintWithoutBurn, true }, { FaultKind.ReorderMessages, true },
        { FaultKind.ForgeStateRoot, false }, { FaultKind.ForgeStateRoot, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task After_a_proven_fault_the_set_recovers_and_balances_equal_the_honest_run(FaultKind kind, bool anvil)
    {
        var honest = HonestRun.Value;
        bool forge = kind == FaultKind.ForgeStateRoot;
        // A forged root is the poster's lie (the chain itself is honest); the other faults are the builder's.
        var fault = new InjectedFault(kind, Workload.FaultHeight, forge ? 902UL : null) { Recipient = RecoverySet.Unfunded.Address };
        await using RecoverySet s = forge ? RecoverySet.Open() : RecoverySet.Open(null, fault);
        await s.AttachL1Async(anvil);

        // The cheating run: superbatches {1,2} {3,4} {5,6}, posted by the first sequencer; the fault at superblock 3.
        using (BatchPoster cheater = s.NewPoster(RecoverySet.Cheater, forge ? new FaultInjector(devMode: true, [fault]) : null))
        {
            await Workload.RunAsync(s, Seed, async h =>
            {
                if (h % 2 == 0) Assert.True((await cheater.PostNextAsync(force: true))!.Receipt.Succeeded);
            });
        }
        Assert.Equal(3UL, await s.SuperbatchCountAsync());
        if (forge)
        {
            // The chain is the honest one; L1 holds a root for 902 at superblock 4 that no execution reaches.
            Assert.Equal(honest.Roots, s.Set.Chains.Select(c => c.Head.StateRoot).ToArray());
            Hash256 claimed = new(await s.L1!.CallAsync(s.Deployment!.Inbox, SharedInbox.StateRootOf(1, 902)));
            Assert.NotEqual(s.Set.Chains[1].GetBlock(4)!.Header.StateRoot, claimed);
        }
        else
        {
            // The cheat changed a destination's state (its inbox tree at least; balances too, unless a reorder swaps equal effects).
            Assert.NotEqual(honest.Roots, s.Set.Chains.Select(c => c.Head.StateRoot).ToArray());
            if (kind != FaultKind.ReorderMessages) Assert.NotEqual(honest.Balances, RecoverySet.Snapshot(s.Set));
        }

        // The verifier derives from L1 alone and convicts superbatch 1: it proves a cross-rollup fault itself (L1 slashes
        // and rejects 1 and 2), and flags a forged root with the bond, which the arbiter settles with its own verdict.
        await using (SetVerifier v = NewVerifier(s))
        {
            IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
            Assert.Equal(2, verdicts.Count);
            Assert.Equal(VerdictKind.Ok, verdicts[0].Kind);
            Assert.Equal((1UL, forge ? VerdictKind.StateRootMismatch : VerdictKind.CrossRootMismatch), (verdicts[1].Index, verdicts[1].Kind));
            Assert.True(verdicts[1].ActionSucceeded, verdicts[1].ActionError);
            if (forge)
            {
                Assert.Equal(3UL, await s.SuperbatchCountAsync()); // flagged: nothing rejected until the arbiter rules
                Assert.Equal(s.Set.Chains[1].GetBlock(4)!.Header.StateRoot, verdicts[1].Expected);
                await using SetVerifier own = new(s.L1!, new VerifierOptions { Inbox = s.Deployment!.Inbox, Geneses = RecoverySet.Geneses() });
                await using var arbiter = new FlagArbiter(s.L1!, own, new ArbiterOptions { Inbox = s.Deployment.Inbox, ArbiterKey = RecoverySet.Arbiter.PrivateKey });
                FlagRuling ruling = Assert.Single(await arbiter.SyncAsync());
                Assert.True(ruling.Upheld, ruling.Reason);
                Assert.True(ruling.ActionSucceeded, ruling.ActionError);
                Assert.Equal(verdicts[1].Expected, ruling.OurRoot); // its own re-execution agrees with the flagger's
            }
        }
        Assert.Equal(1UL, await s.SuperbatchCountAsync());
        Assert.Equal(UInt256.Zero, await s.BondAsync(RecoverySet.Cheater.Address));
        Assert.Equal(RecoverySet.Honest.Address, await s.LeaderAsync()); // the slashed sequencer left the schedule

        // Recovery: the sequencer process sees SuperbatchesRejected(1, 3) and rewinds to superbatch 0's last superblock.
        var recovery = new SetRecovery(s.L1!, s.Deployment!.Inbox, s.Set, s.Db);
        RecoveryReport? report = await recovery.CheckAsync();
        Assert.NotNull(report);
        Assert.Equal((2UL, 6UL, 4), (report!.LastGoodHeight, report.RejectedHeight, report.Rebuilt.Count));
        Assert.False(s.Set.FaultsArmed);
        foreach (DroppedTransaction d in report.Dropped) output.WriteLine($"{kind}: dropped {d.Transaction.Hash} on {d.ChainId} (was at {d.OriginalHeight}): {d.Reason}");
        if (kind == FaultKind.MintWithoutBurn)
        {
            // The only transaction that spent the forged mint cannot be included by an honest sequencer.
            DroppedTransaction d = Assert.Single(report.Dropped);
            Assert.Equal((902UL, 4UL), (d.ChainId, d.OriginalHeight));
            Assert.Contains("InsufficientFunds", d.Reason, StringComparison.OrdinalIgnoreCase);
        }
        else Assert.Empty(report.Dropped);
        Assert.Null(await recovery.CheckAsync()); // handled once

        // The honest continuation: the second bonded sequencer posts from index 1 on the last good superbatch.
        using (BatchPoster honestPoster = s.NewPoster(RecoverySet.Honest))
        {
            while (await honestPoster.PostNextAsync(force: true) is { } p) Assert.True(p.Receipt.Succeeded);
        }
        Assert.Equal(3UL, await s.SuperbatchCountAsync());

        // Users' balances (ETH and LST, both rollups) equal the honest run's; so do the state roots and block hashes.
        Assert.Equal(honest.Balances, RecoverySet.Snapshot(s.Set));
        Assert.Equal(honest.Roots, s.Set.Chains.Select(c => c.Head.StateRoot).ToArray());
        Assert.Equal(honest.Hashes, s.Set.Chains.Select(c => c.Head.Hash).ToArray());
        // Every outbox root equals its inbox root.
        WorldState a = s.Set.Chains[0].Store.OpenHeadState().World, b = s.Set.Chains[1].Store.OpenHeadState().World;
        Assert.Equal(Lockstep.SystemContracts.MessageTreesLayout.ReadOutboxRoot(a, 902), Lockstep.SystemContracts.MessageTreesLayout.ReadInboxRoot(b, 901));
        Assert.Equal(Lockstep.SystemContracts.MessageTreesLayout.ReadOutboxRoot(b, 901), Lockstep.SystemContracts.MessageTreesLayout.ReadInboxRoot(a, 902));

        await AssertContiguousL1Async(s);

        // A verifier started now derives the resumed chain from L1 alone and agrees: every superbatch ok.
        await using (SetVerifier fresh = NewVerifier(s))
        {
            IReadOnlyList<SuperbatchVerdict> verdicts = await fresh.SyncAsync();
            Assert.Equal([0UL, 1UL, 2UL], verdicts.Select(x => x.Index).ToArray());
            Assert.All(verdicts, x => Assert.Equal(VerdictKind.Ok, x.Kind));
            for (int r = 0; r < 2; r++) Assert.Equal(s.Set.Chains[r].Head.Hash, fresh.Chains[r].Head.Hash);
        }
    }

    private static SetVerifier NewVerifier(RecoverySet s) => new(s.L1!, new VerifierOptions
    {
        Inbox = s.Deployment!.Inbox, Geneses = RecoverySet.Geneses(), ChallengerKey = RecoverySet.Challenger.PrivateKey, PollInterval = TimeSpan.FromMilliseconds(200),
        FlagBond = RecoverySet.FlagBond,
    });

    /// <summary>L1's live superbatches chain by parent hash, cover superblocks 1..6 without gaps and claim our roots.</summary>
    private static async Task AssertContiguousL1Async(RecoverySet s)
    {
        ulong count = await s.SuperbatchCountAsync();
        var submitted = new Dictionary<Hash256, SuperbatchSubmittedEvent>();
        foreach (L1Log log in await s.L1!.GetLogsAsync(s.Deployment!.Inbox, 0, await s.L1.GetBlockNumberAsync(), SuperbatchSubmittedEvent.Topic))
            if (SuperbatchSubmittedEvent.TryDecode(log.Topics, log.Data, out SuperbatchSubmittedEvent? e)) submitted[e!.SuperbatchHash] = e;
        Hash256 parent = Hash256.Zero;
        ulong next = 1;
        for (ulong i = 0; i < count; i++)
        {
            SuperbatchRecord record = SharedInbox.DecodeSuperbatch(await s.L1.CallAsync(s.Deployment.Inbox, SharedInbox.Superbatch(i)));
            SuperbatchSubmittedEvent e = submitted[record.Hash];
            Assert.Equal((i, parent), (e.Index, e.ParentHash));
            for (int r = 0; r < 2; r++)
            {
                RollupCommitment c = e.Rollups[r];
                Assert.Equal(next, c.FirstBlock);
                Assert.Equal(s.Set.Chains[r].GetBlock(c.LastBlock)!.Header.StateRoot, c.StateRoot);
            }
            if (i >= 1) Assert.Equal(RecoverySet.Honest.Address, record.Submitter);
            parent = record.Hash;
            next = e.Rollups[0].LastBlock + 1;
        }
        Assert.Equal((ulong)Workload.Heights + 1, next);
    }
}
