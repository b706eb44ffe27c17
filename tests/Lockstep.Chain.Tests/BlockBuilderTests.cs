using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;
using Lockstep.Transactions;
using Lockstep.Trie;

namespace Lockstep.Chain.Tests;

public class BlockBuilderTests
{
    private static (Genesis genesis, BlockHeader header, WorldState state) Start()
    {
        Genesis genesis = TestChain.Genesis();
        var state = new WorldState();
        Block block = genesis.CreateBlock(state);
        return (genesis, block.Header, state);
    }

    /// <summary>Replays <paramref name="txs"/> on a fresh genesis state with a bare processor: the oracle state root.</summary>
    private static Hash256 ReplayRoot(Genesis genesis, BlockHeader header, IReadOnlyList<Transaction> txs)
    {
        var state = new WorldState();
        genesis.ApplyTo(state);
        var env = new BlockEnvironment
        {
            Coinbase = header.Coinbase, Number = header.Number, Timestamp = header.Timestamp, GasLimit = (long)header.GasLimit,
            BaseFee = header.BaseFeePerGas!.Value, PrevRandao = header.MixHash.ToUInt256(), ExcessBlobGas = header.ExcessBlobGas!.Value,
            ChainId = new UInt256(TestChain.ChainId),
        };
        var processor = new TransactionProcessor(state, env);
        foreach (Transaction tx in txs)
        {
            Assert.True(tx.TryRecoverSender(TestChain.ChainId, out Address sender, out _));
            Assert.True(processor.TryExecute(tx.ToInput(sender), out _, out _));
        }
        return state.ComputeStateRoot();
    }

    [Fact]
    public void GenesisAllocLandsInTheState()
    {
        var (genesis, header, state) = Start();
        Assert.Equal(TestChain.Funding, state.GetBalance(TestChain.AddressOf(1)));
        Assert.Equal(UInt256.Parse("0x3635c9adc5dea00000"), state.GetBalance(TestChain.AddressOf(2)));
        Address contract = Address.FromNumber(0xaa);
        Assert.Equal(new UInt256(2), state.GetStorage(contract, UInt256.One));
        Assert.Equal(Hex.Decode("0x600160005500"), state.GetCode(contract));
        Assert.Equal(TestChain.ChainId, genesis.ChainId);
        Assert.Equal(new UInt256(1_000_000_000), header.BaseFeePerGas);
        Assert.Equal(Keccak256.EmptyTrieRoot, header.WithdrawalsRoot);
        Assert.Equal(0UL, header.BlobGasUsed);
        Assert.Equal(30_000_000UL, header.GasLimit);
        Assert.Equal("lockstep"u8.ToArray(), header.ExtraData);
        // Independently: the state root of a fresh state given the same accounts through the setters.
        var other = new WorldState();
        other.SetAccount(TestChain.AddressOf(2), 0, UInt256.Parse("0x3635c9adc5dea00000"), [], []);
        other.SetAccount(contract, 0, UInt256.One, Hex.Decode("0x600160005500"), [new(UInt256.One, new UInt256(2))]);
        other.SetAccount(TestChain.AddressOf(1), 0, TestChain.Funding, [], []);
        other.CommitTransaction();
        Assert.Equal(other.ComputeStateRoot(), header.StateRoot);
    }

    [Fact]
    public void TransfersProduceReceiptsGasAndRoots()
    {
        var (genesis, parent, state) = Start();
        Address bob = Address.FromNumber(0xb0b);
        var txs = new List<Transaction>
        {
            TestChain.Transfer(1, 0, bob, 1000),
            TestChain.Transfer(1, 1, bob, 2000),
            TestChain.Transfer(2, 0, TestChain.AddressOf(1), 5),
            TestChain.Legacy(2, 1, bob, new UInt256(7), [], 21_000),
        };
        BlockAttributes attrs = TestChain.Attributes(parent);
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, txs, attrs);
        BlockHeader h = built.Block.Header;

