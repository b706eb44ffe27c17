using System.Diagnostics;
using Lockstep.Execution;
using Lockstep.Primitives;
using Xunit.Abstractions;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>Gas of the user and protocol legs (documented in docs/protocol.md) and the delivery-gas constants' headroom.</summary>
public class GasTests(ITestOutputHelper output)
{
    [Fact]
    public void Delivery_gas_covers_the_costliest_first_delivery_and_legs_stay_lean()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);
        set[a].State.AddBalance(Alice, new UInt256(1_000_000));
        set[a].State.CommitTransaction();

        // First messages on the pair pay for fresh slots (count, root, branch) on both sides: the worst case.
        long[] burn = new long[3], mint = new long[3];
        for (int i = 0; i < 3; i++)
        {
            Address to = Address.FromNumber(0xbeef00 + (uint)i); // a fresh recipient each time: a new balance slot
            TransactionResult r = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(7), b, to));
            burn[i] = r.GasUsed;
            mint[i] = Assert.Single(set.DeliverAll(CrossRollupMessage.DecodeAll(r.Logs, a))).GasUsed;
        }
        TransactionResult ethBurn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.BurnEth(b, Address.FromNumber(0xe7e7)), new UInt256(5));
        long ethMint = Assert.Single(set.DeliverAll(CrossRollupMessage.DecodeAll(ethBurn.Logs, a))).GasUsed;
        byte[] call = Call("record(uint256)", ("uint256", Big(1)));
        TransactionResult trigger = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, call, new UInt256(100_000)));
        CrossRollupMessage actionMessage = Assert.Single(CrossRollupMessage.DecodeAll(trigger.Logs, a));
        long action = Assert.Single(set.DeliverAll([actionMessage])).GasUsed;
        long transfer = set[a].Send(Alice, SystemAddresses.CrossRollupToken, SystemCalldata.Transfer(Address.FromNumber(0xf00d), new UInt256(1))).GasUsed;
        long transferAgain = set[a].Send(Alice, SystemAddresses.CrossRollupToken, SystemCalldata.Transfer(Address.FromNumber(0xf00d), new UInt256(1))).GasUsed;

        output.WriteLine($"burn LST (1st, 2nd, 3rd): {string.Join(", ", burn)}");
        output.WriteLine($"mint LST (1st, 2nd, 3rd): {string.Join(", ", mint)}");
        output.WriteLine($"burnETH: {ethBurn.GasUsed}, mint ETH: {ethMint}");
        output.WriteLine($"trigger: {trigger.GasUsed}, action (record, 4 new slots in the target): {action}");
        output.WriteLine($"LST transfer to a new holder: {transfer}, to an existing holder: {transferAgain}");

        // A quarter of MintDeliveryGas stays spare even on the first delivery of a pair (all slots fresh).
        Assert.All(mint, g => Assert.True(g < 3 * (long)CrossRollupMessage.MintDeliveryGas / 4, $"mint used {g}"));
        Assert.True(ethMint < 3 * (long)CrossRollupMessage.MintDeliveryGas / 4);
        Assert.True(action < (long)actionMessage.DeliveryGas);
        Assert.True(action - 100_000 < (long)CrossRollupMessage.ActionDeliveryOverhead / 2, $"action overhead {action}");
        // Steady state: the source leg stays within 2.5x a plain transfer to a new holder.
        Assert.True(burn[2] < 5 * transfer / 2, $"burn {burn[2]} vs transfer {transfer}");
    }

    [Fact]
    public void Execution_time_of_burn_mint_pairs_against_plain_transfers()
    {
        // One processor (and so one VirtualMachine with its code cache) per rollup, as in a block builder; the
        // ContractHarness makes a new VM per transaction, which would dominate the time.
        const int pairs = 400;
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        var source = new TransactionProcessor(set[a].State, Block(a));
        var destination = new TransactionProcessor(set[b].State, Block(b));
        Address[] recipients = Enumerable.Range(0, pairs).Select(i => Address.FromNumber(0x100000 + (uint)i)).ToArray();
        for (int round = 0; round < 2; round++) // the first round warms the JIT and the code caches
        {
            var clock = Stopwatch.StartNew();
            foreach (Address to in recipients)
            {
                TransactionResult burn = Execute(source, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, b, to), 200_000);
                CrossRollupMessage.TryDecode(burn.Logs[^1], a, out CrossRollupMessage m);
                Execute(destination, SystemAddresses.ProtocolSender, m.DeliveryTo, m.DeliveryCalldata, m.DeliveryGas);
            }
            TimeSpan pairTime = clock.Elapsed;
            clock.Restart();
            for (int i = 0; i < 2; i++)
                foreach (Address to in recipients)
                    Execute(source, Bob, SystemAddresses.CrossRollupToken, SystemCalldata.Transfer(to, UInt256.One), 100_000);
            TimeSpan transferTime = clock.Elapsed;
            if (round == 1)
                output.WriteLine($"{pairs} burn+mint pairs: {pairTime.TotalMilliseconds:F1} ms; {2 * pairs} LST transfers: {transferTime.TotalMilliseconds:F1} ms; pair / two transfers = {pairTime / transferTime:F2}");
        }
        Assert.Equal(new UInt256(2 * pairs), set.LstSupply(b));
        Assert.True(set.InvariantHolds(a, b));
    }

    private static BlockEnvironment Block(ulong chainId) => new()
    {
        Coinbase = Address.Zero, Number = 1, Timestamp = 1_700_000_000, GasLimit = 1_000_000_000, BaseFee = UInt256.Zero, ChainId = new UInt256(chainId),
    };

    private static TransactionResult Execute(TransactionProcessor processor, Address from, Address to, byte[] data, ulong gas)
    {
        var tx = new TransactionInput { Type = 0, Sender = from, To = to, Nonce = processor.State.GetNonce(from), Data = data, GasLimit = gas };
        if (!processor.TryExecute(tx, out TransactionResult result, out InvalidTransactionReason invalid) || !result.Success)
            throw new InvalidOperationException($"transaction failed: {invalid} {result?.Status}");
        return result;
    }
}
