using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;

namespace Lockstep.Workload.Tests;

/// <summary><see cref="BundleAdmission"/> in a running builder: token bucket, hold and refill, per-sender and global caps.</summary>
public sealed class BundleAdmissionTests
{
    private static WorkloadSpec Spec(SpamSet set, int txs, WorkloadMix mix) => new()
    {
        ChainIds = set.ChainIds, Honest = set.Honest, Transactions = txs, Mix = mix, Token = SystemAddresses.CrossRollupToken,
    };

    [Fact]
    public void A_sender_is_held_after_its_burst_of_rejections_and_let_through_again_after_the_refill()
    {
        var protection = new BundleAdmissionOptions { RejectionBurst = 2, RefillPerSuperblock = 0.25 };
        using var set = new SpamSet(honestSenders: 2, adversaries: 1, slotsPerRollup: 50, protection);
        // Honest plain transfers keep every superblock busy (refills count only superblocks that include something).
        foreach (PreparedTransaction tx in WorkloadGenerator.Create(Spec(set, 1_000, new WorkloadMix(100, 0, 0, 0))).Honest) set.Add(tx);
        Address adversary = set.Adversaries[0].Address;
        int attempt = 0;
        // A higher tip than the honest transfers: the pool offers the failing bundle first.
        WorkloadSpec spam = new()
        {
            ChainIds = set.ChainIds, Honest = set.Honest, Transactions = 0, Mix = WorkloadMix.Default, Token = SystemAddresses.CrossRollupToken,
            MaxPriorityFeePerGas = UInt256.Parse("50000000000"),
        };
        PreparedTransaction Next() => WorkloadGenerator.CreateFailing(spam, 0, set.Adversaries[0], attempt++);

        // Two rejections use up the burst.
        for (int i = 0; i < 2; i++)
        {
            PreparedTransaction bad = Next();
            set.Add(bad);
            Superblock sb = set.Build();
            Assert.Contains(sb.Bundles, r => r.TxHash == bad.Hash && r.Outcome == BundleOutcome.Rejected);
        }
        Assert.True(set.Admission!.IsHeld(adversary));
        Assert.Equal(2, set.Admission.Rejections);

        // Held: the third stays in the pool (not dropped, not executed) while honest transactions go in.
        PreparedTransaction third = Next();
        set.Add(third);
        for (int i = 0; i < 3; i++)
        {
            Superblock sb = set.Build();
            Assert.DoesNotContain(sb.Bundles, r => r.TxHash == third.Hash);
            Assert.Contains(sb.Bundles, r => r.Outcome == BundleOutcome.Included);
            Assert.True(set.InPool(third));
        }
        Assert.True(set.Admission.Deferred >= 3);
        // Refills come before charges in each superblock: 2 - 1 = 1, then 1 + 0.25 - 1 = 0.25, and three busy
        // superblocks at 0.25 bring it to 1 token: the next build executes (and rejects) it.
        Assert.False(set.Admission.IsHeld(adversary));
        Superblock after = set.Build();
        Assert.Contains(after.Bundles, r => r.TxHash == third.Hash && r.Outcome == BundleOutcome.Rejected);
        Assert.True(set.Admission.IsHeld(adversary));
    }

