using System.Diagnostics;
using System.Numerics;
using Lockstep.Evm.Instructions;
using Lockstep.Primitives;
using Nethereum.EVM;

namespace Lockstep.Benchmarks.Flows;

/// <summary>
/// <see cref="Erc20BlockFlow"/> on Nethereum.EVM: the same accounts, the same BenchToken deployment and token
/// distribution, the same block of transfers to fresh recipients, timed with the state root after it. Nethereum has
/// no state root here, so the root is our trie's over Nethereum's resulting accounts (see <see cref="NethereumChain"/>),
/// and its time is included as on the other engines. With the same inputs the root must equal our engine's.
/// </summary>
internal static class NethereumErc20Flow
{
    private static readonly UInt256 Supply = UInt256.Parse("1000000000000000000000000000000");
    private const ulong MaxFee = 10, Tip = 1;

    /// <summary>One measured block: totals, and the smallest and largest gas of one transfer.</summary>
    public sealed record Result(int Txs, double Seconds, double ExecuteSeconds, double RootSeconds, long GasUsed, long MinGas, long MaxGas, Hash256 Root)
    {
        public double TxPerSecond => Txs / Seconds;
        public double MgasPerSecond => GasUsed / Seconds / 1e6;
    }

    public static async Task<Result> RunOnceAsync(int txs, int senders)
    {
        // Same addresses and block as Erc20BlockFlow, so that the gas and the state root can be compared.
        var chain = new NethereumChain
        {
            Coinbase = Address.FromNumber(0xc0ffee),
            BlockNumber = 1,
            Timestamp = 1_700_000_000,
            BlockGasLimit = long.MaxValue / 2,
            BaseFee = 1,
            ChainId = 31337,
        };
        Address deployer = Address.FromNumber(0xde9107);
        var senderAddresses = new Address[senders];
        UInt256 ether = UInt256.Parse("1000000000000000000000");
        chain.Fund(deployer, ether);
        for (int i = 0; i < senders; i++)
        {
            senderAddresses[i] = Address.FromNumber(0x5e000000u + (uint)i);
            chain.Fund(senderAddresses[i], ether);
        }

        await Execute(chain, deployer, null, BenchContracts.Deploy("BenchToken", Supply), 3_000_000);
        Address token = SystemOps.CreateAddress(deployer, 0);
        UInt256 share = Supply / (UInt256)(ulong)(senders + 1);
        foreach (Address s in senderAddresses)
            await Execute(chain, deployer, token, BenchContracts.Call("transfer(address,uint256)", s.ToUInt256(), share), 100_000);
        chain.ComputeStateRoot();

        // the measured block, built before the clock starts
        var from = new Address[txs];
        var data = new byte[txs][];
        for (int i = 0; i < txs; i++)
        {
            from[i] = senderAddresses[i % senders];
            data[i] = BenchContracts.Call("transfer(address,uint256)", Address.FromNumber(0x10000000u + (uint)i).ToUInt256(), 1000);
        }

        long gas = 0, min = long.MaxValue, max = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < txs; i++)
        {
            long g = await Execute(chain, from[i], token, data[i], 60_000);
            gas += g;
            min = Math.Min(min, g);
            max = Math.Max(max, g);
        }
        double execute = clock.Elapsed.TotalSeconds;
        Hash256 root = chain.ComputeStateRoot();
        double total = clock.Elapsed.TotalSeconds;
        return new Result(txs, total, execute, total - execute, gas, min, max, root);
    }

    private static async Task<long> Execute(NethereumChain chain, Address from, Address? to, byte[] data, long gasLimit)
    {
        TransactionExecutionResult r = await chain.ExecuteAsync(from, to, data, gasLimit, MaxFee, Tip);
        if (!r.Success) throw new InvalidOperationException($"Nethereum: benchmark transaction failed: {r.Error} {r.RevertReason}");
        return (long)r.GasUsed;
    }
}
