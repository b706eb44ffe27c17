using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

/// <summary>anvil stopped and started again on its port from a state dump (its mempool is not in the dump), issue 5.</summary>
public class AnvilRestartTests
{
    /// <summary>
    /// A fresh anvil with the L1 contracts: runs <paramref name="whileUp"/> (which returns the state to restart from),
    /// then stops anvil; its port and inbox, and that state.
    /// </summary>
    private static async Task<(int Port, Address Inbox, string State)> RunThenStopAsync(Func<AnvilNode, Address, Task<string>> whileUp)
    {
        using var anvil = new AnvilNode();
        var (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
        return (anvil.Url.Port, inbox, await whileUp(anvil, inbox));
    }

    [Fact]
    public async Task Anvil_stopped_with_the_submit_in_its_pool_comes_back_without_it_and_the_superbatch_lands_once()
    {
        using var set = new L2Set();
        var db = new MemoryKeyValueStore();
        ulong nonce = 0;
        var (port, inbox, state) = await RunThenStopAsync(async (anvil, inbox) =>
        {
            nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
            string dump = await anvil.DumpStateAsync();
            await anvil.Client.RequestAsync("evm_setAutomine", [false]);
            set.Build(); set.Build();
            // The submit waits in anvil's pool when anvil goes away (the dump above has no pool).
            using var p = new BatchPoster(anvil.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey, StuckAfter = TimeSpan.FromSeconds(30) });
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.PostNextAsync(cancel: cancel.Token));
            Assert.Equal(nonce + 1, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer, "pending"));
            return dump;
        });

        set.Build();
        using var client = new JsonRpcL1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(2));
        using var poster = new BatchPoster(client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey, StuckAfter = TimeSpan.FromSeconds(2) });
        await Assert.ThrowsAsync<L1Exception>(() => poster.PostNextAsync()); // L1 down for a while

        using AnvilNode again = await AnvilNode.RestartAsync(port, state);
        Assert.Equal(nonce, await again.Client.GetNonceAsync(AnvilNode.Sequencer, "pending")); // the pool is gone
        // The poster knows its in-flight submit (same nonce), finds no receipt and sends it again with higher fees;
        // superblocks 1..3 land in one superbatch, once.
        PostedSuperbatch? s = await poster.PostNextAsync();
        Assert.Equal((0UL, 1UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
        Assert.Null(await poster.PostNextAsync());
        Assert.Equal(nonce + 1, await again.Client.GetNonceAsync(AnvilNode.Sequencer));
        InboxHistory.AssertL1History(again.Client, inbox, set, lastHeight: 3);
    }

    [Fact]
    public async Task Anvil_stopped_and_restarted_from_its_state_loses_duplicates_and_skips_nothing()
    {
        using var set = new L2Set();
        var db = new MemoryKeyValueStore();
        var (port, inbox, state) = await RunThenStopAsync(async (anvil, inbox) =>
        {
            set.Build();
            using (var p = new BatchPoster(anvil.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey }))
                Assert.Equal(0UL, (await p.PostNextAsync())!.Index);
            return await anvil.DumpStateAsync();
        });

        // L1 down: a poster on the same URL fails and records nothing while superblocks keep coming.
        using var client = new JsonRpcL1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(2));
        using var poster = new BatchPoster(client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey });
        set.Build(); set.Build();
        await Assert.ThrowsAsync<L1Exception>(() => poster.PostNextAsync());
        Assert.Equal(1UL, poster.Progress.NextIndex);

        // Back on the same port with the dumped state.
        using AnvilNode again = await AnvilNode.RestartAsync(port, state);
        PostedSuperbatch? s = await poster.PostNextAsync();
        Assert.Equal((1UL, 2UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
        Assert.Null(await poster.PostNextAsync());
        Assert.Equal(2UL, InboxHistory.Count(again.Client, inbox));
        InboxHistory.AssertL1History(again.Client, inbox, set, lastHeight: 3);
    }
}
