using System.Text;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Testing;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>
/// The request and execution events index only the chain id (docs/protocol.md: the nonce and message hash are unique
/// per message and would cost the bloom an uncached keccak256 each). Each log is checked word by word against
/// Nethereum's ABI encoder and Keccak with the message hash computed from the type string by the test, not by
/// <see cref="MessageHashes"/> or the contracts.
/// </summary>
public class EventLayoutTests
{
    private static Hash256 Topic(string signature) => new(Keccak(Encoding.ASCII.GetBytes(signature)));

    private static Hash256 Word(ulong value) => new(Encode(("uint256", Big(value))));

    private static byte[] MintHash(ulong source, ulong destination, ulong nonce, Address token, Address from, Address to, ulong amount) =>
        Keccak(Encode(("bytes32", Keccak(Encoding.ASCII.GetBytes(
                "LockstepMint(uint256 source,uint256 destination,uint256 nonce,address token,address from,address to,uint256 amount)"))),
            ("uint256", Big(source)), ("uint256", Big(destination)), ("uint256", Big(nonce)),
            ("address", token.ToString()), ("address", from.ToString()), ("address", to.ToString()), ("uint256", Big(amount))));

    [Fact]
    public void MintRequested_and_MintExecuted_carry_the_chain_id_as_the_only_indexed_topic()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        set[a].State.AddBalance(Alice, new UInt256(10_000));
        set[a].State.CommitTransaction();
        Address to = Address.FromNumber(0xe7e7);
        for (ulong nonce = 0; nonce < 2; nonce++)
        {
            TransactionResult burn = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.BurnEth(b, to), new UInt256(1000 + nonce));
            LogEntry requested = Assert.Single(burn.Logs);
            byte[] hash = MintHash(a, b, nonce, Address.Zero, Alice, to, 1000 + nonce);
            Assert.Equal(SystemAddresses.MintBurn, requested.Address);
            Assert.Equal([Topic("MintRequested(uint256,uint256,bytes32,address,address,address,uint256)"), Word(b)], requested.Topics);
            Assert.Equal(Encode(("uint256", Big(nonce)), ("bytes32", hash), ("address", Address.Zero.ToString()), ("address", Alice.ToString()),
                ("address", to.ToString()), ("uint256", Big(1000 + nonce))), requested.Data);
            Assert.Equal(Encode(("uint256", Big(nonce))), burn.Output); // burnETH returns the nonce

            CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(burn.Logs, a));
            Assert.Equal(new Hash256(hash), m.MessageHash);
            LogEntry executed = Assert.Single(Assert.Single(set.DeliverAll([m])).Logs);
            Assert.Equal(SystemAddresses.MintBurn, executed.Address);
            Assert.Equal([Topic("MintExecuted(uint256,uint256,bytes32)"), Word(a)], executed.Topics);
            Assert.Equal(Encode(("uint256", Big(nonce)), ("bytes32", hash)), executed.Data);
        }
        set.AssertTreesMatchRecords();
    }

    [Fact]
    public void ActionRequested_and_ActionExecuted_carry_the_chain_id_as_the_only_indexed_topic()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address receiver = BridgeTests.DeployReceiver(set);
        byte[] call = Call("record(uint256)", ("uint256", Big(77)));
        TransactionResult trigger = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, call, new UInt256(150_000)));
        LogEntry requested = Assert.Single(trigger.Logs);
        byte[] hash = Keccak(Encode(("bytes32", Keccak(Encoding.ASCII.GetBytes(
                "LockstepAction(uint256 source,uint256 destination,uint256 nonce,address sender,address target,uint256 gasLimit,bytes data)"))),
            ("uint256", Big(a)), ("uint256", Big(b)), ("uint256", Big(0)), ("address", Alice.ToString()), ("address", receiver.ToString()),
            ("uint256", Big(150_000)), ("bytes32", Keccak(call))));
        Assert.Equal(SystemAddresses.Messenger, requested.Address);
        Assert.Equal([Topic("ActionRequested(uint256,uint256,bytes32,address,address,uint256,bytes)"), Word(b)], requested.Topics);
        Assert.Equal(Encode(("uint256", Big(0)), ("bytes32", hash), ("address", Alice.ToString()), ("address", receiver.ToString()),
            ("uint256", Big(150_000)), ("bytes", call)), requested.Data);

        CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(trigger.Logs, a));
        Assert.Equal(new Hash256(hash), m.MessageHash);
        Assert.Equal(call, m.Data);
        TransactionResult delivery = Assert.Single(set.DeliverAll([m]));
        LogEntry executed = Assert.Single(delivery.Logs, l => l.Address == SystemAddresses.Messenger);
        Assert.Equal([Topic("ActionExecuted(uint256,uint256,bytes32)"), Word(a)], executed.Topics);
        Assert.Equal(Encode(("uint256", Big(0)), ("bytes32", hash)), executed.Data);

        // Payload lengths around the word size: the data's padding is zero and its length a whole number of words.
        ulong nonce = 1;
        foreach (int length in new[] { 0, 1, 31, 32, 33, 64 })
        {
            byte[] payload = Enumerable.Range(0, length).Select(i => (byte)(0xff - i)).ToArray();
            TransactionResult t = set.Send(a, Bob, SystemAddresses.Messenger, SystemCalldata.Trigger(b, receiver, payload, new UInt256(60_000)));
            LogEntry log = Assert.Single(t.Logs);
            byte[] h = Keccak(Encode(("bytes32", Keccak(Encoding.ASCII.GetBytes(
                    "LockstepAction(uint256 source,uint256 destination,uint256 nonce,address sender,address target,uint256 gasLimit,bytes data)"))),
                ("uint256", Big(a)), ("uint256", Big(b)), ("uint256", Big(nonce)), ("address", Bob.ToString()), ("address", receiver.ToString()),
                ("uint256", Big(60_000)), ("bytes32", Keccak(payload))));
            Assert.Equal([Topic("ActionRequested(uint256,uint256,bytes32,address,address,uint256,bytes)"), Word(b)], log.Topics);
            Assert.Equal(Encode(("uint256", Big(nonce)), ("bytes32", h), ("address", Bob.ToString()), ("address", receiver.ToString()),
                ("uint256", Big(60_000)), ("bytes", payload)), log.Data);
            Assert.Equal(Encode(("uint256", Big(nonce))), t.Output); // trigger returns the nonce
            nonce++;
        }
    }

    [Fact]
    public void The_artifacts_index_only_the_chain_id()
    {
        foreach ((string contract, string name, string indexedInput) in new[]
        {
            ("MintBurn", "MintRequested", "destination"), ("MintBurn", "MintExecuted", "source"),
            ("Messenger", "ActionRequested", "destination"), ("Messenger", "ActionExecuted", "source"),
        })
        {
            using var abi = System.Text.Json.JsonDocument.Parse(ContractArtifact.Load(contract).AbiJson);
            System.Text.Json.JsonElement e = abi.RootElement.EnumerateArray().Single(x => x.GetProperty("type").GetString() == "event" && x.GetProperty("name").GetString() == name);
            string[] indexed = e.GetProperty("inputs").EnumerateArray().Where(i => i.GetProperty("indexed").GetBoolean()).Select(i => i.GetProperty("name").GetString()!).ToArray();
            Assert.Equal([indexedInput], indexed);
        }
    }

    [Fact]
    public void A_look_alike_MintRequested_from_a_user_contract_is_ignored()
    {
        // SequencerProbe (contracts/src/sequencer-test) declares MintRequested with the same signature and layout.
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        Address probe = set[a].Deploy(Carol, ContractArtifact.Load("SequencerProbe"));
        byte[] fakeHash = Keccak([1, 2, 3]);
        TransactionResult fake = set.Send(a, Alice, probe, Call("fakeMint(uint256,uint256,bytes32,address,address,uint256)",
            ("uint256", Big(b)), ("uint256", Big(0)), ("bytes32", fakeHash), ("address", Address.Zero.ToString()), ("address", Alice.ToString()),
            ("uint256", Big(1_000_000))));
        Assert.True(fake.Success, fake.Status.ToString());
        LogEntry log = Assert.Single(fake.Logs);
        Assert.Equal([CrossRollupMessage.MintRequestedTopic, Word(b)], log.Topics);
        Assert.Equal(6 * 32, log.Data.Length);

        Assert.False(CrossRollupMessage.TryDecode(log, a, out _));
        Assert.Empty(CrossRollupMessage.DecodeAll(fake.Logs, a));
        // The same topics and data from MintBurn's address would decode: the emitter alone is what refuses it.
        Assert.True(CrossRollupMessage.TryDecode(new LogEntry(SystemAddresses.MintBurn, log.Topics, log.Data), a, out CrossRollupMessage forged));
        Assert.Equal((b, new Hash256(fakeHash), Address.FromNumber(0)), (forged.Destination, forged.MessageHash, forged.Token));
        Assert.Equal(0UL, MessageTreesLayout.ReadOutboxCount(set[a].State, b));
    }
}
