using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Settlement.Tests;

/// <summary>The batch poster against anvil (another EVM, a real mempool and JSON-RPC), issue 5.</summary>
public class AnvilPosterTests
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Each_superbatch_is_one_L1_transaction_with_every_rollups_data_and_roots()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        using var poster = l1.Poster(stuckAfter: StuckAfter);
        Assert.Null(await poster.PostNextAsync()); // nothing sealed yet

        set.Build(transfers: 3, crossRollup: true);
        set.Build(transfers: 1);
        PostedSuperbatch? first = await poster.PostNextAsync();
        Assert.NotNull(first);
        Assert.Equal((0UL, 1UL, 2UL), (first!.Index, first.FirstHeight, first.LastHeight));
        Assert.True(first.Receipt.Succeeded);
        Assert.Equal(9, first.UserTransactions); // 3+1 transfers on each rollup + the burn

        set.Build(transfers: 5);
        PostedSuperbatch? second = await poster.PostNextAsync();
        Assert.Equal((1UL, 3UL, 3UL), (second!.Index, second.FirstHeight, second.LastHeight));
        Assert.Null(await poster.PostNextAsync());

        l1.AssertL1History(lastHeight: 3);
        for (int r = 0; r < 2; r++) // the inbox's own view agrees: stateRootOf(1, chain) = the rollup's head root
            Assert.Equal(set.Sequencer.Chains[r].Head.StateRoot, new Hash256(await anvil.Client.CallAsync(inbox, SharedInbox.StateRootOf(1, L2Set.ChainIds[r]))));
        Assert.Equal(second.Hash, new Hash256(await anvil.Client.CallAsync(inbox, SharedInbox.TipHash())));
    }

    [Fact]
    public async Task A_non_leaders_submission_reverts_and_changes_nothing()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        set.Build();
        using var outsider = l1.Poster(key: AnvilNode.OutsiderKey, stuckAfter: StuckAfter);
        L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => outsider.PostNextAsync());
        string notLeader = Convert.ToHexString(AbiValue.Selector("NotLeader(address)")).ToLowerInvariant();
        Assert.Contains(notLeader, (e.RevertData ?? "") + e.Message);
        Assert.Equal(0UL, l1.SuperbatchCount());
        Assert.Equal(0UL, await anvil.Client.GetNonceAsync(AnvilNode.Outsider)); // nothing was sent

        // The same submission sent anyway (bypassing the pre-flight) is mined and reverts on L1.
        var chains = L2Set.ChainIds.Select(id => set.Sequencer.Superblocks.Chain(id)).ToList();
        byte[] calldata = BatchEncoding.BuildSubmission(0, Hash256.Zero, 0, chains, 1, 1).EncodeCalldata();
        L1FeeData fees = await anvil.Client.GetFeeDataAsync();
        var tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(31337), Nonce = 0, MaxPriorityFeePerGas = fees.PriorityFee,
            MaxFeePerGas = fees.BaseFee * new UInt256(2) + fees.PriorityFee, GasLimit = 1_000_000, To = inbox, Data = calldata,
        }.Sign(AnvilNode.OutsiderKey);
        Assert.Equal(AnvilNode.Outsider, Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(AnvilNode.OutsiderKey));
        Hash256 hash = await anvil.Client.SendRawTransactionAsync(tx.Encode());
        L1Receipt? receipt = null;
        for (int i = 0; i < 100 && receipt is null; i++) { receipt = await anvil.Client.GetReceiptAsync(hash); await Task.Delay(20); }
        Assert.False(receipt!.Succeeded);
        Assert.Equal(0UL, l1.SuperbatchCount());

        using var leader = l1.Poster(stuckAfter: StuckAfter);
        Assert.NotNull(await leader.PostNextAsync());
        l1.AssertL1History(lastHeight: 1);
    }

    [Fact]
    public async Task Restarted_poster_posts_each_superbatch_exactly_once_in_order()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        var db = new MemoryKeyValueStore(); // the poster's persistent store, reopened by each new poster

        set.Build();
        using (var p = l1.Poster(db, stuckAfter: StuckAfter)) Assert.Equal(0UL, (await p.PostNextAsync())!.Index);

        // Killed between building and posting: superblocks 2..3 sealed, the poster disposed before it posted them.
        set.Build(); set.Build();
        using (var p = l1.Poster(db, stuckAfter: StuckAfter)) { }
        using (var p = l1.Poster(db, stuckAfter: StuckAfter))
        {
            Assert.Equal(1UL, p.Progress.NextIndex);
            PostedSuperbatch? s = await p.PostNextAsync();
            Assert.Equal((1UL, 2UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
        }

        // Killed after its transaction landed but before it recorded it: the record is rolled back to before.
        byte[] before = db.Get("settlement/progress"u8)!.ToArray();
        set.Build();
        using (var p = l1.Poster(db, stuckAfter: StuckAfter)) Assert.Equal(2UL, (await p.PostNextAsync())!.Index);
        db.Put("settlement/progress"u8, before);
        set.Build();
        using (var p = l1.Poster(db, stuckAfter: StuckAfter))
        {
            Assert.Equal(2UL, p.Progress.NextIndex); // what it remembers
            PostedSuperbatch? s = await p.PostNextAsync(); // adopts superbatch 2 from L1, then posts only superblock 5
            Assert.Equal((3UL, 5UL, 5UL), (s!.Index, s.FirstHeight, s.LastHeight));
            Assert.Null(await p.PostNextAsync());
        }
        l1.AssertL1History(lastHeight: 5);
        Assert.Equal(4UL, l1.SuperbatchCount());
    }

    [Fact]
    public async Task Unreachable_L1_records_nothing_and_the_poster_catches_up_when_it_answers()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        var db = new MemoryKeyValueStore();
        set.Build(); set.Build();
        // A port nobody listens on: the L1 is "down".
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var dead = new JsonRpcL1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(2));
        using (var p = l1.Poster(db, client: dead, stuckAfter: StuckAfter))
        {
            await Assert.ThrowsAsync<L1Exception>(() => p.PostNextAsync());
            await Assert.ThrowsAsync<L1Exception>(() => p.PostNextAsync());
            Assert.Equal(0UL, p.Progress.NextIndex);
        }
        Assert.Equal(0UL, l1.SuperbatchCount());
        using (var p = l1.Poster(db, stuckAfter: StuckAfter))
        {
            PostedSuperbatch? s = await p.PostNextAsync();
            Assert.Equal((0UL, 1UL, 2UL), (s!.Index, s.FirstHeight, s.LastHeight));
        }
        l1.AssertL1History(lastHeight: 2);
    }

    [Fact]
    public async Task Killed_while_its_transaction_is_pending_the_restarted_poster_does_not_post_twice()
    {
        using var l1 = new AnvilSettlement();
        var (anvil, set, inbox) = l1;
        var db = new MemoryKeyValueStore();
        set.Build(); set.Build();

        await anvil.Client.RequestAsync("evm_setAutomine", [false]); // the transaction sits in anvil's mempool
        using (var p = l1.Poster(db, stuckAfter: StuckAfter))
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.PostNextAsync(cancel: cancel.Token));
        }
        await anvil.Client.RequestAsync("evm_setAutomine", [true]);
        set.Build();
        using (var p = l1.Poster(db, stuckAfter: StuckAfter))
        {
            // The restarted poster replaces its pending transaction (same nonce, higher fees) or finds it mined.
            PostedSuperbatch? s = await p.PostNextAsync();
            Assert.NotNull(s);
            while (await p.PostNextAsync() is not null) { }
        }
        l1.AssertL1History(lastHeight: 3);
        Assert.Equal(await anvil.Client.GetNonceAsync(AnvilNode.Sequencer, "latest"), await anvil.Client.GetNonceAsync(AnvilNode.Sequencer, "pending"));
    }
}
