using System.Diagnostics;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Evm.Instructions;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Benchmarks.Flows;

/// <summary>
/// The ERC20 block benchmark on our engine, shaped like tools/bench/anvil-erc20.mjs: deploy the OpenZeppelin
/// BenchToken, give tokens to <c>senders</c> accounts, then time one block of <c>txs</c> transfers, each to a fresh
/// recipient, plus the state root after it. Senders are known up front, as in anvil's pool, where signatures
/// were recovered when the transactions were submitted; sender recovery is measured separately.
/// </summary>
internal static class Erc20BlockFlow
{
    private static readonly UInt256 Supply = UInt256.Parse("1000000000000000000000000000000");

    public sealed record Result(int Txs, double Seconds, double ExecuteSeconds, double RootSeconds, long GasUsed, Hash256 Root)
    {
        public double TxPerSecond => Txs / Seconds;
        public double MgasPerSecond => GasUsed / Seconds / 1e6;
    }

    public static Result RunOnce(int txs, int senders)
    {
        var state = new WorldState();
        Address deployer = Address.FromNumber(0xde9107);
        var senderAddresses = new Address[senders];
        UInt256 ether = UInt256.Parse("1000000000000000000000");
        state.SetAccount(deployer, 0, ether, [], []);
        for (int i = 0; i < senders; i++)
        {
            senderAddresses[i] = Address.FromNumber(0x5e000000u + (uint)i);
            state.SetAccount(senderAddresses[i], 0, ether, [], []);
        }
        state.CommitTransaction();

        var block = new BlockEnvironment
        {
            Coinbase = Address.FromNumber(0xc0ffee),
            Number = 1,
            Timestamp = 1_700_000_000,
            GasLimit = long.MaxValue / 2,
            BaseFee = 1,
            ChainId = 31337,
        };
        using var vm = new VirtualMachine();
        var processor = new TransactionProcessor(state, block, vm);

        ulong deployerNonce = 0;
        Execute(processor, state, Tx(deployer, null, deployerNonce++, BenchContracts.Deploy("BenchToken", Supply), 3_000_000));
        Address token = SystemOps.CreateAddress(deployer, 0);
        UInt256 share = Supply / (UInt256)(ulong)(senders + 1);
        foreach (Address s in senderAddresses)
            Execute(processor, state, Tx(deployer, token, deployerNonce++, BenchContracts.Call("transfer(address,uint256)", s.ToUInt256(), share), 100_000));
        state.ComputeStateRoot();

        // the measured block, built before the clock starts
        var block2 = new TransactionInput[txs];
        var nonces = new ulong[senders];
        for (int i = 0; i < txs; i++)
        {
            int s = i % senders;
            Address to = Address.FromNumber(0x10000000u + (uint)i);
            block2[i] = Tx(senderAddresses[s], token, nonces[s]++, BenchContracts.Call("transfer(address,uint256)", to.ToUInt256(), 1000), 60_000);
        }

        long gas = 0;
        var clock = Stopwatch.StartNew();
        foreach (TransactionInput tx in block2) gas += Execute(processor, state, tx);
        double execute = clock.Elapsed.TotalSeconds;
        Hash256 root = state.ComputeStateRoot();
        double total = clock.Elapsed.TotalSeconds;
        return new Result(txs, total, execute, total - execute, gas, root);
    }

    private static TransactionInput Tx(Address from, Address? to, ulong nonce, byte[] data, ulong gas) => new()
    {
        Type = 2,
        Sender = from,
        To = to,
        Nonce = nonce,
        Data = data,
        GasLimit = gas,
        MaxFeePerGas = 10,
        MaxPriorityFeePerGas = 1,
    };

    private static long Execute(TransactionProcessor processor, WorldState state, TransactionInput tx)
    {
        if (!processor.TryExecute(tx, out TransactionResult result, out InvalidTransactionReason reason))
            throw new InvalidOperationException($"benchmark transaction invalid: {reason}");
        if (!result.Success) throw new InvalidOperationException($"benchmark transaction failed: {result.Status}");
        state.CommitTransaction();
        return result.GasUsed;
    }
}
