using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Execution;

/// <summary>
/// Applies one transaction to a <see cref="WorldState"/> in four phases (revm's handler shape):
/// <see cref="Validate"/> (every validity rule; a failure means the transaction is never includable and the
/// state is untouched), PreExecute (nonce, gas purchase, EIP-2929/2930/3651 warm-up), Execute (the call or
/// creation) and PostExecute (EIP-3529 refund, fee payment, EIP-6780/EIP-161 cleanup via
/// <see cref="WorldState.CommitTransaction"/>). Rollup rules override phases, never opcodes.
/// </summary>
public class TransactionProcessor
{
    private readonly VirtualMachine _vm;
    private readonly TxContext _tx = new();

    public TransactionProcessor(WorldState state, BlockEnvironment block, VirtualMachine? vm = null)
    {
        State = state;
        Block = block;
        BlockContext = block.ToContext();
        _vm = vm ?? new VirtualMachine();
    }

    public WorldState State { get; }

    /// <summary>
    /// When true (the default) each executed transaction is committed (<see cref="WorldState.CommitTransaction"/>).
    /// A sequencer that tries a transaction sets it false and then calls <see cref="WorldState.CommitTransaction"/>
    /// to keep it or <see cref="WorldState.DiscardTransaction"/> to drop it (nonce, fees and all).
    /// </summary>
    public bool AutoCommit { get; set; } = true;
    public BlockEnvironment Block { get; }
    public BlockContext BlockContext { get; }

    /// <summary>
    /// Validates and executes <paramref name="tx"/>. Returns false with the reason when it is invalid (state
    /// unchanged); otherwise true with the result, the transaction committed.
    /// </summary>
    public bool TryExecute(TransactionInput tx, out TransactionResult result, out InvalidTransactionReason invalid)
    {
        result = null!;
        invalid = Validate(tx, out long intrinsicGas);
        // Validation only reads the state, so an invalid transaction leaves nothing to undo.
        if (invalid != InvalidTransactionReason.None) return false;
        UInt256 gasPrice = EffectiveGasPrice(tx);
        Checkpoint start = State.TakeCheckpoint();
        _vm.StackExhausted = false;
        PreExecute(tx, gasPrice);
        CallResult call = Execute(tx, (long)tx.GasLimit - intrinsicGas, out Address? created);
        if (_vm.StackExhausted)
        {
            // Deep call chains recurse; this thread's stack was too small. Undo and redo on a large stack.
            State.RevertTo(start);
            (call, created) = RunOnLargeStack(tx, gasPrice, (long)tx.GasLimit - intrinsicGas);
        }
        result = PostExecute(tx, gasPrice, call, created);
        return true;
    }

    /// <summary>
    /// Executes a protocol (system) transaction, type 0x7F: a call from <see cref="Lockstep.Transactions.SystemTransaction.ProtocolSender"/>
    /// to <paramref name="to"/> with exactly <paramref name="gasLimit"/> gas. Unlike a user transaction there is no
    /// validation, no nonce (the protocol sender's nonce is neither checked nor bumped), no signature, no
    /// intrinsic gas (the calldata is re-derived from the source rollup's logs by every verifier) and no fee (gas
    /// price zero; nothing is bought, refunded or paid to the coinbase; the EIP-3529 refund does not apply).
    /// The result's <see cref="TransactionResult.GasUsed"/> is the gas the call consumed; the block builder counts
    /// it toward the block's gas used and never starts a delivery that could exceed the block gas limit.
    /// Committed like any transaction when <see cref="AutoCommit"/> is set.
    /// </summary>
    public TransactionResult ExecuteSystem(Address to, byte[] data, ulong gasLimit)
    {
        if (gasLimit > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(gasLimit), "gas limit beyond 2^63-1");
        Address sender = Lockstep.Transactions.SystemTransaction.ProtocolSender;
        Checkpoint start = State.TakeCheckpoint();
        _vm.StackExhausted = false;
        CallResult call = RunSystemCall(sender, to, data, (long)gasLimit);
        if (_vm.StackExhausted)
        {
            State.RevertTo(start);
            call = RunSystemCallOnLargeStack(sender, to, data, (long)gasLimit);
        }
        LogEntry[] logs = [];
        if (call.Success && State.Logs.Count > 0)
        {
            logs = new LogEntry[State.Logs.Count];
            for (int i = 0; i < logs.Length; i++) logs[i] = State.Logs[i];
        }
        if (AutoCommit) State.CommitTransaction();
        return new TransactionResult { Status = call.Status, GasUsed = (long)gasLimit - call.GasLeft, Output = call.Output, Logs = logs };
    }

    private CallResult RunSystemCall(in Address sender, in Address to, byte[] data, long gas)
    {
        _tx.Origin = sender;
        _tx.GasPrice = UInt256.Zero;
        _tx.BlobHashes = [];
        _vm.Reset(State, BlockContext, _tx);
        // The same EIP-2929 warm-up as a user transaction's (sender, recipient, EIP-3651 coinbase).
        State.WarmAddress(sender);
        State.WarmAddress(to);
        State.WarmAddress(Block.Coinbase);
        return _vm.Call(sender, to, to, UInt256.Zero, true, data, gas, 0, false, 0);
    }

