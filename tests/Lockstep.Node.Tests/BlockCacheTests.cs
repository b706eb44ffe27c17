using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Node.Tests;

/// <summary>
/// RollupChain's block cache (issue 8: the soak's heap grew with the blocks' fill because the cache was bounded in
/// blocks only): bounded in blocks AND estimated bytes, and evicted blocks still answer from the store.
/// </summary>
public sealed class BlockCacheTests
{
    private static readonly IReadOnlyList<DevAccount> Accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 1);
    private static readonly Address Recipient = Address.FromHex("0x000000000000000000000000000000000000beef");
    private const ulong ChainId = 31337;

    private static RollupChain NewChain() =>
        new(new MemoryKeyValueStore(), DevGenesis.Create(ChainId, Accounts.Select(a => a.Address)),
            new TxPoolOptions { ChainId = ChainId, MaxPerSender = 256, MaxNonceGap = 256 });

    private static byte[] Transfer(ulong nonce, int dataBytes) =>
        new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = ChainId,
            Nonce = nonce,
            MaxFeePerGas = 10_000_000_000,
            MaxPriorityFeePerGas = 1_000_000_000,
            GasLimit = 100_000,
            To = Recipient,
            Value = 1,
            Data = new byte[dataBytes],
        }.Sign(Accounts[0].PrivateKey).Encode();

    [Fact]
    public void The_cache_stays_within_its_byte_bound_and_evicted_blocks_and_receipts_answer_from_the_store()
    {
        const int blocks = 30, perBlock = 10, dataBytes = 1024;
        const long limit = 64 * 1024;
        using RollupChain chain = NewChain();
        chain.BlockCacheByteLimit = limit;
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Manual });
        var hashes = new List<Hash256>();
        ulong nonce = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int t = 0; t < perBlock; t++)
            {
                byte[] raw = Transfer(nonce++, dataBytes);
                Assert.True(chain.SubmitTransaction(raw).Accepted);
                hashes.Add(TransactionDecoder.Decode(raw).Hash);
            }
            BlockData mined = producer.Mine();
            Assert.Equal(perBlock, mined.Block.Transactions.Count);
            // Each block carries at least its calldata: 10 x 1 KiB.
            Assert.True(mined.EstimatedBytes >= perBlock * dataBytes, $"estimate {mined.EstimatedBytes}");
            Assert.True(chain.CachedBlockBytes <= limit, $"after block {b + 1}: {chain.CachedBlockBytes} bytes cached, bound {limit}");
        }
        // ~20 KB per block: a handful of the 30 blocks cached, not all of them (the count bound alone keeps 256).
        Assert.InRange(chain.CachedBlockCount, 1, 6);

        // Every acknowledged transaction is still found, with its receipt, from the oldest block on (store reads).
        for (int i = 0; i < hashes.Count; i++)
        {
            Assert.True(chain.TryGetTransaction(hashes[i], out BlockData block, out int index), $"transaction {i} lost");
            Assert.Equal((ulong)(i / perBlock + 1), block.Number);
            Assert.Equal(hashes[i], block.Block.Transactions[index].Hash);
            Assert.Equal(Accounts[0].Address, block.Senders[index]);
            Assert.True(block.Receipts[index].Success);
            Assert.Equal(21_000UL + 4UL * dataBytes, block.GasUsed(index)); // EIP-2028: 4 gas per zero calldata byte
            // Reading old blocks caches them again, within the same bound.
            Assert.True(chain.CachedBlockBytes <= limit, $"after reading transaction {i}: {chain.CachedBlockBytes} bytes cached");
        }
    }

    [Fact]
    public void Empty_blocks_are_bounded_by_count()
    {
        using RollupChain chain = NewChain();
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Manual });
        for (int b = 0; b < RollupChain.CachedBlocks + 20; b++) producer.Mine();
        Assert.Equal(RollupChain.CachedBlocks, chain.CachedBlockCount);
        Assert.True(chain.CachedBlockBytes <= RollupChain.DefaultBlockCacheBytes);
        Assert.Equal(1UL, chain.GetBlock(1)!.Number); // evicted, read back from the store
    }

    [Fact]
    public void The_estimate_is_of_the_order_of_the_memory_a_block_holds()
    {
        // Independent of the constants: the managed heap a decoded block with receipts and senders really takes,
        // measured by the GC, against the estimate (within a factor of 3 either way).
        using RollupChain chain = NewChain();
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Manual });
        for (ulong n = 0; n < 200; n++) Assert.True(chain.SubmitTransaction(Transfer(n, 64)).Accepted);
        BlockData mined = producer.Mine();
        Assert.Equal(200, mined.Block.Transactions.Count);
        Block stored = chain.Store.GetBlock(mined.Hash)!;
        IReadOnlyList<Receipt> receipts = chain.Store.GetReceipts(mined.Hash)!;
        // Encoded bytes, decoded into fresh objects below, so nothing is shared with the chain's own copies.
        byte[] blockRlp = stored.Encode();
        const int copies = 20;
        var held = new BlockData[copies];
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int c = 0; c < copies; c++)
        {
            Block block = Block.Decode(blockRlp);
            var senders = new Address[block.Transactions.Count];
            for (int i = 0; i < senders.Length; i++) senders[i] = mined.Senders[i];
            var copiedReceipts = new Receipt[receipts.Count];
            for (int i = 0; i < copiedReceipts.Length; i++) copiedReceipts[i] = Receipt.Decode(receipts[i].Encode());
            held[c] = new BlockData(block, copiedReceipts, senders);
            _ = held[c].Block.Transactions[0].Hash; // the hash is cached on first use, as the RPC does
        }
        long perBlock = (GC.GetTotalMemory(forceFullCollection: true) - before) / copies;
        GC.KeepAlive(held);
        Assert.InRange(mined.EstimatedBytes, perBlock / 3, perBlock * 3);
    }
}
