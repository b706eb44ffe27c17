using Lockstep.Settlement;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// L1 finality reaches the chains (SetRecovery.SyncFinalityAsync): once a superbatch's challenge window has passed on L1,
/// its superblocks are marked final and the set refuses to rewind below them.
/// </summary>
public class FinalityTests
{
    [Fact]
    public async Task A_superbatch_final_on_L1_marks_its_superblocks_final_and_a_rewind_below_is_refused()
    {
        await using RecoverySet s = RecoverySet.Open();
        await s.AttachL1Async(anvil: false, challengeWindowSeconds: 2);
        var recovery = new SetRecovery(s.L1!, s.Deployment!.Inbox, s.Set, s.Db);
        using BatchPoster poster = s.NewPoster(RecoverySet.Cheater); // honest here: no faults armed
        await Workload.RunAsync(s, 6, async h =>
        {
            if (h == 2) Assert.True((await poster.PostNextAsync(force: true))!.Receipt.Succeeded);
        });
        Assert.Equal(0UL, await recovery.SyncFinalityAsync()); // inside the window: nothing final
        Assert.Equal(0UL, s.Set.Finalized);

        // isFinalized reads block.timestamp. The embedded L1 (instant mode) makes one block per transaction, each at
        // least a second after its parent: a few transfers move L1 time past the 2 s window.
        var wallet = new L1Wallet(s.L1!, RecoverySet.Accounts[0].PrivateKey);
        ulong finalized = 0;
        for (int i = 0; i < 60 && finalized == 0; i++)
        {
            await wallet.SendCheckedAsync(RecoverySet.Accounts[0].Address, [], Lockstep.Primitives.UInt256.One);
            finalized = await recovery.SyncFinalityAsync();
        }
        Assert.Equal(2UL, finalized); // superbatch 0 = superblocks 1..2
        Assert.Equal(2UL, s.Set.Finalized);

        var e = Assert.Throws<InvalidOperationException>(() => s.Set.RecoverTo(1));
        Assert.Contains("final", e.Message);
        Assert.Equal(6UL, s.Set.Height);
        Assert.Equal(2UL, s.Set.RecoverTo(2).LastGoodHeight); // down to the final superblock itself is allowed
        Assert.Equal(6UL, s.Set.Height); // rebuilt
    }
}
