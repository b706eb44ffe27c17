using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

public class PosterLoopTests
{
    [Fact]
    public async Task A_stuck_transaction_is_replaced_with_higher_fees_at_the_same_nonce_and_lands_once()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        set.Build();
        ulong nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
        await anvil.Client.RequestAsync("evm_setAutomine", [false]);
        using var poster = l1.Poster(stuckAfter: TimeSpan.FromMilliseconds(700));
        Task<PostedSuperbatch?> posting = poster.PostNextAsync();
        await Task.Delay(2500); // at least two replacements
        var pool = await anvil.Client.RequestAsync("txpool_content", []);
        var ours = pool.GetProperty("pending").EnumerateObject().Single(a => Address.FromHex(a.Name) == AnvilNode.Sequencer).Value.EnumerateObject().Single();
        Assert.Equal(nonce, ulong.Parse(ours.Name)); // one transaction at our nonce: the replacements took its place
        ulong tipInPool = Convert.ToUInt64(ours.Value.GetProperty("maxPriorityFeePerGas").GetString(), 16);
        L1FeeData fees = await anvil.Client.GetFeeDataAsync();
        Assert.True(new UInt256(tipInPool) > fees.PriorityFee, "the pooled transaction pays more than the first one did");
        await anvil.Client.RequestAsync("evm_mine", []);
        PostedSuperbatch? s = await posting;
        Assert.NotNull(s);
        Assert.True(s!.Receipt.Succeeded);
        Assert.Equal(nonce + 1, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer));
        await anvil.Client.RequestAsync("evm_setAutomine", [true]);
        Assert.Null(await poster.PostNextAsync());
    }

    [Fact]
    public async Task The_background_loop_posts_superblocks_as_they_are_sealed()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        using var poster = new BatchPoster(anvil.Client, set.Sequencer.Superblocks, new MemoryKeyValueStore(),
            new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey, PollInterval = TimeSpan.FromMilliseconds(100), MinSuperblocksPerBatch = 2, MaxBatchDelay = TimeSpan.FromSeconds(60) });
        var posted = new List<PostedSuperbatch>();
        var failures = new List<Exception>();
        poster.Posted += s => { lock (posted) posted.Add(s); };
        poster.Failed += e => { lock (failures) failures.Add(e); };
        poster.Start();
        set.Build();
        await Task.Delay(800);
        lock (posted) Assert.Empty(posted); // one superblock waits for a second one (MinSuperblocksPerBatch = 2)
        set.Build();
        for (int i = 0; i < 100 && poster.Progress.NextIndex < 1; i++) await Task.Delay(100);
        lock (posted) Assert.Equal((0UL, 1UL, 2UL), (posted.Single().Index, posted[0].FirstHeight, posted[0].LastHeight));
        lock (failures) Assert.Empty(failures);
    }
}