        Assert.Empty(built.Skipped);
        Assert.Equal(4, built.Receipts.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(built.Receipts[i].Success);
            Assert.Equal(21_000UL * (ulong)(i + 1), built.Receipts[i].CumulativeGasUsed);
            Assert.True(built.Receipts[i].Bloom.IsEmpty);
        }
        Assert.Equal((byte)0, built.Receipts[3].Type);
        Assert.Equal((byte)2, built.Receipts[0].Type);
        Assert.Equal(84_000UL, h.GasUsed);
        Assert.Equal(parent.Hash, h.ParentHash);
        Assert.Equal(1UL, h.Number);
        // The parent used no gas: the base fee drops by an eighth (EIP-1559).
        Assert.Equal(new UInt256(875_000_000), h.BaseFeePerGas);
        Assert.Equal(new UInt256(1007 + 2000), state.GetBalance(bob) - UInt256.Zero);
        Assert.Equal(2UL, state.GetNonce(TestChain.AddressOf(1)));

        // Roots recomputed independently: plain Patricia tries keyed by RLP(i).
        var txTrie = new PatriciaTrie();
        var receiptTrie = new PatriciaTrie();
        for (int i = 0; i < txs.Count; i++)
        {
            byte[] key = new RlpWriter().WriteUInt64((ulong)i).ToArray();
            txTrie.Set(key, txs[i].Encode());
            receiptTrie.Set(key, built.Receipts[i].Encode());
        }
        Assert.Equal(txTrie.RootHash, h.TransactionsRoot);
        Assert.Equal(receiptTrie.RootHash, h.ReceiptsRoot);
        Assert.Equal(Keccak256.EmptyTrieRoot, h.WithdrawalsRoot);
        Assert.Equal(ReplayRoot(genesis, h, txs), h.StateRoot);
        Assert.NotEqual(parent.StateRoot, h.StateRoot);
        Assert.Equal(attrs.ParentBeaconBlockRoot, h.ParentBeaconBlockRoot);
        Assert.Equal(attrs.PrevRandao, h.MixHash);

