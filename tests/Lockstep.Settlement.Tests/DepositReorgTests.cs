using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// The deposit feed under L1 reorgs (issue 5: deposits "derivable from L1 events"; only confirmed ones enter L2
/// blocks), on anvil with <c>anvil_reorg</c>: a reorg before the depth replaces a deposit that was never offered; a
/// deeper one under a deposit read but not offered is followed; one under a deposit already offered stops the feed.
/// </summary>
public class DepositReorgTests
{
    private static readonly Address Alice = Address.FromNumber(0xa11ce);
    private static readonly Address Bob = Address.FromNumber(0xb0b);

    private static async Task<Hash256> DepositAsync(AnvilNode anvil, Address bridge, ulong chainId, Address to, ulong wei)
    {
        L1Receipt r = anvil.Send(AnvilNode.Deployer, bridge, Bridge.DepositEth(chainId, to), new UInt256(wei));
        Assert.True(r.Succeeded);
        return (await anvil.Client.GetBlockHashAsync(r.BlockNumber))!.Value;
    }

    /// <summary>Replaces the head block by one holding a different deposit: 2 wei to Bob on rollup 902.</summary>
    private static Task ReorgWithOtherDeposit(AnvilNode anvil, Address bridge, int depth = 1) =>
        anvil.Client.RequestAsync("anvil_reorg", [depth, new object[]
        {
            new object[]
            {
                new Dictionary<string, string>
                {
                    ["from"] = AnvilNode.Deployer.ToString(), ["to"] = bridge.ToString(), ["value"] = "0x2", ["gas"] = "0x100000",
                    ["data"] = Hex.Encode(Bridge.DepositEth(902, Bob)),
                },
                0,
            },
        }]);

    /// <summary>The recipient and chain of an offered deposit, read from its finalizeDeposit calldata.</summary>
    private static void AssertIsBobsDeposit(DepositTransaction d)
    {
        Assert.Equal(0UL, d.Index);
        Assert.Equal(902UL, d.ChainId);
        Assert.Equal((UInt256?)new UInt256(902), d.Transaction.ChainId);
        string data = Convert.ToHexString(d.Transaction.Data.ToArray());
        Assert.Contains(Convert.ToHexString(Bob.ToArray()), data);
        Assert.DoesNotContain(Convert.ToHexString(Alice.ToArray()), data);
    }

    [Fact]
    public async Task A_deposit_replaced_by_a_reorg_before_its_confirmations_is_never_offered_and_its_replacement_is()
    {
        using var anvil = new AnvilNode();
        var (_, _, bridge) = anvil.DeployL1(L2Set.ChainIds);
        var feed = new DepositFeed(new DepositDeriver(anvil.Client, new DepositDeriverOptions { Bridge = bridge, Confirmations = 2 }), new MemoryKeyValueStore());

        Hash256 before = await DepositAsync(anvil, bridge, 901, Alice, 1_000);
        ulong height = await anvil.Client.GetBlockNumberAsync();
        Assert.Equal(0, await feed.PollAsync()); // the deposit's block is the head: 0 deep, 2 needed
        Assert.Empty(feed.Pending(0, 64));

        await ReorgWithOtherDeposit(anvil, bridge);
        Assert.NotEqual(before, await anvil.Client.GetBlockHashAsync(height)); // the block at that height changed
        Assert.Equal(0, await feed.PollAsync());
        Assert.Empty(feed.Pending(0, 64));

        await anvil.Client.RequestAsync("evm_mine", []);
        await anvil.Client.RequestAsync("evm_mine", []);
        Assert.Equal(1, await feed.PollAsync());
        AssertIsBobsDeposit(Assert.Single(feed.Pending(0, 64)));
    }

