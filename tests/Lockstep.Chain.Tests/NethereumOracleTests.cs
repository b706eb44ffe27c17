using System.Numerics;
using Lockstep.Primitives;
using Nethereum.Model;

namespace Lockstep.Chain.Tests;

/// <summary>Header encodings checked byte for byte against Nethereum.Model's independent BlockHeaderEncoder.</summary>
public class NethereumOracleTests
{
    private static Nethereum.Model.BlockHeader ToNethereum(BlockHeader h) => new()
    {
        ParentHash = h.ParentHash.ToArray(),
        UnclesHash = h.OmmersHash.ToArray(),
        Coinbase = Hex.Encode(h.Coinbase.ToArray()),
        StateRoot = h.StateRoot.ToArray(),
        TransactionsHash = h.TransactionsRoot.ToArray(),
        ReceiptHash = h.ReceiptsRoot.ToArray(),
        BlockNumber = new BigInteger(h.Number),
        LogsBloom = h.LogsBloom.Bytes.ToArray(),
        Difficulty = h.Difficulty.ToBigInteger(),
        Timestamp = (long)h.Timestamp,
        GasLimit = (long)h.GasLimit,
        GasUsed = (long)h.GasUsed,
        MixHash = h.MixHash.ToArray(),
        ExtraData = h.ExtraData,
        Nonce = BitConverter.GetBytes(h.Nonce).Reverse().ToArray(),
        BaseFee = h.BaseFeePerGas?.ToBigInteger(),
        WithdrawalsRoot = h.WithdrawalsRoot?.ToArray(),
        BlobGasUsed = (long?)h.BlobGasUsed,
        ExcessBlobGas = (long?)h.ExcessBlobGas,
        ParentBeaconBlockRoot = h.ParentBeaconBlockRoot?.ToArray(),
    };

    [Fact]
    public void BuiltCancunHeadersEncodeLikeNethereum()
    {
        Genesis genesis = TestChain.Genesis();
        var state = new Lockstep.State.WorldState();
        Block g = genesis.CreateBlock(state);
        Address contract = Lockstep.Evm.Instructions.SystemOps.CreateAddress(TestChain.AddressOf(1), 0);
        byte[] calldata = new byte[32];
        calldata[31] = 1;
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(g.Header, state,
            [TestChain.Call(1, 0, null, TestChain.InitCode, 200_000), TestChain.Call(1, 1, contract, calldata, 100_000)],
            TestChain.Attributes(g.Header));
        foreach (BlockHeader h in new[] { g.Header, built.Block.Header })
        {
            byte[] expected = BlockHeaderEncoder.Current.Encode(ToNethereum(h), false);
            Assert.Equal(Hex.Encode(expected), Hex.Encode(h.Encode()));
        }
        Assert.False(built.Block.Header.LogsBloom.IsEmpty);
    }

    [Fact]
    public void LondonHeaderEncodesLikeNethereum()
    {
        var h = new BlockHeader
        {
            ParentHash = Keccak256.Compute([1]), StateRoot = Keccak256.Compute([2]), Number = 15_537_394, GasLimit = 30_000_000,
            GasUsed = 29_999_000, Timestamp = 1_663_224_179, ExtraData = [1, 2, 3], BaseFeePerGas = UInt256.Parse("48811095495"),
            Difficulty = UInt256.Parse("58750003716598352816469"), Nonce = 0x0102030405060708,
        };
        byte[] expected = BlockHeaderEncoder.Current.Encode(ToNethereum(h), false);
        Assert.Equal(Hex.Encode(expected), Hex.Encode(h.Encode()));
    }
}
