using System.Numerics;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>The seed's canonical flows on two and three rollups, with the test playing the sequencer.</summary>
public class BridgeTests
{
    internal static Address DeployReceiver(RollupSet set)
    {
        ContractArtifact artifact = ContractArtifact.Load("SystemTestReceiver");
        Address? address = null;
        foreach (ulong id in set.Ids)
        {
            Address a = set[id].Deploy(Carol, artifact);
            Assert.True(address is null || address == a); // same deployer and nonce: same address on every rollup
            address = a;
        }
        return address!.Value;
    }

    [Fact]
    public void Burn_on_A_then_mint_on_B_moves_tokens_and_keeps_the_roots_equal()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Assert.True(set.InvariantHolds(a, b));
        Assert.Equal(Hash256.Zero, MessageTreesLayout.ReadOutboxRoot(set[a].State, b));

        UInt256 amount = new(250_000);
        TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, amount, b, Bob));
        Assert.True(burn.Success, burn.Status.ToString());
        List<CrossRollupMessage> requests = CrossRollupMessage.DecodeAll(burn.Logs, a);
        CrossRollupMessage m = Assert.Single(requests);
        Assert.Equal(MessageKind.Mint, m.Kind);
        Assert.Equal((a, b, 0UL), (m.Source, m.Destination, m.Nonce));
        Assert.Equal((SystemAddresses.CrossRollupToken, Alice, Bob, amount), (m.Token, m.From, m.To, m.Amount));
        Assert.Equal(MessageHashes.Mint(a, b, 0, SystemAddresses.CrossRollupToken, Alice, Bob, amount), m.MessageHash);
        Assert.Equal(SystemAddresses.MintBurn, m.DeliveryTo);

        // Burned on A, nothing yet on B: the pair is out of balance until the mint is delivered.
        Assert.Equal(InitialLst - amount, set.LstBalance(a, Alice));
        Assert.Equal(InitialLst + InitialLst - amount, set.LstSupply(a));
        Assert.False(set.InvariantHolds(a, b));

        TransactionResult mint = Assert.Single(set.DeliverAll(requests));
        Assert.Equal(amount, set.LstBalance(b, Bob));
        Assert.Equal(amount, set.LstSupply(b));
        Assert.Equal(InitialLst + InitialLst, set.LstSupply(a) + set.LstSupply(b));
        Assert.True(set.InvariantHolds(a, b));
        set.AssertTreesMatchRecords();
        Lockstep.State.LogEntry executed = Assert.Single(mint.Logs, l => l.Address == SystemAddresses.MintBurn);
        Assert.Equal([CrossRollupMessage.MintExecutedTopic, new Hash256(Encode(("uint256", Big(a))))], executed.Topics);
        Assert.Equal(Encode(("uint256", Big(0)), ("bytes32", m.MessageHash.ToArray())), executed.Data);

        // A second message takes nonce 1 and both sides stay equal to the reference tree.
        TransactionResult again = set.Send(a, Bob, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, b, Alice));
        CrossRollupMessage second = Assert.Single(CrossRollupMessage.DecodeAll(again.Logs, a));
        Assert.Equal(1UL, second.Nonce);
        set.DeliverAll([second]);
        Assert.True(set.InvariantHolds(a, b));
        set.AssertTreesMatchRecords();
        Assert.Equal(UInt256.One, set.LstBalance(b, Alice));
    }

    [Fact]
    public void Roots_read_through_the_getters_equal_the_documented_slots()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        for (int i = 0; i < 3; i++)
        {
            TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(10), b, Bob));
            set.DeliverAll(CrossRollupMessage.DecodeAll(burn.Logs, a));
        }
        byte[] viaGetter = set[a].Call(Alice, SystemAddresses.MessageTrees, SystemCalldata.OutboxRoot(b)).Output;
        Assert.Equal(MessageTreesLayout.ReadOutboxRoot(set[a].State, b).ToArray(), viaGetter);
        byte[] inboxViaGetter = set[b].Call(Alice, SystemAddresses.MessageTrees, SystemCalldata.InboxRoot(a)).Output;
        Assert.Equal(viaGetter, inboxViaGetter);
        Assert.Equal(ReferenceTree.Root(set.Outbox[(a, b)]).ToArray(), viaGetter);
    }

    [Fact]
    public void Eth_burn_and_mint_go_through_the_reserves_and_conserve_circulating_eth()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        UInt256 funds = new(5_000_000_000_000_000_000UL), amount = new(1_500_000_000_000_000_000UL);
        set[a].State.AddBalance(Alice, funds);
        set[a].State.CommitTransaction();
        Assert.Equal(PredeployOptions.DefaultEthReserve, set[a].State.GetBalance(SystemAddresses.MintBurn));

        TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.BurnEth(b, Carol), amount);
        Assert.True(burn.Success, burn.Status.ToString());
        CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(burn.Logs, a));
        Assert.Equal((Address.Zero, Alice, Carol, amount), (m.Token, m.From, m.To, m.Amount));
        set.DeliverAll([m]);

        Assert.Equal(funds - amount, set[a].State.GetBalance(Alice)); // gas price 0 in the harness
        Assert.Equal(PredeployOptions.DefaultEthReserve + amount, set[a].State.GetBalance(SystemAddresses.MintBurn));
        Assert.Equal(amount, set[b].State.GetBalance(Carol));
        Assert.Equal(PredeployOptions.DefaultEthReserve - amount, set[b].State.GetBalance(SystemAddresses.MintBurn));
        // Circulating ETH (balances outside the reserves) is conserved across the set.
        Assert.Equal(funds, set[a].State.GetBalance(Alice) + set[b].State.GetBalance(Carol));
        Assert.True(set.InvariantHolds(a, b));
        set.AssertTreesMatchRecords();
    }

    [Fact]
    public void Trigger_then_action_exposes_sender_and_source_to_the_target()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = DeployReceiver(set);
        byte[] call = Call("record(uint256)", ("uint256", Big(77)));
        TransactionResult trigger = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, call, new UInt256(200_000)));
        Assert.True(trigger.Success, trigger.Status.ToString());
        CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(trigger.Logs, a));
        Assert.Equal(MessageKind.Action, m.Kind);
        Assert.Equal((Alice, receiver, 200_000UL), (m.Sender, m.Target, m.GasLimit));
        Assert.Equal(call, m.Data);
        Assert.Equal(SystemAddresses.Messenger, m.DeliveryTo);
        Assert.Equal(200_000UL + 200_000 / 63 + CrossRollupMessage.ActionDeliveryOverhead + 16UL * (ulong)call.Length, m.DeliveryGas);
        // The nonce is returned to the caller too.
        Assert.Equal(new byte[32], trigger.Output);

        set.DeliverAll([m]);
        ContractHarness dest = set[b];
        Assert.Equal(Alice.ToUInt256(), dest.State.GetStorage(receiver, new UInt256(0)));   // lastSender
        Assert.Equal(new UInt256(a), dest.State.GetStorage(receiver, new UInt256(1)));       // lastSource
        Assert.Equal(SystemAddresses.Messenger.ToUInt256(), dest.State.GetStorage(receiver, new UInt256(2))); // lastCaller
        Assert.Equal(new UInt256(77), dest.State.GetStorage(receiver, new UInt256(3)));
        Assert.True(set.InvariantHolds(a, b));
        set.AssertTreesMatchRecords();

        // After the action, messageSender() reverts again (transient values restored).
        Assert.False(dest.Call(Alice, SystemAddresses.Messenger, SystemCalldata.MessageSender()).Success);
        Assert.False(dest.Call(Alice, SystemAddresses.Messenger, SystemCalldata.MessageSourceChainId()).Success);
    }

    [Fact]
    public void The_target_gets_exactly_gasLimit()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = DeployReceiver(set);
        const ulong gasLimit = 123_456;
        TransactionResult trigger = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, Call("measureGas()"), new UInt256(gasLimit)));
        set.DeliverAll(CrossRollupMessage.DecodeAll(trigger.Logs, a));
        ulong atEntry = (ulong)set[b].State.GetStorage(receiver, new UInt256(4));
        // gasleft() in the target = gasLimit minus solc's selector dispatch (a few hundred gas); a call starved by
        // the 63/64 rule would have started with at most gasLimit * 63/64 = 121,543.
        Assert.InRange(atEntry, gasLimit - 400, gasLimit - 1);
    }

    [Fact]
    public void An_action_can_trigger_a_further_action_on_a_third_rollup()
    {
        var set = new RollupSet(3);
        ulong a = set.Ids[0], b = set.Ids[1], c = set.Ids[2];
        Address receiver = DeployReceiver(set);
        byte[] onC = Call("record(uint256)", ("uint256", Big(5)));
        byte[] onB = Call("relay(uint256,address,bytes,uint256)", ("uint256", Big(c)), ("address", receiver.ToString()), ("bytes", onC), ("uint256", Big(150_000)));
        TransactionResult trigger = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, onB, new UInt256(400_000)));
        List<TransactionResult> deliveries = set.DeliverAll(CrossRollupMessage.DecodeAll(trigger.Logs, a));
        Assert.Equal(2, deliveries.Count);

        // The nested message left B (same protocol transaction as the action) with the receiver on B as sender.
        CrossRollupMessage nested = Assert.Single(CrossRollupMessage.DecodeAll(deliveries[0].Logs, b));
        Assert.Equal((b, c, 0UL, receiver), (nested.Source, nested.Destination, nested.Nonce, nested.Sender));
        Assert.Equal(receiver.ToUInt256(), set[c].State.GetStorage(receiver, new UInt256(0)));
        Assert.Equal(new UInt256(b), set[c].State.GetStorage(receiver, new UInt256(1)));
        foreach (ulong x in set.Ids)
        foreach (ulong y in set.Ids)
            if (x != y) Assert.True(set.InvariantHolds(x, y), $"{x}->{y}");
        set.AssertTreesMatchRecords();
    }

    [Fact]
    public void Token_is_an_ordinary_erc20()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0];
        ContractHarness chain = set[a];
        Assert.True(chain.Send(Alice, SystemAddresses.CrossRollupToken, SystemCalldata.Transfer(Carol, new UInt256(40))).Success);
        Assert.True(chain.Send(Carol, SystemAddresses.CrossRollupToken, SystemCalldata.Approve(Bob, new UInt256(30))).Success);
        TransactionResult pulled = chain.Send(Bob, SystemAddresses.CrossRollupToken,
            Call("transferFrom(address,address,uint256)", ("address", Carol.ToString()), ("address", Bob.ToString()), ("uint256", Big(25))));
        Assert.True(pulled.Success);
        Assert.Equal(new UInt256(15), set.LstBalance(a, Carol));
        Assert.Equal(InitialLst + new UInt256(25), set.LstBalance(a, Bob));
        Assert.False(chain.Send(Bob, SystemAddresses.CrossRollupToken,
            Call("transferFrom(address,address,uint256)", ("address", Carol.ToString()), ("address", Bob.ToString()), ("uint256", Big(6)))).Success);

        byte[] name = chain.Call(Alice, SystemAddresses.CrossRollupToken, Selector("name()")).Output;
        Assert.Equal(Encode(("string", "Lockstep Token")), name);
        byte[] symbol = chain.Call(Alice, SystemAddresses.CrossRollupToken, Selector("symbol()")).Output;
        Assert.Equal(Encode(("string", "LST")), symbol);
        Assert.Equal(Encode(("uint8", new BigInteger(18))), chain.Call(Alice, SystemAddresses.CrossRollupToken, Selector("decimals()")).Output);
    }
}
