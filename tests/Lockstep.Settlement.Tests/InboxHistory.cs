using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Primitives;

namespace Lockstep.Settlement.Tests;

/// <summary>What an inbox holds, read from L1, and the check that it is exactly a set's history.</summary>
internal static class InboxHistory
{
    /// <summary>The inbox's superbatch count.</summary>
    public static ulong Count(JsonRpcL1Client l1, Address inbox) =>
        BinaryPrimitives.ReadUInt64BigEndian(l1.CallAsync(inbox, SharedInbox.SuperbatchCount()).GetAwaiter().GetResult().AsSpan(24));

    /// <summary>Every SuperbatchSubmitted of the inbox with the input of the transaction that emitted it.</summary>
    public static List<(SuperbatchSubmittedEvent Event, SuperbatchSubmission Input, Hash256 Tx)> Submitted(JsonRpcL1Client l1, Address inbox)
    {
        ulong head = l1.GetBlockNumberAsync().GetAwaiter().GetResult();
        var result = new List<(SuperbatchSubmittedEvent, SuperbatchSubmission, Hash256)>();
        foreach (L1Log log in l1.GetLogsAsync(inbox, 0, head, SuperbatchSubmittedEvent.Topic).GetAwaiter().GetResult())
        {
            Assert.True(SuperbatchSubmittedEvent.TryDecode(log.Topics, log.Data, out SuperbatchSubmittedEvent? e));
            byte[] input = Hex.Decode(l1.RequestAsync("eth_getTransactionByHash", [log.TransactionHash.ToString()]).GetAwaiter().GetResult().GetProperty("input").GetString()!);
            result.Add((e!, SuperbatchSubmission.DecodeCalldata(input), log.TransactionHash));
        }
        return result;
    }

    /// <summary>
    /// L1 (anvil or the embedded one) holds superbatches 0..n-1, contiguous, each in its own transaction, covering
    /// heights 1..<paramref name="lastHeight"/> of <paramref name="set"/> with its own roots and block data.
    /// </summary>
    public static void AssertL1History(JsonRpcL1Client l1, Address inbox, L2Set set, ulong lastHeight)
    {
        var subs = Submitted(l1, inbox);
        Assert.Equal((ulong)subs.Count, Count(l1, inbox));
        Assert.Equal(subs.Count, subs.Select(s => s.Tx).Distinct().Count()); // one L1 transaction per superbatch
        ulong next = 1;
        Hash256 parent = Hash256.Zero;
        for (int i = 0; i < subs.Count; i++)
        {
            var (e, input, _) = subs[i];
            Assert.Equal((ulong)i, e.Index);
            Assert.Equal(parent, e.ParentHash);
            Assert.Equal(2, input.Batches.Count); // every rollup's data and root in the same transaction
            for (int r = 0; r < 2; r++)
            {
                RollupBatch b = input.Batches[r];
                Assert.Equal(next, b.FirstBlock);
                Assert.Equal(set.Block(r, b.LastBlock).Header.StateRoot, b.StateRoot);        // roots = the rollup's own
                Assert.Equal(set.Block(r, b.LastBlock).Header.StateRoot, e.Rollups[r].StateRoot);
                Assert.Equal(Keccak256.Compute(b.Data), e.Rollups[r].DataHash);
                var blocks = BatchEncoding.Decode(b.Data);
                Assert.Equal((int)(b.LastBlock - b.FirstBlock + 1), blocks.Count);
                for (int k = 0; k < blocks.Count; k++)
                {
                    var users = set.Block(r, b.FirstBlock + (ulong)k).Transactions.Select(t => t.Hash).ToList(); // deliveries included (format 0x02)
                    Assert.Equal(users, blocks[k].Transactions.Select(t => Keccak256.Compute(t)).ToList());
                }
            }
            Assert.Equal(input.Batches[0].LastBlock, input.Batches[1].LastBlock);
            next = input.Batches[0].LastBlock + 1;
            parent = e.SuperbatchHash;
        }
        Assert.Equal(lastHeight + 1, next);
    }
}
