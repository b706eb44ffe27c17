using Lockstep.Primitives;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// The poster's confirmations and L1 reorgs (issue 5: "tracks confirmations ... never posts a superblock twice or
/// skips one"), on anvil 1.7.1 whose <c>anvil_reorg(depth, txs)</c> replaces the last <c>depth</c> blocks with new ones
/// holding <c>txs</c> (each <c>[tx, block offset]</c>; dropped transactions do not go back to its pool).
/// </summary>
public class L1ReorgTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A poster waiting for <paramref name="confirmations"/>; the reorgs it reports go to <paramref name="reorgs"/>.</summary>
    private static BatchPoster Poster(AnvilSettlement l1, int confirmations, List<L1Reorg>? reorgs = null)
    {
        BatchPoster poster = l1.Poster(confirmations: confirmations, pollInterval: TimeSpan.FromMilliseconds(50), stuckAfter: TimeSpan.FromSeconds(5));
        if (reorgs is not null) poster.Reorged += r => { lock (reorgs) reorgs.Add(r); };
        return poster;
    }

    /// <summary>Waits until the inbox holds the first superbatch; the L1 block it is in (anvil automines: the head).</summary>
    private static async Task<ulong> FirstSubmitIncludedAsync(AnvilSettlement l1)
    {
        await Until(() => l1.SuperbatchCount() == 1, "the submit to be included");
        return await l1.L1.GetBlockNumberAsync();
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("waited in vain for " + what);
            await Task.Delay(50);
        }
    }

    private static Task Mine(AnvilNode anvil) => anvil.Client.RequestAsync("evm_mine", []);

    private static Task Reorg(AnvilNode anvil, int depth, params object[] txs) => anvil.Client.RequestAsync("anvil_reorg", [depth, txs]);

    /// <summary>A plain transfer from the sequencer's own account at <paramref name="nonce"/>, as anvil_reorg takes it.</summary>
    private static object SequencerTransfer(ulong nonce) => new object[]
    {
        new Dictionary<string, string> { ["from"] = AnvilNode.Sequencer.ToString(), ["to"] = AnvilNode.Outsider.ToString(), ["value"] = "0x1", ["nonce"] = "0x" + nonce.ToString("x") },
        0,
    };

    [Fact]
    public async Task A_submit_counts_only_after_its_confirmations_and_one_dropped_by_a_reorg_lands_again_once()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        set.Build(transfers: 2, crossRollup: true);
        ulong nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
        var reorgs = new List<L1Reorg>();
        using var poster = Poster(l1, confirmations: 3, reorgs);

        Task<PostedSuperbatch?> posting = poster.PostNextAsync();
        ulong included = await FirstSubmitIncludedAsync(l1);
        await Task.Delay(500);
        Assert.False(posting.IsCompleted, "1 of 3 confirmations: not posted yet");

        await Reorg(anvil, 1); // the block with the submit is replaced by an empty one
        // The poster finds its receipt gone and sends the same signed transaction again (anvil's automine includes it).
        await Until(() => { lock (reorgs) return reorgs.Count == 1; }, "the poster to notice the reorg");
        await Until(() => l1.SuperbatchCount() == 1, "the submit to be included again");
        Assert.Equal(included, reorgs[0].LostBlock);
        Assert.Equal(0UL, reorgs[0].Index);
        await Mine(anvil);
        await Task.Delay(500);
        Assert.False(posting.IsCompleted, "2 of 3 confirmations: not posted yet");
        await Mine(anvil);

        PostedSuperbatch? s = await posting.WaitAsync(Patience);
        Assert.Equal(reorgs[0].TransactionHash, s!.Receipt.TransactionHash); // the very same transaction, not a second one
        Assert.Equal(included + 1, s.Receipt.BlockNumber);
        Assert.Equal(nonce + 1, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer)); // one submit ever landed
        Assert.Single(reorgs);
        l1.AssertL1History(lastHeight: 1);
    }

    [Fact]
    public async Task A_submit_a_reorg_moves_to_a_later_block_counts_its_confirmations_from_there()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        set.Build();
        var reorgs = new List<L1Reorg>();
        using var poster = Poster(l1, confirmations: 3, reorgs);

        Task<PostedSuperbatch?> posting = poster.PostNextAsync();
        ulong included = await FirstSubmitIncludedAsync(l1);
        Hash256 submit = InboxHistory.Submitted(anvil.Client, inbox).Single().Tx;
        string raw = (await anvil.Client.RequestAsync("eth_getRawTransactionByHash", [submit.ToString()])).GetString()!;
        await Mine(anvil); // 2 of 3 confirmations
        // Both blocks replaced; the submit is in the second new one: 1 confirmation again.
        await Reorg(anvil, 2, (object)new object[] { raw, 1 });
        Assert.Equal(included + 1, (await anvil.Client.GetReceiptAsync(submit))!.BlockNumber);
        await Task.Delay(500);
        Assert.False(posting.IsCompleted, "1 of 3 confirmations after the reorg");
        await Mine(anvil);
        await Task.Delay(300);
        Assert.False(posting.IsCompleted, "2 of 3 confirmations after the reorg");
        await Mine(anvil);

        PostedSuperbatch? s = await posting.WaitAsync(Patience);
        Assert.Equal((submit, included + 1), (s!.Receipt.TransactionHash, s.Receipt.BlockNumber));
        l1.AssertL1History(lastHeight: 1);
    }

    [Fact]
    public async Task A_reorg_that_gives_the_submits_nonce_to_another_transaction_makes_the_poster_send_it_once_at_the_next_nonce()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        set.Build();
        ulong nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
        using var poster = Poster(l1, confirmations: 2);
        var posted = new List<PostedSuperbatch>();
        poster.Posted += p => { lock (posted) posted.Add(p); };
        poster.Start(); // the background loop: a round that fails on the lost nonce is retried from the inbox

        await FirstSubmitIncludedAsync(l1);
        Hash256 first = InboxHistory.Submitted(anvil.Client, inbox).Single().Tx;
        // The new block holds another transaction of the sequencer's account at the submit's nonce (a wallet sharing
        // the key, say): the dropped submit can never land again.
        await Reorg(anvil, 1, SequencerTransfer(nonce));
        await Until(() => l1.SuperbatchCount() == 1 && InboxHistory.Submitted(anvil.Client, inbox).Single().Tx != first,
            "the superbatch to be sent again");
        lock (posted) Assert.Empty(posted); // 1 of 2 confirmations
        await Mine(anvil);
        await Until(() => { lock (posted) return posted.Count == 1; }, "the superbatch to be confirmed");

        PostedSuperbatch s = posted[0];
        Assert.NotEqual(first, s.Receipt.TransactionHash);
        Assert.Null(await anvil.Client.GetReceiptAsync(first));
        Assert.Equal(nonce + 2, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer)); // the transfer, then the submit once
        l1.AssertL1History(lastHeight: 1);
    }

    [Fact]
    public async Task A_reorg_deeper_than_the_confirmations_makes_the_next_round_post_exactly_the_lost_superblocks()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        ulong nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
        using var poster = Poster(l1, confirmations: 1);
        set.Build();
        Assert.Equal((0UL, 1UL, 1UL), Range(await poster.PostNextAsync()));
        set.Build(transfers: 3);
        PostedSuperbatch? lost = await poster.PostNextAsync();
        Assert.Equal((1UL, 2UL, 2UL), Range(lost));
        Assert.Equal(2UL, poster.Progress.NextIndex);

        // Superbatch 1 was final for the poster (1 confirmation); one more block, then a 2-block reorg takes it away.
        await Mine(anvil);
        await Reorg(anvil, 2);
        Assert.Null(await anvil.Client.GetReceiptAsync(lost!.Receipt.TransactionHash));
        Assert.Equal(1UL, l1.SuperbatchCount());
        set.Build();
        // The inbox is the truth: superblock 2 again (once) and the new 3, chained to superbatch 0.
        Assert.Equal((1UL, 2UL, 3UL), Range(await poster.PostNextAsync()));
        Assert.Null(await poster.PostNextAsync());
        l1.AssertL1History(lastHeight: 3);
        Assert.Equal(nonce + 2, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer));
    }

    private static (ulong, ulong, ulong) Range(PostedSuperbatch? s) => (s!.Index, s.FirstHeight, s.LastHeight);
}
