using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.Settlement.Tests;

public class BatchEncodingTests
{
    [Fact]
    public void Batch_data_round_trips_to_every_transaction_of_the_blocks_deliveries_included_in_block_order()
    {
        using var set = new L2Set();
        set.Build(transfers: 3, crossRollup: true);
        set.Build(transfers: 1);
        Block b1 = set.Block(1, 1);
        Assert.Contains(b1.Transactions, t => t.Type == TxType.System); // the burn's mint delivery on 902

        var blocks = new List<Block> { b1, set.Block(1, 2) };
        byte[] data = BatchEncoding.Encode(blocks);
        Assert.Equal(BatchEncoding.VersionBrotliRlpWithDeliveries, data[0]);
        List<BatchEncoding.BatchBlock> decoded = BatchEncoding.Decode(data);
        Assert.Equal(2, decoded.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(blocks[i].Number, decoded[i].Number);
            Assert.Equal(blocks[i].Header.Timestamp, decoded[i].Timestamp);
            Assert.True(decoded[i].IncludesDeliveries);
            Assert.Equal(blocks[i].Transactions.Count, decoded[i].Transactions.Count);
            for (int j = 0; j < blocks[i].Transactions.Count; j++)
            {
                // Each entry is the EIP-2718 encoding: it decodes back to a transaction with the block's hash, at its position.
                Assert.Equal(blocks[i].Transactions[j].Hash, Keccak256.Compute(decoded[i].Transactions[j]));
                Assert.Equal(blocks[i].Transactions[j].Hash, TransactionDecoder.DecodeWithSystem(decoded[i].Transactions[j]).Hash);
            }
        }

        // Version 0x01 (the first format) leaves the deliveries out and still decodes.
        List<BatchEncoding.BatchBlock> v1 = BatchEncoding.Decode(BatchEncoding.Encode(blocks, BatchEncoding.VersionBrotliRlp));
        var users = b1.Transactions.Where(t => t.Type != TxType.System).Select(t => t.Hash).ToList();
        Assert.False(v1[0].IncludesDeliveries);
        Assert.Equal(users, v1[0].Transactions.Select(t => Keccak256.Compute(t)).ToList());
    }

    [Fact]
    public void Malformed_batch_data_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => BatchEncoding.Decode([]));
        Assert.Throws<InvalidDataException>(() => BatchEncoding.Decode([0x03, 1, 2, 3]));        // unknown version
        Assert.Throws<InvalidDataException>(() => BatchEncoding.Decode([0x01, 0xff, 0xff, 0xff])); // not Brotli
        byte[] notRlpList = new byte[1 + 8];
        notRlpList[0] = BatchEncoding.VersionBrotliRlp;
        using var ms = new MemoryStream();
        ms.WriteByte(BatchEncoding.VersionBrotliRlp);
        using (var b = new System.IO.Compression.BrotliStream(ms, System.IO.Compression.CompressionLevel.Fastest, true)) b.Write([0xc2, 0x01]); // list of a non-list
        Assert.Throws<InvalidDataException>(() => BatchEncoding.Decode(ms.ToArray()));
    }

    [Fact]
    public void Submission_claims_each_rollups_state_root_at_the_end_of_the_range()
    {
        using var set = new L2Set();
        for (int i = 0; i < 3; i++) set.Build();
        var chains = L2Set.ChainIds.Select(id => set.Sequencer.Superblocks.Chain(id)).ToList();
        var s = BatchEncoding.BuildSubmission(0, Hash256.Zero, 0, chains, 1, 3);
        Assert.Equal(2, s.Batches.Count);
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal(1UL, s.Batches[r].FirstBlock);
            Assert.Equal(3UL, s.Batches[r].LastBlock);
            Assert.Equal(set.Sequencer.Chains[r].Head.StateRoot, s.Batches[r].StateRoot);
            Assert.Equal(3, BatchEncoding.Decode(s.Batches[r].Data).Count);
        }
        Assert.NotEqual(s.Batches[0].StateRoot, s.Batches[1].StateRoot);
        Assert.Throws<ArgumentException>(() => BatchEncoding.BuildSubmission(0, Hash256.Zero, 0, chains, 3, 2));
        Assert.Throws<InvalidOperationException>(() => BatchEncoding.BuildSubmission(0, Hash256.Zero, 0, chains, 1, 4));
    }
}
