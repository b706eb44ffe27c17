using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Evm.Tests;

/// <summary>Transaction validity tiers, fees (EIP-1559), intrinsic gas, and try-then-drop for the sequencer.</summary>
public sealed class TransactionProcessorTests
{
    private static readonly Address Sender = Address.FromNumber(0xaaaa);
    private static readonly Address Recipient = Address.FromNumber(0xbbbb);
    private static readonly Address Coinbase = Address.FromNumber(0xc0c0);

    private static (WorldState, TransactionProcessor) Setup(ulong balance = 1_000_000_000)
    {
        var state = new WorldState();
        state.SetAccount(Sender, 0, new UInt256(balance), [], []);
        state.CommitTransaction();
        var block = new BlockEnvironment { Coinbase = Coinbase, Number = 1, GasLimit = 30_000_000, BaseFee = new UInt256(10) };
        return (state, new TransactionProcessor(state, block));
    }

    private static TransactionInput Transfer(ulong nonce = 0, ulong value = 1000, ulong gas = 21_000) => new()
    {
        Type = 2,
        Sender = Sender,
        To = Recipient,
        Nonce = nonce,
        Value = new UInt256(value),
        GasLimit = gas,
        MaxFeePerGas = new UInt256(20),
        MaxPriorityFeePerGas = new UInt256(2),
    };

    [Fact]
    public void Intrinsic_gas_follows_eip2028_and_eip3860()
    {
        Assert.Equal(21000 + 4 + 16, TransactionProcessor.IntrinsicGas(new TransactionInput { To = Recipient, Data = [0, 1] }));
        // Creation: 53000, data, and 2 per initcode word (33 bytes = 2 words).
        Assert.Equal(53000 + 33 * 16 + 2 * 2, TransactionProcessor.IntrinsicGas(new TransactionInput { Data = Enumerable.Repeat((byte)1, 33).ToArray() }));
        Assert.Equal(21000 + 2400 + 2 * 1900, TransactionProcessor.IntrinsicGas(new TransactionInput
        {
            To = Recipient,
            AccessList = [new AccessListItem(Recipient, [UInt256.One, UInt256.Zero])],
        }));
    }

    [Fact]
    public void Transfer_pays_priority_fee_to_coinbase_and_burns_base_fee()
    {
        var (state, p) = Setup();
        Assert.True(p.TryExecute(Transfer(), out TransactionResult r, out _));
        Assert.True(r.Success);
        Assert.Equal(21000, r.GasUsed);
        // effective price = min(20, 10 + 2) = 12; sender pays 12 per gas, coinbase gets 2 per gas.
        Assert.Equal(new UInt256(1_000_000_000 - 1000 - 21000 * 12), state.GetBalance(Sender));
        Assert.Equal(new UInt256(21000 * 2), state.GetBalance(Coinbase));
        Assert.Equal(new UInt256(1000), state.GetBalance(Recipient));
        Assert.Equal(1UL, state.GetNonce(Sender));
    }

    [Theory]
    [InlineData(1UL, 1000UL, 21_000UL, InvalidTransactionReason.NonceTooHigh)]
    [InlineData(0UL, 1000UL, 20_999UL, InvalidTransactionReason.IntrinsicGasTooLow)]
    [InlineData(0UL, 1_000_000_000UL, 21_000UL, InvalidTransactionReason.InsufficientFunds)]
    [InlineData(0UL, 1000UL, 40_000_000UL, InvalidTransactionReason.GasLimitExceedsBlock)]
    public void Invalid_transactions_leave_the_state_untouched(ulong nonce, ulong value, ulong gas, InvalidTransactionReason expected)
    {
        var (state, p) = Setup();
        Hash256 before = state.ComputeStateRoot();
        Assert.False(p.TryExecute(Transfer(nonce, value, gas), out _, out InvalidTransactionReason reason));
        Assert.Equal(expected, reason);
        Assert.Equal(before, state.ComputeStateRoot());
    }

    [Fact]
    public void Fee_cap_below_base_fee_is_invalid()
    {
        var (_, p) = Setup();
        var tx = new TransactionInput { Type = 2, Sender = Sender, To = Recipient, GasLimit = 21000, MaxFeePerGas = new UInt256(9), MaxPriorityFeePerGas = UInt256.One };
        Assert.False(p.TryExecute(tx, out _, out InvalidTransactionReason reason));
        Assert.Equal(InvalidTransactionReason.FeeCapBelowBaseFee, reason);
    }

    [Fact]
    public void Sequencer_can_try_a_transaction_and_drop_it()
    {
        var (state, p) = Setup();
        Hash256 before = state.ComputeStateRoot();
        p.AutoCommit = false;
        Assert.True(p.TryExecute(Transfer(), out TransactionResult r, out _));
        Assert.True(r.Success);
        Assert.Equal(new UInt256(1000), state.GetBalance(Recipient));
        state.DiscardTransaction();
        Assert.Equal(0UL, state.GetNonce(Sender));
        Assert.False(state.Exists(Recipient));
        Assert.Equal(before, state.ComputeStateRoot());

        Assert.True(p.TryExecute(Transfer(), out _, out _));
        state.CommitTransaction();
        Assert.NotEqual(before, state.ComputeStateRoot());
    }

    [Fact]
    public void Blob_base_fee_is_one_at_zero_excess_and_grows_exponentially()
    {
        Assert.Equal(UInt256.One, new BlockEnvironment { ExcessBlobGas = 0 }.BlobBaseFee);
        // EIP-4844: fake_exponential(1, 3338477, 3338477) = e rounded down by the Taylor series = 2.
        Assert.Equal(new UInt256(2), new BlockEnvironment { ExcessBlobGas = BlockEnvironment.BlobBaseFeeUpdateFraction }.BlobBaseFee);
    }
}

/// <summary>Deep recursion on a small thread stack is redone on a large one, so results never depend on the caller's thread.</summary>
public sealed class DeepRecursionTests
{
    [Fact]
    public void Depth_1024_recursion_gives_the_same_result_on_a_small_stack()
    {
        Address contract = Address.FromNumber(0xdeef);
        Address sender = Address.FromNumber(0xaaaa);
        // SSTORE(0, SLOAD(0) + 1); CALL(self, all gas); STOP -> slot 0 = number of frames that ran.
        byte[] code = [0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x30, 0x5a, 0xf1, 0x00];

        UInt256 Run(int stackBytes)
        {
            var state = new WorldState();
            state.SetAccount(sender, 0, UInt256.Parse("1000000000000000000000000000"), [], []);
            state.SetAccount(contract, 0, UInt256.Zero, code, []);
            state.CommitTransaction();
            var block = new BlockEnvironment { Number = 1, GasLimit = long.MaxValue, BaseFee = UInt256.Zero };
            var tx = new TransactionInput { Sender = sender, To = contract, GasLimit = 1UL << 60, GasPrice = UInt256.Zero };
            bool valid = false, success = false;
            var t = new Thread(() =>
            {
                using var vm = new VirtualMachine();
                valid = new TransactionProcessor(state, block, vm).TryExecute(tx, out TransactionResult r, out _);
                success = valid && r.Success;
            }, stackBytes);
            t.Start();
            t.Join();
            Assert.True(valid && success);
            return state.GetStorage(contract, UInt256.Zero);
        }

        // 1025 frames: the transaction's frame plus 1024 nested calls (the 1025th CALL fails the depth check).
        Assert.Equal(new UInt256(1025), Run(64 << 20));
        Assert.Equal(new UInt256(1025), Run(1 << 20));
    }
}
