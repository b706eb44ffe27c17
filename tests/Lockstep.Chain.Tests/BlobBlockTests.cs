using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.Chain.Tests;

public class BlobBlockTests
{
    private static Transaction Blob(ulong nonce, int blobs)
    {
        var hashes = new Hash256[blobs];
        for (int i = 0; i < blobs; i++)
        {
            byte[] h = Keccak256.Compute([(byte)nonce, (byte)i]).ToArray();
            h[0] = 0x01; // VERSIONED_HASH_VERSION_KZG (EIP-4844)
            hashes[i] = new Hash256(h);
        }
        return new Transaction
        {
            Type = TxType.Blob, ChainId = new UInt256(TestChain.ChainId), Nonce = nonce, MaxPriorityFeePerGas = new UInt256(1),
            MaxFeePerGas = new UInt256(20_000_000_000), GasLimit = 21_000, To = Address.FromNumber(0xb10b), MaxFeePerBlobGas = new UInt256(10),
            BlobVersionedHashes = hashes,
        }.Sign(TestChain.Key(1));
    }

    [Fact]
    public void BlobGasIsCountedCappedAndCarriedIntoExcess()
    {
        var state = new WorldState();
        BlockHeader parent = TestChain.Genesis().CreateBlock(state).Header;
        UInt256 before = state.GetBalance(TestChain.AddressOf(1));
        // 4 + 2 blobs fill MAX_BLOB_GAS_PER_BLOCK (6 blobs); the third transaction's blob would exceed it.
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(parent, state, [Blob(0, 4), Blob(1, 2), Blob(2, 1)], TestChain.Attributes(parent));
        Assert.Equal(2, built.Block.Transactions.Count);
        Assert.Equal(2, Assert.Single(built.Skipped).Index);
        Assert.Equal(6 * 131072UL, built.Block.Header.BlobGasUsed);
        Assert.Equal(0UL, built.Block.Header.ExcessBlobGas);
        Assert.Equal((byte)3, built.Receipts[0].Type);
        // The blob fee is burnt at the blob base fee, 1 wei per blob gas at zero excess (EIP-4844 MIN_BLOB_BASE_FEE).
        UInt256 gasFees = new UInt256(2 * 21_000) * (built.Block.Header.BaseFeePerGas!.Value + UInt256.One);
        Assert.Equal(before - gasFees - new UInt256(6 * 131072), state.GetBalance(TestChain.AddressOf(1)));

        // The next block's excess: 786432 - 393216 (TARGET_BLOB_GAS_PER_BLOCK).
        BuiltBlock next = new BlockBuilder(TestChain.ChainId).Build(built.Block.Header, state, [], TestChain.Attributes(built.Block.Header));
        Assert.Equal(393216UL, next.Block.Header.ExcessBlobGas);
        Assert.Equal(0UL, next.Block.Header.BlobGasUsed);
        Block back = Block.Decode(built.Block.Encode());
        Assert.Equal(built.Block.Hash, back.Hash);
        Assert.Equal(TxType.Blob, back.Transactions[0].Type);
    }
}
