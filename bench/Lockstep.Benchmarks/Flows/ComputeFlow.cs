using System.Diagnostics;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Evm.Instructions;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Benchmarks.Flows;

/// <summary>
/// Interpreter throughput in Mgas/s: one transaction calling <c>Compute.run(rounds)</c> (arithmetic, keccak,
/// memory, no storage), as tools/bench/anvil-compute.mjs does on anvil. The gas used must match anvil's.
/// </summary>
internal static class ComputeFlow
{
    public static (long Gas, double Seconds) RunOnce(int rounds)
    {
        var state = new WorldState();
        Address sender = Address.FromNumber(0xabc);
        state.SetAccount(sender, 0, UInt256.Parse("1000000000000000000000"), [], []);
        state.CommitTransaction();
        var block = new BlockEnvironment { Coinbase = Address.FromNumber(0xc0ffee), Number = 1, Timestamp = 1_700_000_000, GasLimit = 2_000_000_000, BaseFee = 1, ChainId = 31337 };
        using var vm = new VirtualMachine();
        var processor = new TransactionProcessor(state, block, vm);

        Run(processor, state, new TransactionInput { Type = 2, Sender = sender, Nonce = 0, Data = BenchContracts.Bytecode("Compute"), GasLimit = 1_000_000, MaxFeePerGas = 10, MaxPriorityFeePerGas = 1 });
        Address target = SystemOps.CreateAddress(sender, 0);

        var call = new TransactionInput { Type = 2, Sender = sender, To = target, Nonce = 1, Data = BenchContracts.Call("run(uint256)", (ulong)rounds), GasLimit = 1_000_000_000, MaxFeePerGas = 10, MaxPriorityFeePerGas = 1 };
        var clock = Stopwatch.StartNew();
        long gas = Run(processor, state, call);
        return (gas, clock.Elapsed.TotalSeconds);
    }

    private static long Run(TransactionProcessor processor, WorldState state, TransactionInput tx)
    {
        if (!processor.TryExecute(tx, out TransactionResult result, out InvalidTransactionReason reason))
            throw new InvalidOperationException($"invalid: {reason}");
        if (!result.Success) throw new InvalidOperationException($"failed: {result.Status}");
        state.CommitTransaction();
        return result.GasUsed;
    }
}
