using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Chain.Tests;

public class BeaconRootTests
{
    /// <summary>
    /// The "set" path of EIP-4788's contract, hand-assembled: sstore(timestamp % 8191, timestamp);
    /// sstore(timestamp % 8191 + 8191, calldataload(0)). (The real contract also has the "get" path.)
    /// </summary>
    private const string SetOnlyCode = "0x611fff4206" + "429055" + "600035" + "611fff4206" + "611fff01" + "55" + "00";

    [Fact]
    public void SystemCallStoresTheParentBeaconRootBeforeTransactions()
    {
        Genesis genesis = TestChain.Genesis();
        var alloc = new Dictionary<Address, GenesisAccount>(genesis.Alloc)
        {
            [BlockBuilder.BeaconRootsAddress] = new GenesisAccount(UInt256.Zero, 1, Hex.Decode(SetOnlyCode), new Dictionary<UInt256, UInt256>()),
        };
        genesis = new Genesis
        {
            ChainId = genesis.ChainId, London = true, Shanghai = true, Cancun = true, GasLimit = genesis.GasLimit,
            Timestamp = genesis.Timestamp, BaseFeePerGas = genesis.BaseFeePerGas, Alloc = alloc,
        };
        var state = new WorldState();
        BlockHeader parent = genesis.CreateBlock(state).Header;
        BlockAttributes attrs = TestChain.Attributes(parent);
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, [TestChain.Transfer(1, 0, Address.FromNumber(5), 1)], attrs);

        const ulong historyBufferLength = 8191; // EIP-4788 HISTORY_BUFFER_LENGTH
        ulong slot = attrs.Timestamp % historyBufferLength;
        Assert.Equal(new UInt256(attrs.Timestamp), state.GetStorage(BlockBuilder.BeaconRootsAddress, new UInt256(slot)));
        Assert.Equal(attrs.ParentBeaconBlockRoot.ToUInt256(), state.GetStorage(BlockBuilder.BeaconRootsAddress, new UInt256(slot + historyBufferLength)));
        // The system call's gas is not part of the block; the system address is not left behind.
        Assert.Equal(21_000UL, built.Block.Header.GasUsed);
        Assert.False(state.Exists(BlockBuilder.SystemAddress));
        Assert.Equal(attrs.ParentBeaconBlockRoot, built.Block.Header.ParentBeaconBlockRoot);
        Assert.NotEqual(parent.StateRoot, built.Block.Header.StateRoot);
    }

    [Fact]
    public void WithoutTheContractNothingHappens()
    {
        var state = new WorldState();
        BlockHeader parent = TestChain.Genesis().CreateBlock(state).Header;
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, [], TestChain.Attributes(parent));
        Assert.Equal(parent.StateRoot, built.Block.Header.StateRoot);
        Assert.False(state.Exists(BlockBuilder.BeaconRootsAddress));
    }
}
