using Lockstep.Chain;
using Lockstep.Devnet.Explorer;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Explorer.Tests;

/// <summary>
/// After a recovery (issue 6) the explorer shows the rebuilt superblocks, not the rejected ones: the feed drops what
/// the rewind removed (<see cref="SharedSequencer.Rewound"/>) and takes the rebuilt superblocks as they are sealed.
/// Feed level, no browser: the JSON of <c>/api/state</c> is this snapshot.
/// </summary>
public class ExplorerFeedRewindTests
{
    private static readonly ulong[] ChainIds = [901, 902];
    private static readonly IReadOnlyList<DevAccount> Accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 3);

    [Fact]
    public void After_a_recovery_the_feed_shows_the_rebuilt_superblocks_and_none_of_the_rejected_ones()
    {
        var geneses = new List<Genesis>();
        foreach (ulong id in ChainIds)
            geneses.Add(Predeploys.Apply(DevGenesis.Create(id, Accounts.Select(a => a.Address), timestamp: 1_700_000_000), ChainIds));
        // DropMint at superblock 3: the cheating build differs from the honest rebuild on 902 (the mint is back).
        var faults = new FaultInjector(devMode: true, [new InjectedFault(FaultKind.DropMint, 3)]);
        using var set = new SharedSequencer(new MemoryKeyValueStore(), geneses,
            options: new SharedSequencerOptions { Cadence = SuperblockCadence.Manual, Faults = faults }, ownsDb: true);
        var feed = new ExplorerFeed();
        set.SuperblockSealed += sb => feed.Add(sb, TimeSpan.FromMilliseconds(1));
        set.Rewound += feed.Rewind;

        ulong nonce = 0;
        for (ulong h = 1; h <= 4; h++)
        {
            // A bridged amount 901 -> 902 each time: a cross-rollup bundle row per superblock.
            Send(set.Chains[0], nonce++, SystemAddresses.MintBurn, new UInt256(1_000 + h), SystemCalldata.BurnEth(902, Accounts[1].Address), 400_000);
            set.BuildNext(1_700_000_000 + h);
        }
        string rejected902At3 = set.Chains[1].GetBlock(3)!.Hash.ToString();
        Assert.Equal([4UL, 3, 2, 1], Heights(feed));

        RecoveryReport report = set.RecoverTo(2);
        Assert.Equal(2, report.Rebuilt.Count);

        ExplorerState state = feed.Snapshot([], set.Height);
        // Each height once, newest first, with the blocks the chains hold now (the rebuilt ones).
        Assert.Equal([4UL, 3, 2, 1], Heights(feed));
        foreach (ExplorerSuperblock sb in state.Superblocks)
            foreach (ExplorerBlock b in sb.Blocks)
                Assert.Equal(set.Chain(b.ChainId)!.GetBlock(b.Number)!.Hash.ToString(), b.Hash);
        Assert.NotEqual(rejected902At3, state.Superblocks[1].Blocks[1].Hash);
        Assert.DoesNotContain(state.Superblocks, sb => sb.Blocks.Any(b => b.Hash == rejected902At3));
        // Bundles: one per height, none duplicated by the rebuild.
        Assert.Equal([4UL, 3, 2, 1], state.Bundles.Select(b => b.Superblock).ToArray());
        Assert.Equal(6L, state.SuperblocksSeen); // 4 sealed, 2 rebuilt: seen counts every seal
    }

    private static ulong[] Heights(ExplorerFeed feed) => [.. feed.Snapshot([], 0).Superblocks.Select(s => s.Height)];

    private static void Send(RollupChain chain, ulong nonce, Address to, UInt256 value, byte[] data, ulong gas)
    {
        Transaction tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(chain.ChainId), Nonce = nonce, MaxPriorityFeePerGas = UInt256.One,
            MaxFeePerGas = chain.NextBaseFee * new UInt256(4) + UInt256.One, GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(Accounts[1].PrivateKey);
        Assert.True(chain.Pool.Add(tx).Accepted);
    }
}
