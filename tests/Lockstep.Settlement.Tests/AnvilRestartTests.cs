using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

public class AnvilRestartTests
{
    [Fact]
    public async Task Anvil_stopped_with_the_submit_in_its_pool_comes_back_without_it_and_the_superbatch_lands_once()
    {
        string state = Path.Combine(Path.GetTempPath(), "anvil-state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var set = new L2Set();
            var db = new MemoryKeyValueStore();
            Address inbox;
            int port;
            ulong nonce;
            var anvil = new AnvilNode();
            try
            {
                (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
                port = anvil.Url.Port;
                nonce = await anvil.Client.GetNonceAsync(AnvilNode.Sequencer);
                await File.WriteAllTextAsync(state, (await anvil.Client.RequestAsync("anvil_dumpState", [])).GetString()!);
                await anvil.Client.RequestAsync("evm_setAutomine", [false]);
                set.Build(); set.Build();
                // The submit waits in anvil's pool when anvil goes away (the dump above has no pool).
                using var p = new BatchPoster(anvil.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey, StuckAfter = TimeSpan.FromSeconds(30) });
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.PostNextAsync(cancel: cancel.Token));
                Assert.Equal(nonce + 1, await anvil.Client.GetNonceAsync(AnvilNode.Sequencer, "pending"));
            }
            finally { anvil.Dispose(); }

            set.Build();
            using var client = new JsonRpcL1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(2));
            using var poster = new BatchPoster(client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey, StuckAfter = TimeSpan.FromSeconds(2) });
            await Assert.ThrowsAsync<L1Exception>(() => poster.PostNextAsync()); // L1 down for a while

            using var again = new AnvilNode(port);
            Assert.True((await again.Client.RequestAsync("anvil_loadState", [await File.ReadAllTextAsync(state)])).GetBoolean());
            Assert.Equal(nonce, await again.Client.GetNonceAsync(AnvilNode.Sequencer, "pending")); // the pool is gone
            // The poster knows its in-flight submit (same nonce), finds no receipt and sends it again with higher fees;
            // superblocks 1..3 land in one superbatch, once.
            PostedSuperbatch? s = await poster.PostNextAsync();
            Assert.Equal((0UL, 1UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
            Assert.Null(await poster.PostNextAsync());
            Assert.Equal(nonce + 1, await again.Client.GetNonceAsync(AnvilNode.Sequencer));
            AnvilPosterTests.AssertL1History(again, inbox, set, lastHeight: 3);
        }
        finally
        {
            if (File.Exists(state)) File.Delete(state);
        }
    }

    [Fact]
    public async Task Anvil_stopped_and_restarted_from_its_state_loses_duplicates_and_skips_nothing()
    {
        string state = Path.Combine(Path.GetTempPath(), "anvil-state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var set = new L2Set();
            var db = new MemoryKeyValueStore();
            Address inbox;
            int port;
            var anvil = new AnvilNode();
            try
            {
                (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
                port = anvil.Url.Port;
                set.Build();
                using (var p = new BatchPoster(anvil.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey }))
                    Assert.Equal(0UL, (await p.PostNextAsync())!.Index);
                string dump = (await anvil.Client.RequestAsync("anvil_dumpState", [])).GetString()!;
                await File.WriteAllTextAsync(state, dump);
            }
            finally { anvil.Dispose(); }

            // L1 down: a poster on the same URL fails and records nothing while superblocks keep coming.
            using var client = new JsonRpcL1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(2));
            using var poster = new BatchPoster(client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = AnvilNode.SequencerKey });
            set.Build(); set.Build();
            await Assert.ThrowsAsync<L1Exception>(() => poster.PostNextAsync());
            Assert.Equal(1UL, poster.Progress.NextIndex);

            // Back on the same port with the dumped state (anvil_loadState takes the dump as hex).
            using var again = new AnvilNode(port);
            Assert.True((await again.Client.RequestAsync("anvil_loadState", [await File.ReadAllTextAsync(state)])).GetBoolean());
            PostedSuperbatch? s = await poster.PostNextAsync();
            Assert.Equal((1UL, 2UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
            Assert.Null(await poster.PostNextAsync());
            ulong count = BinaryPrimitives.ReadUInt64BigEndian((await again.Client.CallAsync(inbox, SharedInbox.SuperbatchCount())).AsSpan(24));
            Assert.Equal(2UL, count);
            AnvilPosterTests.AssertL1History(again, inbox, set, lastHeight: 3);
        }
        finally
        {
            if (File.Exists(state)) File.Delete(state);
        }
    }
}
