using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>Issue 4's security and failure cases: every path reverts with its error and leaves the trees untouched.</summary>
public class SecurityTests
{
    private static CrossRollupMessage BurnToB(RollupSet set, UInt256 amount, Address? to = null)
    {
        ulong a = set.Ids[0], b = set.Ids[1];
        TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, amount, b, to ?? Bob));
        Assert.True(burn.Success, burn.Status.ToString());
        return Assert.Single(CrossRollupMessage.DecodeAll(burn.Logs, a));
    }

    private static void AssertReverted(TransactionResult r, byte[] expectedOutput)
    {
        Assert.False(r.Success);
        Assert.Equal(Hex.Encode(expectedOutput), Hex.Encode(r.Output));
        Assert.Empty(r.Logs);
    }

    [Fact]
    public void Only_the_protocol_sender_may_call_mint_and_action()
    {
        var set = new RollupSet(2);
        ulong b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);
        CrossRollupMessage m = BurnToB(set, new UInt256(10));
        ContractHarness dest = set[b];

        AssertReverted(dest.Send(Alice, SystemAddresses.MintBurn, m.DeliveryCalldata), Error("OnlyProtocol(address)", ("address", Alice.ToString())));
        // A contract is no better than an account.
        AssertReverted(dest.Send(Alice, receiver, Call("forward(address,bytes)", ("address", SystemAddresses.MintBurn.ToString()), ("bytes", m.DeliveryCalldata))),
            Error("OnlyProtocol(address)", ("address", receiver.ToString())));
        byte[] action = SystemCalldata.Action(set.Ids[0], 0, Alice, receiver, new UInt256(100_000), Call("record(uint256)", ("uint256", Big(1))));
        AssertReverted(dest.Send(Alice, SystemAddresses.Messenger, action), Error("OnlyProtocol(address)", ("address", Alice.ToString())));
        AssertReverted(dest.Send(Bob, receiver, Call("forward(address,bytes)", ("address", SystemAddresses.Messenger.ToString()), ("bytes", action))),
            Error("OnlyProtocol(address)", ("address", receiver.ToString())));

        Assert.Equal(0UL, MessageTreesLayout.ReadInboxCount(dest.State, set.Ids[0]));
        Assert.Equal(UInt256.Zero, set.LstBalance(b, Bob));
        set.DeliverAll([m]); // the real delivery still works afterwards
        Assert.Equal(new UInt256(10), set.LstBalance(b, Bob));
    }

    [Fact]
    public void MessageSender_cannot_be_faked_outside_an_action()
    {
        var set = new RollupSet(2);
        ulong b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);
        ContractHarness dest = set[b];
        byte[] notInAction = Error("NotInAction()");
        AssertReverted(dest.Call(Alice, SystemAddresses.Messenger, SystemCalldata.MessageSender()), notInAction);
        AssertReverted(dest.Call(Alice, SystemAddresses.Messenger, SystemCalldata.MessageSourceChainId()), notInAction);
        // Calling the target directly (as an account or through a contract) gets the revert from messageSender().
        AssertReverted(dest.Send(Alice, receiver, Call("record(uint256)", ("uint256", Big(1)))), notInAction);
        AssertReverted(dest.Send(Alice, receiver, Call("forward(address,bytes)", ("address", receiver.ToString()), ("bytes", Call("record(uint256)", ("uint256", Big(1)))))), notInAction);
        Assert.Equal(UInt256.Zero, dest.State.GetStorage(receiver, UInt256.Zero));
    }

    [Fact]
    public void Replayed_and_skipped_nonces_revert()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        CrossRollupMessage first = BurnToB(set, new UInt256(10));
        CrossRollupMessage second = BurnToB(set, new UInt256(20));

        AssertReverted(set.Deliver(second), Error("WrongNonce(uint256,uint256,uint256)", ("uint256", Big(a)), ("uint256", Big(0)), ("uint256", Big(1))));
        set.DeliverAll([first]);
        AssertReverted(set.Deliver(first), Error("WrongNonce(uint256,uint256,uint256)", ("uint256", Big(a)), ("uint256", Big(1)), ("uint256", Big(0))));
        Assert.Equal(new UInt256(10), set.LstBalance(b, Bob)); // the replay minted nothing
        Assert.False(set.InvariantHolds(a, b)); // the second message is still owed
        set.DeliverAll([second]);
        Assert.True(set.InvariantHolds(a, b));
        set.AssertTreesMatchRecords();
    }

    [Fact]
    public void Destinations_and_sources_outside_the_set_revert()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);
        foreach (ulong bad in new[] { 999UL, a, 0UL })
        {
            byte[] notInSet = Error("NotInSet(uint256)", ("uint256", Big(bad)));
            AssertReverted(set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, bad, Bob)), notInSet);
            AssertReverted(set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(bad, receiver, [], new UInt256(50_000))), notInSet);
        }
        // A delivery naming a source outside the set, or the destination itself, reverts on the destination.
        foreach (ulong bad in new[] { 999UL, b })
        {
            TransactionResult r = set[b].Send(SystemAddresses.ProtocolSender, SystemAddresses.MintBurn,
                SystemCalldata.Mint(bad, 0, SystemAddresses.CrossRollupToken, Alice, Bob, UInt256.One), gas: CrossRollupMessage.MintDeliveryGas);
            AssertReverted(r, Error("NotInSet(uint256)", ("uint256", Big(bad))));
        }
        Assert.Equal(InitialLst, set.LstBalance(a, Alice));
        set.AssertTreesMatchRecords();
    }

    [Fact]
    public void Only_MintBurn_mints_or_burns_the_token_and_only_system_contracts_append()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0];
        Address receiver = BridgeTests.DeployReceiver(set);
        ContractHarness chain = set[a];
        byte[] mint = Call("bridgeMint(address,uint256)", ("address", Alice.ToString()), ("uint256", Big(1)));
        byte[] burn = Call("bridgeBurn(address,uint256)", ("address", Bob.ToString()), ("uint256", Big(1)));
        AssertReverted(chain.Send(Alice, SystemAddresses.CrossRollupToken, mint), Error("OnlyMintBurn(address)", ("address", Alice.ToString())));
        AssertReverted(chain.Send(Alice, SystemAddresses.CrossRollupToken, burn), Error("OnlyMintBurn(address)", ("address", Alice.ToString())));
        AssertReverted(chain.Send(Alice, receiver, Call("forward(address,bytes)", ("address", SystemAddresses.CrossRollupToken.ToString()), ("bytes", mint))),
            Error("OnlyMintBurn(address)", ("address", receiver.ToString())));

        // The fixed-layout appends (type hash, chain id, [nonce,] four field words), well-formed and naming a member.
        byte[] fields = new byte[4 * 32];
        byte[] appendOutbox = [.. Selector("appendOutbox(bytes32,uint256,bytes32[4])"), .. Encode(("bytes32", new byte[32]), ("uint256", Big(set.Ids[1]))), .. fields];
        byte[] appendInbox = [.. Selector("appendInbox(bytes32,uint256,uint256,bytes32[4])"), .. Encode(("bytes32", new byte[32]), ("uint256", Big(set.Ids[1])), ("uint256", Big(0))), .. fields];
        AssertReverted(chain.Send(Alice, SystemAddresses.MessageTrees, appendOutbox), Error("NotSystemContract(address)", ("address", Alice.ToString())));
        AssertReverted(chain.Send(Alice, SystemAddresses.MessageTrees, appendInbox), Error("NotSystemContract(address)", ("address", Alice.ToString())));
        AssertReverted(chain.Send(SystemAddresses.ProtocolSender, SystemAddresses.MessageTrees, appendInbox, gas: 200_000),
            Error("NotSystemContract(address)", ("address", SystemAddresses.ProtocolSender.ToString())));
        AssertReverted(chain.Send(Alice, receiver, Call("forward(address,bytes)", ("address", SystemAddresses.MessageTrees.ToString()), ("bytes", appendOutbox))),
            Error("NotSystemContract(address)", ("address", receiver.ToString())));

        // Nor can an action borrow Messenger's identity: system contracts are refused as targets, at both ends.
        foreach (Address target in new[] { SystemAddresses.MessageTrees, SystemAddresses.Messenger, SystemAddresses.MintBurn, Address.Zero })
        {
            AssertReverted(set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(set.Ids[1], target, appendOutbox, new UInt256(100_000))),
                Error("ForbiddenTarget(address)", ("address", target.ToString())));
            AssertReverted(set[set.Ids[1]].Send(SystemAddresses.ProtocolSender, SystemAddresses.Messenger,
                    SystemCalldata.Action(a, 0, Alice, target, new UInt256(100_000), appendOutbox), gas: 500_000),
                Error("ForbiddenTarget(address)", ("address", target.ToString())));
        }
        set.AssertTreesMatchRecords();
        Assert.Equal(InitialLst + InitialLst, set.LstSupply(a));
    }

    [Fact]
    public void Paused_token_and_mint_cap_make_the_mint_revert_and_leave_no_trace()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        ContractHarness dest = set[b];
        AssertReverted(dest.Send(Alice, SystemAddresses.CrossRollupToken, Call("setPaused(bool)", ("bool", true))), Error("OnlyAdmin(address)", ("address", Alice.ToString())));
        Assert.True(dest.Send(Admin, SystemAddresses.CrossRollupToken, Call("setPaused(bool)", ("bool", true))).Success);

        CrossRollupMessage m = BurnToB(set, new UInt256(150));
        AssertReverted(set.Deliver(m), Error("MintPaused()"));
        Assert.Equal(0UL, MessageTreesLayout.ReadInboxCount(dest.State, a));
        Assert.Equal(UInt256.Zero, set.LstSupply(b));

        Assert.True(dest.Send(Admin, SystemAddresses.CrossRollupToken, Call("setPaused(bool)", ("bool", false))).Success);
        Assert.True(dest.Send(Admin, SystemAddresses.CrossRollupToken, Call("setMintCap(uint256)", ("uint256", Big(100)))).Success);
        AssertReverted(set.Deliver(m), Error("MintCapExceeded(uint256,uint256)", ("uint256", Big(150)), ("uint256", Big(100))));
        Assert.Equal(Hash256.Zero, MessageTreesLayout.ReadInboxRoot(dest.State, a));

        Assert.True(dest.Send(Admin, SystemAddresses.CrossRollupToken, Call("setMintCap(uint256)", ("uint256", Big(150)))).Success);
        set.DeliverAll([m]);
        Assert.True(set.InvariantHolds(a, b));
    }

    [Fact]
    public void Genesis_settings_pause_and_cap_the_token()
    {
        var paused = new RollupSet(2, new PredeployOptions { Admin = Admin, TokenHolders = [new(Alice, InitialLst)], Paused = true, MintCap = new UInt256(5) });
        ContractHarness chain = paused[paused.Ids[1]];
        Assert.Equal(Encode(("bool", true)), chain.Call(Alice, SystemAddresses.CrossRollupToken, Selector("paused()")).Output);
        Assert.Equal(Encode(("uint256", Big(5))), chain.Call(Alice, SystemAddresses.CrossRollupToken, Selector("mintCap()")).Output);
        Assert.Equal(Encode(("address", Admin.ToString())), chain.Call(Alice, SystemAddresses.CrossRollupToken, Selector("admin()")).Output);
        Assert.Equal(Encode(("address", Admin.ToString())), chain.Call(Alice, SystemAddresses.MintBurn, Selector("admin()")).Output);
    }

    [Fact]
    public void Out_of_gas_and_reverting_actions_revert_the_delivery_with_the_reason()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);

        TransactionResult failing = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, Call("fail()"), new UInt256(100_000)));
        CrossRollupMessage fail = Assert.Single(CrossRollupMessage.DecodeAll(failing.Logs, a));
        AssertReverted(set.Deliver(fail), Error("Error(string)", ("string", "receiver says no")));

        // A target that runs out of its gasLimit fails the action (no revert data).
        var spinSet = new RollupSet(2);
        Address spinner = BridgeTests.DeployReceiver(spinSet);
        TransactionResult spinning = spinSet.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, spinner, Call("burnGas()"), new UInt256(100_000)));
        CrossRollupMessage spin = Assert.Single(CrossRollupMessage.DecodeAll(spinning.Logs, a));
        AssertReverted(spinSet.Deliver(spin), []);

        // A protocol transaction with too little gas for the full gasLimit cannot pass by starving the call.
        var starveSet = new RollupSet(2);
        Address target = BridgeTests.DeployReceiver(starveSet);
        TransactionResult ok = starveSet.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, target, Call("measureGas()"), new UInt256(1_000_000)));
        CrossRollupMessage starved = Assert.Single(CrossRollupMessage.DecodeAll(ok.Logs, a));
        TransactionResult r = starveSet.Deliver(starved, gas: 900_000);
        Assert.False(r.Success);
        Assert.Equal(Selector("InsufficientGas(uint256,uint256)"), r.Output[..4]);
        Assert.Equal(Encode(("uint256", Big(1_000_000))), r.Output[36..]);
        Assert.Equal(0UL, MessageTreesLayout.ReadInboxCount(starveSet[b].State, a));
        Assert.True(starveSet.DeliverAll([starved]).Count == 1); // with DeliveryGas it goes through
        Assert.True(starveSet.InvariantHolds(a, b));
    }

    [Fact]
    public void Unaffordable_or_invalid_requests_revert_on_the_source_and_record_nothing()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);
        TransactionResult tooMuch = set.Send(a, Carol, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, b, Bob));
        AssertReverted(tooMuch, Error("ERC20InsufficientBalance(address,uint256,uint256)", ("address", Carol.ToString()), ("uint256", Big(0)), ("uint256", Big(1))));
        AssertReverted(set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.Zero, b, Bob)), Error("InvalidTransfer()"));
        AssertReverted(set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, b, Address.Zero)), Error("InvalidTransfer()"));
        AssertReverted(set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.BurnEth(b, Bob)), Error("InvalidTransfer()"));
        AssertReverted(set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(receiver, UInt256.One, b, Bob)), Error("NotBridgeable(address)", ("address", receiver.ToString())));
        AssertReverted(set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, [], UInt256.Zero)), Error("InvalidGasLimit(uint256)", ("uint256", Big(0))));
        AssertReverted(set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, [], new UInt256(20_000_001))), Error("InvalidGasLimit(uint256)", ("uint256", Big(20_000_001))));
        AssertReverted(set.Send(a, Alice, SystemAddresses.MintBurn, Call("registerToken(address,bool)", ("address", receiver.ToString()), ("bool", true))),
            Error("OnlyAdmin(address)", ("address", Alice.ToString())));
        // Plain ETH sent to MintBurn is refused: the reserve only moves through burnETH and mint.
        set[a].State.AddBalance(Alice, new UInt256(10));
        set[a].State.CommitTransaction();
        Assert.False(set[a].Send(Alice, SystemAddresses.MintBurn, [], new UInt256(10)).Success);
        Assert.Equal(0UL, MessageTreesLayout.ReadOutboxCount(set[a].State, b));
        Assert.Equal(InitialLst + InitialLst, set.LstSupply(a));
    }

    [Fact]
    public void An_eth_payout_the_recipient_refuses_reverts_the_mint()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set); // no receive function
        set[a].State.AddBalance(Alice, new UInt256(1000));
        set[a].State.CommitTransaction();
        TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.BurnEth(b, receiver), new UInt256(1000));
        CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(burn.Logs, a));
        AssertReverted(set.Deliver(m), Error("EthPayoutFailed(bytes)", ("bytes", Array.Empty<byte>())));
        Assert.Equal(PredeployOptions.DefaultEthReserve, set[b].State.GetBalance(SystemAddresses.MintBurn));

        // A recipient whose code reverts with data: the data comes back inside EthPayoutFailed, abi-encoded (padded).
        // Runtime code: PUSH5 0102030405 PUSH1 0 MSTORE PUSH1 5 PUSH1 27 REVERT, i.e. revert(27, 5) of those bytes.
        var other = new RollupSet(2);
        Address refuser = Address.FromNumber(0x4ef05e);
        other[b].State.SetCode(refuser, Hex.Decode("0x640102030405600052600560" + "1bfd"));
        other[b].State.CommitTransaction();
        other[a].State.AddBalance(Alice, new UInt256(1));
        other[a].State.CommitTransaction();
        TransactionResult second = other.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.BurnEth(b, refuser), new UInt256(1));
        CrossRollupMessage refused = Assert.Single(CrossRollupMessage.DecodeAll(second.Logs, a));
        AssertReverted(other.Deliver(refused), Error("EthPayoutFailed(bytes)", ("bytes", new byte[] { 1, 2, 3, 4, 5 })));
        Assert.Equal(0UL, MessageTreesLayout.ReadInboxCount(other[b].State, a));
    }

    [Fact]
    public void TryDecode_refuses_foreign_or_malformed_logs()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0];
        CrossRollupMessage m = BurnToB(set, new UInt256(3));
        TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(3), set.Ids[1], Bob));
        Lockstep.State.LogEntry log = burn.Logs.Single(l => l.Address == SystemAddresses.MintBurn);
        Assert.True(CrossRollupMessage.TryDecode(log, a, out _));
        Assert.False(CrossRollupMessage.TryDecode(new(SystemAddresses.Messenger, log.Topics, log.Data), a, out _)); // wrong emitter
        Assert.False(CrossRollupMessage.TryDecode(new(log.Address, [.. log.Topics, Hash256.Zero], log.Data), a, out _)); // the old 4-topic shape
        Assert.False(CrossRollupMessage.TryDecode(new(log.Address, log.Topics, log.Data[..160]), a, out _)); // short data
        Assert.False(CrossRollupMessage.TryDecode(new(log.Address, log.Topics, [.. log.Data, .. new byte[32]]), a, out _)); // long data
        byte[] dirtyAddress = (byte[])log.Data.Clone();
        dirtyAddress[64] = 1; // the token word's top bytes must be zero
        Assert.False(CrossRollupMessage.TryDecode(new(log.Address, log.Topics, dirtyAddress), a, out _));
        byte[] hugeNonce = (byte[])log.Data.Clone();
        hugeNonce[0] = 1; // a nonce beyond 64 bits
        Assert.False(CrossRollupMessage.TryDecode(new(log.Address, log.Topics, hugeNonce), a, out _));
        Lockstep.State.LogEntry transfer = burn.Logs.Single(l => l.Address == SystemAddresses.CrossRollupToken);
        Assert.False(CrossRollupMessage.TryDecode(transfer, a, out _));
        Assert.Equal(0UL, m.Nonce);
    }
}