    [Fact]
    public async Task With_the_finalized_tag_only_deposits_in_blocks_the_L1_calls_finalized_are_offered()
    {
        // anvil with 2 slots per epoch tags head - 4 "finalized" (two epochs, as post-merge Ethereum).
        using var anvil = new AnvilNode(0, "--slots-in-an-epoch", "2");
        var (_, _, bridge) = anvil.DeployL1(L2Set.ChainIds);
        var feed = new DepositFeed(new DepositDeriver(anvil.Client, new DepositDeriverOptions { Bridge = bridge, BlockTag = "finalized" }), new MemoryKeyValueStore());
        Assert.Throws<ArgumentException>(() => new DepositDeriver(anvil.Client, new DepositDeriverOptions { Bridge = bridge, BlockTag = "latest" }));

        await DepositAsync(anvil, bridge, 901, Alice, 1_000);
        ulong height = await anvil.Client.GetBlockNumberAsync();
        Assert.Equal(0, await feed.PollAsync());
        await ReorgWithOtherDeposit(anvil, bridge); // Alice's deposit was never final: gone
        for (int i = 0; i < 3; i++) await anvil.Client.RequestAsync("evm_mine", []);
        Assert.Equal(height - 1, await anvil.Client.GetTaggedBlockNumberAsync("finalized")); // the node's own answer
        Assert.Equal(0, await feed.PollAsync());
        Assert.Empty(feed.Pending(0, 64));
        await anvil.Client.RequestAsync("evm_mine", []);
        Assert.Equal(height, await anvil.Client.GetTaggedBlockNumberAsync("finalized"));
        Assert.Equal(1, await feed.PollAsync());
        AssertIsBobsDeposit(Assert.Single(feed.Pending(0, 64)));
    }

    [Fact]
    public async Task A_reorg_deeper_than_the_depth_under_a_deposit_read_but_not_yet_offered_is_followed()
    {
        using var anvil = new AnvilNode();
        var (_, _, bridge) = anvil.DeployL1(L2Set.ChainIds);
        var db = new MemoryKeyValueStore();
        var feed = new DepositFeed(new DepositDeriver(anvil.Client, new DepositDeriverOptions { Bridge = bridge, Confirmations = 0 }), db);

        await DepositAsync(anvil, bridge, 901, Alice, 1_000);
        Assert.Equal(1, await feed.PollAsync()); // read at depth 0, not offered to a sequencer yet
        await ReorgWithOtherDeposit(anvil, bridge);

        // A restarted feed (same store) sees that the last block it read is gone, forgets Alice's deposit and reads
        // the new chain: Bob's deposit is index 0 now.
        var restarted = new DepositFeed(new DepositDeriver(anvil.Client, new DepositDeriverOptions { Bridge = bridge, Confirmations = 0 }), db);
        Assert.Equal(1, await restarted.PollAsync());
        AssertIsBobsDeposit(Assert.Single(restarted.Pending(0, 64)));
        Assert.Null(restarted.Halted);
    }

    [Fact]
    public async Task A_reorg_under_a_deposit_already_offered_stops_the_feed_with_a_clear_error()
    {
        using var anvil = new AnvilNode();
        var (_, _, bridge) = anvil.DeployL1(L2Set.ChainIds);
        var db = new MemoryKeyValueStore();
        var options = new DepositDeriverOptions { Bridge = bridge, Confirmations = 0 };
        var feed = new DepositFeed(new DepositDeriver(anvil.Client, options), db);

        await DepositAsync(anvil, bridge, 901, Alice, 1_000);
        Assert.Equal(1, await feed.PollAsync());
        Assert.Single(feed.Pending(0, 64)); // taken by the sequencer (depth 0 was too shallow for this L1)
        await anvil.Client.RequestAsync("evm_mine", []);
        await ReorgWithOtherDeposit(anvil, bridge, depth: 2);

        L1ReorgException e = await Assert.ThrowsAsync<L1ReorgException>(() => feed.PollAsync());
        Assert.Contains("reorg", e.Message);
        Assert.NotNull(feed.Halted);
        Assert.Empty(feed.Pending(0, 64));
        Assert.Empty(feed.Pending(1, 64));
        // A restart does not forget it.
        var restarted = new DepositFeed(new DepositDeriver(anvil.Client, options), db);
        await Assert.ThrowsAsync<L1ReorgException>(() => restarted.PollAsync());
        Assert.Empty(restarted.Pending(1, 64));
    }
}
