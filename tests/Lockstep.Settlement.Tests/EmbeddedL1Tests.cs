using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

/// <summary>The same posting flow on the embedded L1 (our node behind our JSON-RPC server), issue 5.</summary>
public class EmbeddedL1Tests
{
    [Fact]
    public async Task On_the_embedded_L1_each_superbatch_is_one_confirmed_transaction_with_every_rollup_and_a_non_leader_reverts()
    {
        using var set = new L2Set();
        await using EmbeddedL1 l1 = await EmbeddedL1.StartAsync(EmbeddedL1Setup.Options(accounts: 3, ProductionMode.Interval, blockTime: TimeSpan.FromMilliseconds(200)));
        Address inbox = l1.Deployment.Inbox;
        set.Build(transfers: 3, crossRollup: true);
        set.Build(transfers: 1);

        // A non-leader (funded, never bonded): the pre-flight fails with NotLeader and nothing is sent; the same
        // submission sent anyway is mined and reverts.
        Address outsider = Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(AnvilNode.OutsiderKey);
        using (var intruder = new BatchPoster(l1.Client, set.Sequencer.Superblocks, new MemoryKeyValueStore(), new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.OutsiderKey }))
        {
            L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => intruder.PostNextAsync());
            Assert.Contains(Convert.ToHexString(AbiValue.Selector("NotLeader(address)")).ToLowerInvariant(), ((e.RevertData ?? "") + e.Message).ToLowerInvariant());
        }
        Assert.Equal(0UL, await l1.Client.GetNonceAsync(outsider));
        var chains = L2Set.ChainIds.Select(id => set.Sequencer.Superblocks.Chain(id)).ToList();
        L1FeeData fees = await l1.Client.GetFeeDataAsync();
        var forced = new Lockstep.Transactions.Transaction
        {
            Type = Lockstep.Transactions.TxType.DynamicFee, ChainId = new UInt256(900), Nonce = 0, MaxPriorityFeePerGas = fees.PriorityFee,
            MaxFeePerGas = fees.BaseFee * new UInt256(2) + fees.PriorityFee, GasLimit = 2_000_000, To = inbox,
            Data = BatchEncoding.BuildSubmission(0, Hash256.Zero, 0, chains, 1, 2).EncodeCalldata(),
        }.Sign(AnvilNode.OutsiderKey);
        Hash256 hash = await l1.Client.SendRawTransactionAsync(forced.Encode());
        L1Receipt? reverted = null;
        for (int i = 0; i < 200 && reverted is null; i++) { reverted = await l1.Client.GetReceiptAsync(hash); await Task.Delay(25); }
        Assert.False(reverted!.Succeeded);
        Assert.Equal(0UL, InboxHistory.Count(l1.Client, inbox));

        // The leader, 3 confirmations: the L1 head is at least 2 blocks past the submit when the poster reports it.
        using var poster = new BatchPoster(l1.Client, set.Sequencer.Superblocks, new MemoryKeyValueStore(), new BatchPosterOptions
        {
            Inbox = inbox, SequencerKey = AnvilNode.SequencerKey, Confirmations = 3, PollInterval = TimeSpan.FromMilliseconds(50),
        });
        PostedSuperbatch? first = await poster.PostNextAsync();
        Assert.True(await l1.Client.GetBlockNumberAsync() >= first!.Receipt.BlockNumber + 2);
        set.Build(transfers: 2);
        PostedSuperbatch? second = await poster.PostNextAsync();
        Assert.Equal((0UL, 1UL, 2UL, 1UL, 3UL, 3UL), (first.Index, first.FirstHeight, first.LastHeight, second!.Index, second.FirstHeight, second.LastHeight));
        Assert.True(await l1.Client.GetBlockNumberAsync() >= second.Receipt.BlockNumber + 2);
        InboxHistory.AssertL1History(l1.Client, inbox, set, lastHeight: 3);
    }

    [Fact]
    public async Task Poster_settles_on_the_embedded_L1_and_a_restart_keeps_the_contracts()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-l1-" + Guid.NewGuid().ToString("N"));
        try
        {
            L1Deployment deployment;
            using var set = new L2Set();
            var db = new MemoryKeyValueStore();
            await using (EmbeddedL1 l1 = await EmbeddedL1.StartAsync(EmbeddedL1Setup.Options(dataDir: dir)))
            {
                deployment = l1.Deployment;
                Assert.Equal(900UL, await l1.Client.GetChainIdAsync());
                Assert.Equal(AnvilNode.Sequencer, Address.FromUInt256(new UInt256(await l1.Client.CallAsync(deployment.Registry, SequencerRegistry.CurrentLeader()))));
                set.Build(transfers: 2, crossRollup: true);
                set.Build();
                using var poster = new BatchPoster(l1.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = deployment.Inbox, SequencerKey = AnvilNode.SequencerKey });
                PostedSuperbatch? s = await poster.PostNextAsync();
                Assert.Equal((0UL, 1UL, 2UL), (s!.Index, s.FirstHeight, s.LastHeight));
                Assert.True(s.Receipt.Succeeded);
                for (int r = 0; r < 2; r++)
                    Assert.Equal(set.Sequencer.Chains[r].Head.StateRoot, new Hash256(await l1.Client.CallAsync(deployment.Inbox, SharedInbox.StateRootOf(0, L2Set.ChainIds[r]))));
            }
            await using (EmbeddedL1 l1 = await EmbeddedL1.StartAsync(EmbeddedL1Setup.Options(dataDir: dir)))
            {
                Assert.Equal(deployment, l1.Deployment); // found again, not redeployed
                byte[] count = await l1.Client.CallAsync(deployment.Inbox, SharedInbox.SuperbatchCount());
                Assert.Equal(1UL, BinaryPrimitives.ReadUInt64BigEndian(count.AsSpan(24)));
                set.Build();
                using var poster = new BatchPoster(l1.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = deployment.Inbox, SequencerKey = AnvilNode.SequencerKey });
                PostedSuperbatch? s = await poster.PostNextAsync();
                Assert.Equal((1UL, 3UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