        // The sealed block round-trips through RLP with the same hash and transactions.
        Block back = Block.Decode(built.Block.Encode());
        Assert.Equal(built.Block.Hash, back.Hash);
        Assert.Equal(txs.Count, back.Transactions.Count);
        for (int i = 0; i < txs.Count; i++) Assert.Equal(txs[i].Hash, back.Transactions[i].Hash);
    }

    [Fact]
    public void ContractDeploymentAndCallEmitLogsAndStorage()
    {
        var (genesis, parent, state) = Start();
        Address sender = TestChain.AddressOf(1);
        Address contract = Lockstep.Evm.Instructions.SystemOps.CreateAddress(sender, 0);
        byte[] calldata = new byte[32];
        calldata[31] = 0x2a;
        var txs = new List<Transaction>
        {
            TestChain.Call(1, 0, null, TestChain.InitCode, 200_000),
            TestChain.Call(1, 1, contract, calldata, 100_000),
        };
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, txs, TestChain.Attributes(parent));
        Assert.Empty(built.Skipped);
        Assert.Equal(contract, built.Results[0].ContractAddress);
        Assert.True(built.Receipts[0].Success && built.Receipts[1].Success);
        Assert.Empty(built.Receipts[0].Logs);
        Assert.Single(built.Receipts[1].Logs);
        LogEntry log = built.Receipts[1].Logs[0];
        Assert.Equal(contract, log.Address);
        Assert.Equal(Hash256.FromUInt256(new UInt256(0xaa)), log.Topics[0]);
        Assert.Equal(TestChain.Runtime, state.GetCode(contract));
        Assert.Equal(new UInt256(7), state.GetStorage(contract, UInt256.One));
        Assert.Equal(new UInt256(0x2a), state.GetStorage(contract, UInt256.Zero));

        ulong gas0 = (ulong)built.Results[0].GasUsed, gas1 = (ulong)built.Results[1].GasUsed;
        Assert.Equal(gas0, built.Receipts[0].CumulativeGasUsed);
        Assert.Equal(gas0 + gas1, built.Receipts[1].CumulativeGasUsed);
        Assert.Equal(gas0 + gas1, built.Block.Header.GasUsed);
        // Creation pays 53000 + calldata + initcode words (EIP-3860) + execution; a call at least 21000 + calldata.
        Assert.True(gas0 > 53_000);
        Assert.True(gas1 > 21_000 + 16);

        Bloom header = built.Block.Header.LogsBloom;
        Assert.True(header.MayContain(contract.ToArray()));
        Assert.True(header.MayContain(log.Topics[0].ToArray()));
        Assert.Equal(built.Receipts[1].Bloom.Bytes.ToArray(), header.Bytes.ToArray());
        Assert.Equal(ReplayRoot(genesis, built.Block.Header, txs), built.Block.Header.StateRoot);
    }

    [Fact]
    public void InvalidTransactionsAreSkippedAndLeaveTheStateUnchanged()
    {
        var (_, parent, state) = Start();
        Address bob = Address.FromNumber(0xb0b);
        Address poor = TestChain.AddressOf(9); // unfunded
        var txs = new List<Transaction>
        {
            TestChain.Transfer(1, 1, bob, 1),                         // nonce gap (account nonce is 0)
            TestChain.Transfer(1, 0, bob, 1, chainId: 1),             // signed for another chain
            TestChain.Transfer(9, 0, bob, 1),                         // insufficient funds
            TestChain.Transfer(1, 0, bob, 1, maxFee: 1),              // fee cap below the base fee
            TestChain.Legacy(1, 0, bob, TestChain.Funding, [], 21_000), // value + gas above the balance
        };
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, txs, TestChain.Attributes(parent));
        Assert.Empty(built.Block.Transactions);
        Assert.Empty(built.Receipts);
        Assert.Equal(5, built.Skipped.Count);
        Assert.Equal(InvalidTransactionReason.NonceTooHigh, built.Skipped[0].InvalidReason);
        Assert.NotEqual(TransactionError.None, built.Skipped[1].SignatureError);
        Assert.Equal(InvalidTransactionReason.InsufficientFunds, built.Skipped[2].InvalidReason);
        Assert.Equal(InvalidTransactionReason.FeeCapBelowBaseFee, built.Skipped[3].InvalidReason);
        Assert.Equal(InvalidTransactionReason.InsufficientFunds, built.Skipped[4].InvalidReason);
        Assert.Equal(parent.StateRoot, built.Block.Header.StateRoot);
        Assert.Equal(0UL, built.Block.Header.GasUsed);
        Assert.Equal(Keccak256.EmptyTrieRoot, built.Block.Header.TransactionsRoot);
        Assert.Equal(0UL, state.GetNonce(TestChain.AddressOf(1)));
        Assert.Equal(TestChain.Funding, state.GetBalance(TestChain.AddressOf(1)));
        Assert.False(state.Exists(bob));
        Assert.False(state.Exists(poor));
    }

    [Fact]
    public void ValidTransactionsAroundInvalidOnesStillExecute()
    {
        var (genesis, parent, state) = Start();
        Address bob = Address.FromNumber(0xb0b);
        var valid = new List<Transaction> { TestChain.Transfer(1, 0, bob, 10), TestChain.Transfer(1, 1, bob, 20) };
        var txs = new List<Transaction> { valid[0], TestChain.Transfer(1, 5, bob, 1), TestChain.Transfer(9, 0, bob, 1), valid[1] };
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, txs, TestChain.Attributes(parent));
        Assert.Equal(2, built.Block.Transactions.Count);
        Assert.Equal(new[] { 1, 2 }, built.Skipped.Select(s => s.Index).ToArray());
        Assert.Equal(ReplayRoot(genesis, built.Block.Header, valid), built.Block.Header.StateRoot);
        Assert.Equal(new UInt256(30), state.GetBalance(bob));
    }

    [Fact]
    public void BlockGasLimitIsEnforcedAcrossTransactions()
    {
        var (_, parent, state) = Start();
        Address bob = Address.FromNumber(0xb0b);
        var attrs = new BlockAttributes { Coinbase = Address.FromNumber(1), Timestamp = parent.Timestamp + 1, GasLimit = 50_000 };
        var txs = new List<Transaction> { TestChain.Transfer(1, 0, bob, 1), TestChain.Transfer(1, 1, bob, 1), TestChain.Transfer(1, 2, bob, 1) };
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, txs, attrs);
        Assert.Equal(2, built.Block.Transactions.Count);
        Assert.Equal(InvalidTransactionReason.GasLimitExceedsBlock, Assert.Single(built.Skipped).InvalidReason);
        Assert.Equal(50_000UL, built.Block.Header.GasLimit);
    }
}
