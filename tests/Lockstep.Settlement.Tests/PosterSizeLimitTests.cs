using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// A superbatch never exceeds what one L1 transaction may carry: pools (geth, anvil, ours) refuse transactions above
/// 128 KiB, and a poster that kept re-sending an oversized superbatch would stop settling altogether.
/// </summary>
public class PosterSizeLimitTests
{
    [Fact]
    public async Task A_backlog_larger_than_the_calldata_cap_is_posted_in_several_contiguous_superbatches()
    {
        using var set = new L2Set();
        for (int i = 0; i < 4; i++) set.Build(transfers: 20);
        await using EmbeddedL1 l1 = await EmbeddedL1.StartAsync(EmbeddedL1Setup.Options());

        // Learn the size of the whole backlog in one superbatch, then allow a bit more than half of it.
        var store = set.Sequencer.Superblocks;
        var chains = store.ChainIds.Select(store.Chain).ToList();
        int whole = BatchEncoding.BuildSubmission(0, Hash256.Zero, 0, chains, 1, 4, null, store.ChainIds).EncodeCalldata().Length;
        int cap = whole * 6 / 10;

        var db = new MemoryKeyValueStore();
        using var poster = new BatchPoster(l1.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions
        {
            Inbox = l1.Deployment.Inbox, SequencerKey = AnvilNode.SequencerKey, MaxCalldataBytes = cap,
        });
        var posted = new List<PostedSuperbatch>();
        for (int round = 0; round < 8 && (posted.Count == 0 || posted[^1].LastHeight < 4); round++)
        {
            PostedSuperbatch? s = await poster.PostNextAsync();
            if (s is not null) posted.Add(s);
        }

        Assert.True(posted.Count >= 2, $"one superbatch of {whole} bytes would exceed the {cap}-byte cap");
        Assert.Equal(1UL, posted[0].FirstHeight);
        Assert.Equal(4UL, posted[^1].LastHeight);
        for (int i = 0; i < posted.Count; i++)
        {
            Assert.True(posted[i].CalldataBytes <= cap, $"superbatch {i}: {posted[i].CalldataBytes} bytes > cap {cap}");
            Assert.True(posted[i].Receipt.Succeeded);
            Assert.Equal((ulong)i, posted[i].Index);
            if (i > 0) Assert.Equal(posted[i - 1].LastHeight + 1, posted[i].FirstHeight);
        }
    }

    [Fact]
    public async Task A_single_superblock_above_the_cap_is_refused_with_a_clear_error_and_nothing_is_sent()
    {
        using var set = new L2Set();
        set.Build(transfers: 40);
        await using EmbeddedL1 l1 = await EmbeddedL1.StartAsync(EmbeddedL1Setup.Options());
        ulong nonceBefore = await l1.Client.GetNonceAsync(AnvilNode.Sequencer, "latest");

        using var poster = new BatchPoster(l1.Client, set.Sequencer.Superblocks, new MemoryKeyValueStore(), new BatchPosterOptions
        {
            Inbox = l1.Deployment.Inbox, SequencerKey = AnvilNode.SequencerKey, MaxCalldataBytes = 1024,
        });
        L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => poster.PostNextAsync());
        Assert.Contains("superblock 1 alone", e.Message);
        Assert.Equal(nonceBefore, await l1.Client.GetNonceAsync(AnvilNode.Sequencer, "latest"));
    }
}
