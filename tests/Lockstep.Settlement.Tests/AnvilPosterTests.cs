using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Settlement.Tests;

/// <summary>The batch poster against anvil (another EVM, a real mempool and JSON-RPC), issue 5.</summary>
public class AnvilPosterTests
{
    private static BatchPoster Poster(AnvilNode anvil, L2Set set, IKeyValueStore db, Address inbox, byte[]? key = null, IL1Client? client = null) =>
        new(client ?? anvil.Client, set.Sequencer.Superblocks, db, new BatchPosterOptions { Inbox = inbox, SequencerKey = key ?? AnvilNode.SequencerKey, StuckAfter = TimeSpan.FromSeconds(2) });

    internal static ulong Count(AnvilNode anvil, Address inbox) => Count(anvil.Client, inbox);

    internal static ulong Count(JsonRpcL1Client l1, Address inbox) =>
        BinaryPrimitives.ReadUInt64BigEndian(l1.CallAsync(inbox, SharedInbox.SuperbatchCount()).GetAwaiter().GetResult().AsSpan(24));

    /// <summary>Every SuperbatchSubmitted of the inbox with the input of the transaction that emitted it.</summary>
    internal static List<(SuperbatchSubmittedEvent Event, SuperbatchSubmission Input, Hash256 Tx)> Submitted(AnvilNode anvil, Address inbox) =>
        Submitted(anvil.Client, inbox);

    internal static List<(SuperbatchSubmittedEvent Event, SuperbatchSubmission Input, Hash256 Tx)> Submitted(JsonRpcL1Client l1, Address inbox)
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

    /// <summary>L1 holds superbatches 0..n-1, contiguous, each in its own transaction, covering heights 1..lastHeight.</summary>
    internal static void AssertL1History(AnvilNode anvil, Address inbox, L2Set set, ulong lastHeight) => AssertL1History(anvil.Client, inbox, set, lastHeight);

    /// <summary>The same on any L1 (the embedded one too).</summary>
    internal static void AssertL1History(JsonRpcL1Client l1, Address inbox, L2Set set, ulong lastHeight)
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