    [Fact]
    public void The_per_sender_cross_rollup_cap_defers_the_rest_of_the_sender_in_nonce_order()
    {
        var protection = new BundleAdmissionOptions { MaxCrossRollupPerSender = 3 };
        using var set = new SpamSet(honestSenders: 1, adversaries: 0, slotsPerRollup: 100, protection);
        // One sender, rollup 0 and 1 alternately: 10 cross-rollup calls and 10 plain transfers per rollup, shuffled.
        Workload w = WorkloadGenerator.Create(Spec(set, 40, new WorkloadMix(50, 0, 50, 0)));
        foreach (PreparedTransaction tx in w.Honest) set.Add(tx);
        var includedNonces = new List<ulong>[SpamSet.Rollups];
        for (int r = 0; r < includedNonces.Length; r++) includedNonces[r] = new List<ulong>();
        int superblocks = 0;
        while (includedNonces[0].Count + includedNonces[1].Count < w.Honest.Count && superblocks < 20)
        {
            Superblock sb = set.Build();
            superblocks++;
            int crossThisBlock = 0;
            foreach (BundleReport r in sb.Bundles)
            {
                Assert.Equal(BundleOutcome.Included, r.Outcome);
                if (r.Transaction.To == SystemAddresses.Messenger) crossThisBlock++;
                includedNonces[set.ChainIds[0] == r.ChainId ? 0 : 1].Add(r.Transaction.Nonce);
            }
            // The cap counts over the whole superblock (both rollups), per sender.
            Assert.True(crossThisBlock <= 3, $"{crossThisBlock} cross-rollup calls of one sender in one superblock");
        }
        // Everything went in, in nonce order, over several superblocks (20 calls at 3 per superblock: at least 7).
        Assert.Equal(w.Honest.Count, includedNonces[0].Count + includedNonces[1].Count);
        Assert.True(superblocks >= 7, $"{superblocks} superblocks");
        foreach (List<ulong> nonces in includedNonces)
            for (int i = 0; i < nonces.Count; i++) Assert.Equal((ulong)i, nonces[i]);
    }

    [Fact]
    public void The_global_cross_rollup_cap_bounds_every_superblock_and_everything_still_goes_in_in_nonce_order()
    {
        // Issue 8: "per-sender and global limits on pending cross-rollup work". The per-sender cap is far away here:
        // only the global one (4 per superblock over all rollups and senders) binds.
        var protection = new BundleAdmissionOptions { MaxCrossRollupPerSuperblock = 4 };
        using var set = new SpamSet(honestSenders: 3, adversaries: 0, slotsPerRollup: 100, protection);
        Workload w = WorkloadGenerator.Create(Spec(set, 60, new WorkloadMix(50, 0, 50, 0)));
        int crossTotal = 0;
        var senderOf = new Dictionary<Hash256, Address>();
        foreach (PreparedTransaction tx in w.Honest)
        {
            set.Add(tx);
            senderOf[tx.Hash] = tx.Sender;
            if (tx.Kind is WorkloadKind.CrossBurn or WorkloadKind.CrossCall) crossTotal++;
        }
        var included = new HashSet<Hash256>();
        var nextNonce = new Dictionary<(ulong, Address), ulong>();
        int superblocks = 0;
        while (included.Count < w.Honest.Count && superblocks < 40)
        {
            Superblock sb = set.Build();
            superblocks++;
            int crossThisBlock = 0;
            foreach (BundleReport r in sb.Bundles)
            {
                // A burn of LST the sender lacks on that rollup reverts on its source (included, no delivery): it is
                // still cross-rollup work the cap counts.
                Assert.True(r.Outcome is BundleOutcome.Included or BundleOutcome.IncludedReverted, $"{r.TxHash}: {r.Outcome} {r.Reason}");
                if (r.Transaction.To == SystemAddresses.Messenger || r.Transaction.To == SystemAddresses.MintBurn) crossThisBlock++;
                included.Add(r.TxHash);
                Address sender = senderOf[r.TxHash];
                nextNonce.TryGetValue((r.ChainId, sender), out ulong expected);
                Assert.Equal(expected, r.Transaction.Nonce);
                nextNonce[(r.ChainId, sender)] = expected + 1;
            }
            Assert.True(crossThisBlock <= 4, $"{crossThisBlock} cross-rollup calls in one superblock, cap 4");
        }
        Assert.Equal(w.Honest.Count, included.Count);
        Assert.True(crossTotal >= 20, $"only {crossTotal} cross-rollup calls: the cap would not bind");
        Assert.True(superblocks >= (crossTotal + 3) / 4, $"{crossTotal} cross-rollup calls in {superblocks} superblocks at 4 per superblock");
        Assert.True(set.Admission!.Deferred > 0);
    }
}
