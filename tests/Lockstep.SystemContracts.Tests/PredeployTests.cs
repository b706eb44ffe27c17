using System.Numerics;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Testing;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>Genesis predeploys: code from the committed artifacts, per-set storage, validation.</summary>
public class PredeployTests
{
    private static readonly ulong[] Set = [901, 902, 903];

    private const string GenesisJson = """
        {"config": {"chainId": 902, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0},
         "gasLimit": "0x1c9c380", "timestamp": "0x5", "baseFeePerGas": "0x7",
         "alloc": {"0x00000000000000000000000000000000000a11ce": {"balance": "0x3e8"}}}
        """;

    [Fact]
    public void Embedded_code_is_the_committed_artifacts()
    {
        Assert.Equal(ContractArtifact.Load("MintBurn").DeployedBytecode, SystemArtifacts.MintBurn.RuntimeCode);
        Assert.Equal(ContractArtifact.Load("Messenger").DeployedBytecode, SystemArtifacts.Messenger.RuntimeCode);
        Assert.Equal(ContractArtifact.Load("MessageTrees").DeployedBytecode, SystemArtifacts.MessageTrees.RuntimeCode);
        Assert.Equal(ContractArtifact.Load("CrossRollupToken").DeployedBytecode, SystemArtifacts.CrossRollupToken.RuntimeCode);
        Assert.Contains("\"burnETH\"", SystemArtifacts.MintBurn.AbiJson);
    }

    [Fact]
    public void Genesis_gets_the_system_accounts_and_keeps_everything_else()
    {
        Genesis original = Genesis.FromJson(GenesisJson);
        Genesis withSystem = Predeploys.Apply(original, 902, Set, new PredeployOptions { Admin = Admin });
        Assert.Equal(6, withSystem.Alloc.Count); // Alice + 5 system contracts (L2Bridge at 0x…1005)
        Assert.Equal(new UInt256(1000), withSystem.Alloc[Alice].Balance);
        Assert.Equal(PredeployOptions.DefaultEthReserve, withSystem.Alloc[SystemAddresses.MintBurn].Balance);
        Assert.Equal(SystemArtifacts.MessageTrees.RuntimeCode, withSystem.Alloc[SystemAddresses.MessageTrees].Code);
        Assert.Equal((original.ChainId, original.GasLimit, original.Timestamp, original.BaseFeePerGas, original.Cancun),
            (withSystem.ChainId, withSystem.GasLimit, withSystem.Timestamp, withSystem.BaseFeePerGas, withSystem.Cancun));
        Assert.Single(original.Alloc); // the input is not modified

        // The genesis alloc and the WorldState overload write the same state.
        var fromGenesis = new WorldState();
        Hash256 root = withSystem.ApplyTo(fromGenesis);
        var direct = new WorldState();
        direct.SetAccount(Alice, 0, new UInt256(1000), [], []);
        Predeploys.Apply(direct, 902, Set, new PredeployOptions { Admin = Admin });
        Assert.Equal(root, direct.ComputeStateRoot());
        Assert.NotEqual(original.ApplyTo(new WorldState()), root);
    }

    [Fact]
    public void Bad_sets_and_conflicting_allocs_are_refused()
    {
        Genesis genesis = Genesis.FromJson(GenesisJson);
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(genesis, 901, Set));
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(genesis, [902]));
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(genesis, [901, 903]));
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(genesis, [902, 902, 903]));
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(genesis, [0, 902]));
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(genesis, Set, new PredeployOptions { TokenHomeChainId = 7 }));
        Genesis taken = Predeploys.Apply(genesis, Set);
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(taken, Set));
        var state = new WorldState();
        Assert.Throws<ArgumentException>(() => Predeploys.Apply(state, 904, Set));
        Assert.False(state.Exists(SystemAddresses.MintBurn)); // nothing written
    }

    [Fact]
    public void Token_balances_live_on_the_home_rollup_only_and_members_are_readable()
    {
        var set = new RollupSet(3, new PredeployOptions { Admin = Admin, TokenHomeChainId = 902, TokenHolders = [new(Alice, new UInt256(70)), new(Bob, new UInt256(30)), new(Alice, new UInt256(5))] });
        Assert.Equal(new UInt256(75), set.LstBalance(902, Alice));
        Assert.Equal(new UInt256(105), set.LstSupply(902));
        Assert.Equal(UInt256.Zero, set.LstSupply(901));
        Assert.Equal(UInt256.Zero, set.LstBalance(903, Bob));
        foreach (ulong id in set.Ids)
        {
            byte[] members = set[id].Call(Alice, SystemAddresses.MessageTrees, Selector("members()")).Output;
            Assert.Equal(Encode(("uint256[]", new List<BigInteger> { 901, 902, 903 })), members);
            Assert.Equal(Encode(("bool", true)), set[id].Call(Alice, SystemAddresses.MessageTrees, Call("isMember(uint256)", ("uint256", Big(903)))).Output);
            Assert.Equal(Encode(("bool", false)), set[id].Call(Alice, SystemAddresses.MessageTrees, Call("isMember(uint256)", ("uint256", Big(904)))).Output);
            Assert.Equal(1UL, set[id].State.GetNonce(SystemAddresses.Messenger));
        }
    }
}