    [Fact]
    public async Task Each_superbatch_is_one_L1_transaction_with_every_rollups_data_and_roots()
    {
        using var anvil = new AnvilNode();
        var (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
        using var set = new L2Set();
        using var poster = Poster(anvil, set, new MemoryKeyValueStore(), inbox);
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

        AssertL1History(anvil, inbox, set, lastHeight: 3);
        for (int r = 0; r < 2; r++) // the inbox's own view agrees: stateRootOf(1, chain) = the rollup's head root
            Assert.Equal(set.Sequencer.Chains[r].Head.StateRoot, new Hash256(await anvil.Client.CallAsync(inbox, SharedInbox.StateRootOf(1, L2Set.ChainIds[r]))));
        Assert.Equal(second.Hash, new Hash256(await anvil.Client.CallAsync(inbox, SharedInbox.TipHash())));
    }

    [Fact]
    public async Task A_non_leaders_submission_reverts_and_changes_nothing()
    {
        using var anvil = new AnvilNode();
        var (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
        using var set = new L2Set();
        set.Build();
        using var outsider = Poster(anvil, set, new MemoryKeyValueStore(), inbox, AnvilNode.OutsiderKey);
        L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => outsider.PostNextAsync());
        string notLeader = Convert.ToHexString(AbiValue.Selector("NotLeader(address)")).ToLowerInvariant();
        Assert.Contains(notLeader, (e.RevertData ?? "") + e.Message);
        Assert.Equal(0UL, Count(anvil, inbox));
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
        Assert.Equal(0UL, Count(anvil, inbox));

        using var leader = Poster(anvil, set, new MemoryKeyValueStore(), inbox);
        Assert.NotNull(await leader.PostNextAsync());
        AssertL1History(anvil, inbox, set, lastHeight: 1);
    }

    [Fact]
    public async Task Restarted_poster_posts_each_superbatch_exactly_once_in_order()
    {
        using var anvil = new AnvilNode();
        var (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
        using var set = new L2Set();
        var db = new MemoryKeyValueStore(); // the poster's persistent store, reopened by each new poster

        set.Build();
        using (var p = Poster(anvil, set, db, inbox)) Assert.Equal(0UL, (await p.PostNextAsync())!.Index);

        // Killed between building and posting: superblocks 2..3 sealed, the poster disposed before it posted them.
        set.Build(); set.Build();
        using (var p = Poster(anvil, set, db, inbox)) { }
        using (var p = Poster(anvil, set, db, inbox))
        {
            Assert.Equal(1UL, p.Progress.NextIndex);
            PostedSuperbatch? s = await p.PostNextAsync();
            Assert.Equal((1UL, 2UL, 3UL), (s!.Index, s.FirstHeight, s.LastHeight));
        }

        // Killed after its transaction landed but before it recorded it: the record is rolled back to before.
        byte[] before = db.Get("settlement/progress"u8)!.ToArray();
        set.Build();
        using (var p = Poster(anvil, set, db, inbox)) Assert.Equal(2UL, (await p.PostNextAsync())!.Index);
        db.Put("settlement/progress"u8, before);
        set.Build();
        using (var p = Poster(anvil, set, db, inbox))
        {
            Assert.Equal(2UL, p.Progress.NextIndex); // what it remembers
            PostedSuperbatch? s = await p.PostNextAsync(); // adopts superbatch 2 from L1, then posts only superblock 5
            Assert.Equal((3UL, 5UL, 5UL), (s!.Index, s.FirstHeight, s.LastHeight));
            Assert.Null(await p.PostNextAsync());
        }
        AssertL1History(anvil, inbox, set, lastHeight: 5);
        Assert.Equal(4UL, Count(anvil, inbox));
    }

    [Fact]
    public async Task Unreachable_L1_records_nothing_and_the_poster_catches_up_when_it_answers()
    {
        using var anvil = new AnvilNode();
        var (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
        using var set = new L2Set();
        var db = new MemoryKeyValueStore();
        set.Build(); set.Build();
        // A port nobody listens on: the L1 is "down".
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var dead = new JsonRpcL1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(2));
        using (var p = Poster(anvil, set, db, inbox, client: dead))
        {
            await Assert.ThrowsAsync<L1Exception>(() => p.PostNextAsync());
            await Assert.ThrowsAsync<L1Exception>(() => p.PostNextAsync());
            Assert.Equal(0UL, p.Progress.NextIndex);
        }
        Assert.Equal(0UL, Count(anvil, inbox));
        using (var p = Poster(anvil, set, db, inbox))
        {
            PostedSuperbatch? s = await p.PostNextAsync();
            Assert.Equal((0UL, 1UL, 2UL), (s!.Index, s.FirstHeight, s.LastHeight));
        }
        AssertL1History(anvil, inbox, set, lastHeight: 2);
    }

    [Fact]
    public async Task Killed_while_its_transaction_is_pending_the_restarted_poster_does_not_post_twice()
    {
        using var anvil = new AnvilNode();
        var (_, inbox, _) = anvil.DeployL1(L2Set.ChainIds);
        using var set = new L2Set();
        var db = new MemoryKeyValueStore();
        set.Build(); set.Build();

        await anvil.Client.RequestAsync("evm_setAutomine", [false]); // the transaction sits in anvil's mempool
        using (var p = Poster(anvil, set, db, inbox))
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.PostNextAsync(cancel: cancel.Token));
        }
        await anvil.Client.RequestAsync("evm_setAutomine", [true]);
        set.Build();
        using (var p = Poster(anvil, set, db, inbox))
        {
            // The restarted poster replaces its pending transaction (same nonce, higher fees) or finds it mined.
            PostedSuperbatch? s = await p.PostNextAsync();
            Assert.NotNull(s);
            while (await p.PostNextAsync() is not null) { }
        }
        AssertL1History(anvil, inbox, set, lastHeight: 3);
        Assert.Equal(await anvil.Client.GetNonceAsync(AnvilNode.Sequencer, "latest"), await anvil.Client.GetNonceAsync(AnvilNode.Sequencer, "pending"));
    }
}
