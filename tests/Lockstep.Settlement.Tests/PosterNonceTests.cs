using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

/// <summary>Nonce recovery (issue 5: the poster "survives L1 errors (retry, fee bumps, nonce recovery)"), on anvil.</summary>
public class PosterNonceTests
{
    [Fact]
    public async Task A_nonce_taken_by_another_transaction_of_the_key_is_recovered_from_L1_and_the_superbatch_lands_once()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        set.Build();
        ulong nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
        var db = new MemoryKeyValueStore();
        using var poster = l1.Poster(db, stuckAfter: TimeSpan.FromSeconds(3), pollInterval: TimeSpan.FromMilliseconds(50));

        await anvil.Client.RequestAsync("evm_setAutomine", [false]);
        Task<PostedSuperbatch?> posting = poster.PostNextAsync();
        Hash256? submit = null;
        for (int i = 0; i < 100 && submit is null; i++)
        {
            var pool = await anvil.Client.RequestAsync("txpool_content", []);
            foreach (var account in pool.GetProperty("pending").EnumerateObject())
                if (Address.FromHex(account.Name) == AnvilNode.Sequencer)
                    foreach (var tx in account.Value.EnumerateObject()) submit = Hash256.FromHex(tx.Value.GetProperty("hash").GetString()!);
            await Task.Delay(50);
        }
        Assert.NotNull(submit);
        // Another wallet using the same key takes the nonce: the submit leaves the pool, a transfer is mined instead.
        await anvil.Client.RequestAsync("anvil_dropTransaction", [submit!.Value.ToString()]);
        await anvil.Client.RequestAsync("eth_sendTransaction", [new Dictionary<string, string>
        {
            ["from"] = AnvilNode.Sequencer.ToString(), ["to"] = AnvilNode.Outsider.ToString(), ["value"] = "0x1", ["nonce"] = "0x" + nonce.ToString("x"),
        }]);
        await anvil.Client.RequestAsync("evm_mine", []);
        await anvil.Client.RequestAsync("evm_setAutomine", [true]);

        // The stuck submit's replacement at the old nonce is refused ("nonce too low", none of ours mined): the round
        // fails, nothing is recorded; the next round reads the nonce from L1 again and lands the superbatch once.
        L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => posting.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("nonce", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0UL, poster.Progress.NextIndex);
        PostedSuperbatch? s = await poster.PostNextAsync();
        Assert.Equal((0UL, 1UL, 1UL), (s!.Index, s.FirstHeight, s.LastHeight));
        Assert.Null(await anvil.Client.GetReceiptAsync(submit.Value));
        Assert.Equal(nonce + 2, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer)); // the transfer, then one submit
        Assert.Null(await poster.PostNextAsync());
        l1.AssertL1History(lastHeight: 1);
    }
}
