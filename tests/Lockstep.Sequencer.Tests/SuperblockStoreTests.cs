using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer.Tests;

/// <summary>Superblocks persisted in one RocksDB: every rollup's block in one write batch.</summary>
public sealed class SuperblockStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-superblock-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Superblock BuildOn(SuperblockStore store, RollupSet set, Dictionary<ulong, ChainState> states, IReadOnlyList<Transaction>[] txs, ulong timestamp)
    {
        var inputs = new RollupInput[set.ChainIds.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            ChainStore chain = store.Chain(set.ChainIds[i]);
            states[set.ChainIds[i]] = chain.OpenHeadState();
            inputs[i] = new RollupInput
            {
                ChainId = set.ChainIds[i], Parent = chain.Head!, State = states[set.ChainIds[i]].World, BlockHashes = chain,
                Transactions = i < txs.Length ? txs[i] : [],
            };
        }
        return new SuperblockBuilder { MaxRecoveryParallelism = 1 }.Build(inputs, new SuperblockAttributes { Timestamp = timestamp });
    }

    [Fact]
    public void Commit_WritesEveryRollupsBlockAtomically_AndReopens()
    {
        var set = new RollupSet(3);
        Address bob = RollupSet.User(2);
        Transaction burn = set.Call(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(77), set.ChainIds[2], bob));
        Hash256[] heads = new Hash256[3];
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new SuperblockStore(db, set.ChainIds);
            for (int i = 0; i < 3; i++) store.Chain(set.ChainIds[i]).InitializeGenesis(set.Geneses[i]);
            var states = new Dictionary<ulong, ChainState>();
            Superblock sb = BuildOn(store, set, states, [[burn]], 1_700_000_010);
            Assert.Equal(BundleOutcome.Included, sb.Bundles[0].Outcome);
            store.Commit(sb, states);
            for (int i = 0; i < 3; i++) heads[i] = sb.Blocks[i].Built.Block.Hash;

            // A second superblock whose last block comes with the wrong state: nothing of it is written.
            var states2 = new Dictionary<ulong, ChainState>();
            Superblock bad = BuildOn(store, set, states2, [[set.Call(0, 1, bob, [], UInt256.One, 21_000)]], 1_700_000_012);
            states2[set.ChainIds[2]] = store.Chain(set.ChainIds[2]).OpenState(store.Chain(set.ChainIds[2]).GetBlock(0)!.Header.StateRoot);
            Assert.Throws<InvalidOperationException>(() => store.Commit(bad, states2));
            Assert.Null(store.Chain(set.ChainIds[0]).GetBlock(bad.Blocks[0].Built.Block.Hash));
            Assert.Equal(1UL, store.Height);
        }

        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new SuperblockStore(db, set.ChainIds);
            Assert.Equal(1UL, store.Height);
            IReadOnlyList<(ulong ChainId, Hash256 BlockHash)> index = store.GetSuperblock(1)!;
            for (int i = 0; i < 3; i++)
            {
                ChainStore chain = store.Chain(set.ChainIds[i]);
                Assert.Equal(heads[i], chain.Head!.Hash);
                Assert.Equal((set.ChainIds[i], heads[i]), index[i]);
            }
            Assert.Null(store.GetSuperblock(2));
            // The delivery is in C's chain, found by hash with its 0x7F receipt, and the state shows the mint.
            Block c = store.Chain(set.ChainIds[2]).GetBlock(1)!;
            Assert.Equal(2, c.Transactions.Count); // the delivery, the end-of-block fold
            Transaction delivery = c.Transactions[0];
            Assert.True(store.Chain(set.ChainIds[2]).TryGetTransaction(delivery.Hash, out Transaction found, out Receipt receipt, out _));
            Assert.Equal(burn.Hash, found.SourceTxHash);
            Assert.Equal(0x7F, receipt.Type);
            ChainState cState = store.Chain(set.ChainIds[2]).OpenHeadState();
            Assert.Equal(new UInt256(77), cState.World.GetStorage(SystemAddresses.CrossRollupToken, MessageTreesLayout.MappingSlot(bob, UInt256.Zero)));
            // Rollup A's chain lives under its own prefix: A's store does not see C's block.
            Assert.Null(store.Chain(set.ChainIds[0]).GetBlock(c.Hash));
        }
    }
}
