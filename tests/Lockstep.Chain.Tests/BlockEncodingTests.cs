using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Testing;

namespace Lockstep.Chain.Tests;

/// <summary>Block and header RLP: the mainnet genesis (ethereum/tests BasicTests), London and Cancun header fields.</summary>
public class BlockEncodingTests
{
    private static JsonElement GenesisFile()
    {
        string path = Path.Combine(RepoPaths.EthereumTests, "BasicTests", "genesishashestest.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    [Fact]
    public void MainnetGenesisBlockDecodesReencodesAndHashes()
    {
        JsonElement file = GenesisFile();
        byte[] rlp = Hex.Decode(file.GetProperty("genesis_rlp_hex").GetString()!);
        Block block = Block.Decode(rlp);
        Assert.Equal(Hash256.FromHex(file.GetProperty("genesis_hash").GetString()!), block.Hash);
        Assert.Equal(Hash256.FromHex(file.GetProperty("genesis_state_root").GetString()!), block.Header.StateRoot);
        Assert.Equal(0UL, block.Number);
        Assert.Null(block.Header.BaseFeePerGas); // a frontier header has 15 fields
        Assert.Equal(rlp, block.Encode());
    }

    [Fact]
    public void MainnetGenesisJsonGivesTheMainnetGenesisHash()
    {
        // Header fields of geth's mainnet genesis (core/genesis.go DefaultGenesisBlock); the 8893-account alloc is
        // not in the conformance data, so the state root comes from genesishashestest.json.
        const string json = """
        {
          "config": { "chainId": 1, "homesteadBlock": 1150000 },
          "nonce": "0x42",
          "timestamp": "0x0",
          "extraData": "0x11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa",
          "gasLimit": "0x1388",
          "difficulty": "0x400000000",
          "mixHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
          "coinbase": "0x0000000000000000000000000000000000000000",
          "alloc": {}
        }
        """;
        Genesis genesis = Genesis.FromJson(json);
        JsonElement file = GenesisFile();
        BlockHeader header = genesis.CreateHeader(Hash256.FromHex(file.GetProperty("genesis_state_root").GetString()!));
        Assert.Equal(Hash256.FromHex(file.GetProperty("genesis_hash").GetString()!), header.Hash);
        Assert.Equal(Hex.Decode(file.GetProperty("genesis_rlp_hex").GetString()!), new Block(header, []).Encode());
    }

    private static BlockHeader CancunHeader() => new()
    {
        ParentHash = Keccak256.Compute([1]),
        Coinbase = Address.FromHex("0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba"),
        StateRoot = Keccak256.Compute([2]),
        TransactionsRoot = Keccak256.Compute([3]),
        ReceiptsRoot = Keccak256.Compute([4]),
        Number = 12_345_678,
        GasLimit = 30_000_000,
        GasUsed = 21_000,
        Timestamp = 1_710_338_135,
        ExtraData = "lockstep"u8.ToArray(),
        MixHash = Keccak256.Compute([5]),
        BaseFeePerGas = new UInt256(7),
        WithdrawalsRoot = Keccak256.EmptyTrieRoot,
        BlobGasUsed = 131072,
        ExcessBlobGas = 0,
        ParentBeaconBlockRoot = Keccak256.Compute([6]),
    };

    [Fact]
    public void CancunHeaderRoundTripsWithTwentyFields()
    {
        BlockHeader h = CancunHeader();
        h.LogsBloom.AddItem([0xde, 0xad]);
        byte[] rlp = h.Encode();
        var r = new RlpReader(rlp);
        int end = r.ReadListHeader();
        int fields = 0;
        while (r.IsBefore(end)) { r.ReadEncodedItem(); fields++; }
        Assert.Equal(20, fields);

        BlockHeader back = BlockHeader.Decode(rlp);
        Assert.Equal(rlp, back.Encode());
        Assert.Equal(h.Hash, back.Hash);
        Assert.Equal(Keccak256.Compute(rlp), h.Hash);
        Assert.Equal(h.ParentBeaconBlockRoot, back.ParentBeaconBlockRoot);
        Assert.Equal(h.BlobGasUsed, back.BlobGasUsed);
        Assert.Equal(h.ExcessBlobGas, back.ExcessBlobGas);
        Assert.Equal(h.BaseFeePerGas, back.BaseFeePerGas);
        Assert.Equal(h.ExtraData, back.ExtraData);
        Assert.Equal(h.Coinbase, back.Coinbase);
        Assert.True(back.LogsBloom.MayContain([0xde, 0xad]));
    }

    [Fact]
    public void LondonHeaderStopsAfterBaseFee()
    {
        BlockHeader london = new()
        {
            StateRoot = Keccak256.EmptyTrieRoot, Number = 1, GasLimit = 10, BaseFeePerGas = new UInt256(1_000_000_000),
        };
        BlockHeader back = BlockHeader.Decode(london.Encode());
        Assert.Equal(london.BaseFeePerGas, back.BaseFeePerGas);
        Assert.Null(back.WithdrawalsRoot);
        Assert.Null(back.BlobGasUsed);
        Assert.Null(back.ParentBeaconBlockRoot);
        Assert.Equal(london.Hash, back.Hash);
    }

    [Fact]
    public void HeaderDecodeRejectsShortBloom()
    {
        byte[] rlp = CancunHeader().Encode();
        rlp[rlp.Length - 1] ^= 0; // untouched: valid
        BlockHeader.Decode(rlp);
        byte[] broken = new RlpWriter().StartList().WriteHash(Hash256.Zero).EndList().ToArray();
        Assert.ThrowsAny<RlpException>(() => BlockHeader.Decode(broken));
    }
}