    // A separate method: the lambda's captured locals would otherwise be a heap object allocated on every delivery.
    private CallResult RunSystemCallOnLargeStack(Address sender, Address to, byte[] data, long gas)
    {
        CallResult call = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { _vm.StackExhausted = false; call = RunSystemCall(sender, to, data, gas); }
            catch (Exception e) { error = e; }
        }, VirtualMachine.RequiredStackBytes);
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException("system transaction failed on the large-stack thread", error);
        if (_vm.StackExhausted) throw new InsufficientExecutionStackException("call depth exceeded the large execution stack");
        return call;
    }

    private (CallResult, Address?) RunOnLargeStack(TransactionInput tx, UInt256 gasPrice, long gas)
    {
        CallResult call = default;
        Address? created = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                _vm.StackExhausted = false;
                PreExecute(tx, gasPrice);
                call = Execute(tx, gas, out created);
            }
            catch (Exception e) { error = e; }
        }, VirtualMachine.RequiredStackBytes);
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException("transaction execution failed on the large-stack thread", error);
        if (_vm.StackExhausted) throw new InsufficientExecutionStackException("call depth exceeded the large execution stack");
        return (call, created);
    }

    /// <summary>Gas every transaction pays before execution (Yellow Paper 6.2, EIP-2028, EIP-2930, EIP-3860).</summary>
    public static long IntrinsicGas(TransactionInput tx)
    {
        long gas = tx.IsCreate ? GasCost.TransactionCreate : GasCost.Transaction;
        foreach (byte b in tx.Data) gas += b == 0 ? GasCost.TxDataZero : GasCost.TxDataNonZeroEip2028;
        if (tx.IsCreate) gas += GasCost.InitCodeWordEip3860 * ((tx.Data.Length + 31) / 32);
        foreach (AccessListItem item in tx.AccessList)
            gas += GasCost.AccessListAddressEip2930 + GasCost.AccessListStorageKeyEip2930 * item.StorageKeys.Length;
        return gas;
    }

    /// <summary>EIP-1559: min(max fee, base fee + priority fee); legacy and EIP-2930 pay the gas price.</summary>
    public UInt256 EffectiveGasPrice(TransactionInput tx)
    {
        if (!tx.HasFeeCaps) return tx.GasPrice;
        UInt256 tip = UInt256.AddOverflow(Block.BaseFee, tx.MaxPriorityFeePerGas, out bool overflow);
        return overflow || tip > tx.MaxFeePerGas ? tx.MaxFeePerGas : tip;
    }

    /// <summary>Every rule that makes a transaction unincludable. Reads the state, never writes it.</summary>
    protected virtual InvalidTransactionReason Validate(TransactionInput tx, out long intrinsicGas)
    {
        intrinsicGas = IntrinsicGas(tx);
        if (tx.GasLimit > long.MaxValue || (long)tx.GasLimit > Block.GasLimit) return InvalidTransactionReason.GasLimitExceedsBlock;
        if (intrinsicGas > (long)tx.GasLimit) return InvalidTransactionReason.IntrinsicGasTooLow;
        if (tx.IsCreate && tx.Data.Length > EvmLimits.MaxInitCodeSize) return InvalidTransactionReason.InitCodeTooLarge;

        // Fees (EIP-1559).
        UInt256 feeCap = tx.HasFeeCaps ? tx.MaxFeePerGas : tx.GasPrice;
        if (tx.HasFeeCaps && tx.MaxPriorityFeePerGas > tx.MaxFeePerGas) return InvalidTransactionReason.PriorityFeeAboveFeeCap;
        if (feeCap < Block.BaseFee) return InvalidTransactionReason.FeeCapBelowBaseFee;

        // Blobs (EIP-4844).
        ulong blobGas = 0;
        if (tx.Type == 3)
        {
            if (tx.IsCreate) return InvalidTransactionReason.BlobCreation;
            if (tx.BlobVersionedHashes.Length == 0) return InvalidTransactionReason.NoBlobs;
            if (tx.BlobVersionedHashes.Length > EvmLimits.MaxBlobsPerTransaction) return InvalidTransactionReason.TooManyBlobs;
            Span<byte> h = stackalloc byte[32];
            foreach (Hash256 hash in tx.BlobVersionedHashes)
            {
                hash.CopyTo(h);
                if (h[0] != 0x01) return InvalidTransactionReason.BadBlobVersion; // VERSIONED_HASH_VERSION_KZG
            }
            if (tx.MaxFeePerBlobGas < BlockContext.BlobBaseFee) return InvalidTransactionReason.BlobFeeCapTooLow;
            blobGas = tx.BlobGas;
        }

        // Sender (EIP-2681 nonce cap, EIP-3607 no code).
        ulong nonce = State.GetNonce(tx.Sender);
        if (nonce == ulong.MaxValue) return InvalidTransactionReason.NonceIsMax;
        if (tx.Nonce < nonce) return InvalidTransactionReason.NonceTooLow;
        if (tx.Nonce > nonce) return InvalidTransactionReason.NonceTooHigh;
        if (State.GetCodeHash(tx.Sender) != Keccak256.EmptyHash) return InvalidTransactionReason.SenderNotEoa;

        // Balance for the worst case: gasLimit · feeCap + value + blobGas · maxFeePerBlobGas.
        UInt256 maxCost = Mul(new UInt256(tx.GasLimit), feeCap, out bool o1);
        maxCost = UInt256.AddOverflow(maxCost, tx.Value, out bool o2);
        UInt256 blobCost = Mul(new UInt256(blobGas), tx.MaxFeePerBlobGas, out bool o3);
        maxCost = UInt256.AddOverflow(maxCost, blobCost, out bool o4);
        if (o1 || o2 || o3 || o4 || State.GetBalance(tx.Sender) < maxCost) return InvalidTransactionReason.InsufficientFunds;
        return InvalidTransactionReason.None;
    }

    private static UInt256 Mul(in UInt256 a, in UInt256 b, out bool overflow)
    {
        Span<ulong> p = stackalloc ulong[8];
        UInt256.MultiplyFull(a, b, p);
        overflow = (p[4] | p[5] | p[6] | p[7]) != 0;
        return new UInt256(p[0], p[1], p[2], p[3]);
    }

    /// <summary>Buys gas at the effective price (and blob gas at the blob base fee), bumps the nonce of calls, warms EIP-2929/2930/3651 addresses.</summary>
    protected virtual void PreExecute(TransactionInput tx, in UInt256 gasPrice)
    {
        _tx.Origin = tx.Sender;
        _tx.GasPrice = gasPrice;
        _tx.BlobHashes = tx.BlobVersionedHashes;
        _vm.Reset(State, BlockContext, _tx);

        UInt256 cost = new UInt256(tx.GasLimit) * gasPrice;
        if (tx.Type == 3) cost += new UInt256(tx.BlobGas) * BlockContext.BlobBaseFee;
        State.SubtractBalance(tx.Sender, cost);
        // A creation bumps the nonce inside the creation (after deriving the address from it).
        if (!tx.IsCreate) State.IncrementNonce(tx.Sender);

        State.WarmAddress(tx.Sender);
        if (tx.To is Address to) State.WarmAddress(to);
        // Precompiles are always warm (EIP-2929); the interpreter checks the address range instead of the set.
        State.WarmAddress(Block.Coinbase); // EIP-3651
        foreach (AccessListItem item in tx.AccessList)
        {
            State.WarmAddress(item.Address);
            foreach (UInt256 key in item.StorageKeys) State.WarmSlot(item.Address, key);
        }
    }

    /// <summary>Runs the call or the creation with the gas left after intrinsic gas.</summary>
    protected virtual CallResult Execute(TransactionInput tx, long gas, out Address? created)
    {
        if (tx.To is Address to)
        {
            created = null;
            return _vm.Call(tx.Sender, to, to, tx.Value, true, tx.Data, gas, 0, false, 0);
        }
        ulong nonce = State.GetNonce(tx.Sender);
        Address address = Lockstep.Evm.Instructions.SystemOps.CreateAddress(tx.Sender, nonce);
        State.SetNonce(tx.Sender, nonce + 1);
        created = address;
        return _vm.Create(tx.Sender, address, tx.Value, tx.Data, gas, 0, 0);
    }

    /// <summary>EIP-3529 refund (capped at a fifth of gas used), unused gas back to the sender, the priority fee to the coinbase.</summary>
    protected virtual TransactionResult PostExecute(TransactionInput tx, in UInt256 gasPrice, in CallResult call, Address? created)
    {
        long gasLeft = call.GasLeft;
        long gasUsed = (long)tx.GasLimit - gasLeft;
        long refund = Math.Min(State.Refund, gasUsed / GasCost.MaxRefundQuotientEip3529);
        if (refund > 0) gasLeft += refund;
        gasUsed = (long)tx.GasLimit - gasLeft;

        State.AddBalance(tx.Sender, new UInt256((ulong)gasLeft) * gasPrice);
        UInt256 tip = gasPrice - Block.BaseFee; // the base fee is burnt (EIP-1559)
        State.AddBalance(Block.Coinbase, new UInt256((ulong)gasUsed) * tip);

        LogEntry[] logs = [];
        if (call.Success && State.Logs.Count > 0)
        {
            logs = new LogEntry[State.Logs.Count];
            for (int i = 0; i < logs.Length; i++) logs[i] = State.Logs[i];
        }
        if (AutoCommit) State.CommitTransaction();
        return new TransactionResult
        {
            Status = call.Status,
            GasUsed = gasUsed,
            Output = call.Output,
            Logs = logs,
            ContractAddress = call.Success ? created : null,
        };
    }
}
