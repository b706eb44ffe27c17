using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Testing;

namespace Lockstep.Settlement.Tests;

/// <summary>The same posting flow on the embedded L1 (our node behind our JSON-RPC server), issue 5.</summary>
public class EmbeddedL1Tests
{
    private static EmbeddedL1Options Options(string? dir, ProductionMode mode = ProductionMode.Instant) => new()
    {
        DataDir = dir,
        ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"),
        RollupChainIds = L2Set.ChainIds,
        SequencerKey = AnvilNode.SequencerKey,
        Accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 1),
        Mode = mode,
    };

    [Fact]
    public async Task Poster_settles_on_the_embedded_L1_and_a_restart_keeps_the_contracts()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-l1-" + Guid.NewGuid().ToString("N"));
        try
        {
            L1Deployment deployment;
            using var set = new L2Set();
            var db = new MemoryKeyValueStore();
            await using (EmbeddedL1 l1 = await EmbeddedL1.StartAsync(Options(dir)))
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
            await using (EmbeddedL1 l1 = await EmbeddedL1.StartAsync(Options(dir)))
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
