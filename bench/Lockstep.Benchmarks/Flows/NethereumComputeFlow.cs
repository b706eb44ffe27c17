using System.Diagnostics;
using Lockstep.Evm.Instructions;
using Lockstep.Primitives;
using Nethereum.EVM;

namespace Lockstep.Benchmarks.Flows;

/// <summary>
/// <see cref="ComputeFlow"/> on Nethereum.EVM: deploy Compute, then time one transaction calling
/// <c>Compute.run(rounds)</c>. The gas used must equal our engine's.
/// </summary>
internal static class NethereumComputeFlow
{
    public static async Task<(long Gas, double Seconds)> RunOnceAsync(int rounds)
    {
        var chain = new NethereumChain
        {
            Coinbase = Address.FromNumber(0xc0ffee),
            BlockNumber = 1,
            Timestamp = 1_700_000_000,
            BlockGasLimit = 2_000_000_000,
            BaseFee = 1,
            ChainId = 31337,
        };
        Address sender = Address.FromNumber(0xabc);
        chain.Fund(sender, UInt256.Parse("1000000000000000000000"));
        TransactionExecutionResult deployed = await chain.ExecuteAsync(sender, null, BenchContracts.Bytecode("Compute"), 1_000_000, 10, 1);
        if (!deployed.Success) throw new InvalidOperationException($"Nethereum: deploying Compute failed: {deployed.Error}");
        Address target = SystemOps.CreateAddress(sender, 0);

        byte[] data = BenchContracts.Call("run(uint256)", (ulong)rounds);
        var clock = Stopwatch.StartNew();
        TransactionExecutionResult r = await chain.ExecuteAsync(sender, target, data, 1_000_000_000, 10, 1);
        double seconds = clock.Elapsed.TotalSeconds;
        if (!r.Success) throw new InvalidOperationException($"Nethereum: Compute.run failed: {r.Error} {r.RevertReason}");
        return ((long)r.GasUsed, seconds);
    }
}
