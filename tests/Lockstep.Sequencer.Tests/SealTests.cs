using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.SystemContracts;
using Lockstep.Transactions;
using Lockstep.Trie;

namespace Lockstep.Sequencer.Tests;

/// <summary>
/// The seal of a superblock's blocks (issue 4's allocation work: streaming ordered roots, receipts encoded through one
/// buffer, the block bloom taken from the receipts-root pass) against the plain definitions: a Patricia trie built
/// from each item's own encoding, and the OR of each receipt's bloom computed from its logs.
/// </summary>
public class SealTests
{
    [Fact]
    public void RootsAndBloomOfPairBlocks_MatchTheirDefinitions()
    {
        var set = new RollupSet(3);
        // 8 users x 20 pairs per rollup: blocks of 160 burns, 160 deliveries and the fold (keys RLP(0..320): all shapes).
        var lists = new List<Transaction>[3];
        for (int r = 0; r < 3; r++)
        {
            lists[r] = new List<Transaction>();
            for (int k = 0; k < 20; k++)
                for (byte u = 1; u <= RollupSet.Users; u++)
                {
                    Address recipient = Address.FromNumber(0x7e000000u + (uint)(r * 1000 + k * 10 + u));
                    lists[r].Add(set.Call(r, u, SystemAddresses.MintBurn, SystemCalldata.BurnEth(set.ChainIds[(r + 1) % 3], recipient), value: new UInt256(1000), gas: 200_000));
                }
        }
        Superblock sb = set.Build(lists);
        Assert.All(sb.Bundles, b => Assert.Equal(BundleOutcome.Included, b.Outcome));

        foreach (RollupBlock rb in sb.Blocks)
        {
            BuiltBlock built = rb.Built;
            Assert.Equal(321, built.Block.Transactions.Count);
            BlockHeader header = built.Block.Header;

            var txTrie = new PatriciaTrie();
            var receiptTrie = new PatriciaTrie();
            var bloom = new Bloom();
            for (int i = 0; i < built.Receipts.Count; i++)
            {
                byte[] key = new RlpWriter().WriteUInt64((ulong)i).ToArray();
                txTrie.Set(key, built.Block.Transactions[i].Encode());
                receiptTrie.Set(key, built.Receipts[i].Encode());
                bloom.Add(built.Receipts[i].Logs);
                foreach (var log in built.Receipts[i].Logs) Assert.True(header.LogsBloom.MayContain(log.Address.ToArray()));
            }
            Assert.Equal(txTrie.RootHash, header.TransactionsRoot);
            Assert.Equal(receiptTrie.RootHash, header.ReceiptsRoot);
            Assert.False(bloom.IsEmpty);
            Assert.Equal(bloom.Bytes.ToArray(), header.LogsBloom.Bytes.ToArray());
            // The receipts still encode and decode whole after the seal streamed them (nothing kept half-written).
            Receipt last = Receipt.Decode(built.Receipts[^1].Encode());
            Assert.Equal(built.Receipts[^1].CumulativeGasUsed, last.CumulativeGasUsed);
            Assert.Equal(header.GasUsed, last.CumulativeGasUsed);
        }
    }
}
