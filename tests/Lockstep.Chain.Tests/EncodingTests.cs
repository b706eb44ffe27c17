using System.Numerics;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;
using Lockstep.Testing;
using Lockstep.Trie;

namespace Lockstep.Chain.Tests;

public class EncodingTests
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

    /// <summary>Yellow Paper 4.3.1 written as arithmetic on a 2048-bit integer, independent of <see cref="Bloom"/>.</summary>
    private static BigInteger OracleBloom(IEnumerable<byte[]> items)
    {
        BigInteger bloom = BigInteger.Zero;
        foreach (byte[] item in items)
        {
            byte[] h = Keccak256.Compute(item).ToArray();
            for (int i = 0; i < 6; i += 2) bloom |= BigInteger.One << ((h[i] * 256 + h[i + 1]) % 2048);
        }
        return bloom;
    }

    [Fact]
    public void BloomMatchesTheYellowPaperDefinition()
    {
        var rng = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            var logs = new List<LogEntry>();
            var items = new List<byte[]>();
            for (int l = 0; l < rng.Next(0, 4); l++)
            {
                byte[] addr = new byte[20];
                rng.NextBytes(addr);
                var topics = new Hash256[rng.Next(0, 5)];
                items.Add(addr);
                for (int t = 0; t < topics.Length; t++)
                {
                    byte[] topic = new byte[32];
                    rng.NextBytes(topic);
                    topics[t] = new Hash256(topic);
                    items.Add(topic);
                }
                logs.Add(new LogEntry(new Address(addr), topics, []));
            }
            var bloom = new Bloom();
            bloom.Add(logs);
            var expected = OracleBloom(items);
            var actual = new BigInteger(bloom.Bytes, isUnsigned: true, isBigEndian: true);
            Assert.Equal(expected, actual);
            foreach (byte[] item in items) Assert.True(bloom.MayContain(item));
            Assert.Equal(items.Count == 0, bloom.IsEmpty);
        }
    }

    [Fact]
    public void ReceiptsRoundTripLegacyAndTyped()
    {
        var log = new LogEntry(Address.FromNumber(0xabc), [Keccak256.Compute([1]), Keccak256.Compute([2])], [1, 2, 3]);
        foreach (byte type in new byte[] { 0, 1, 2, 3 })
        foreach (bool success in new[] { true, false })
        {
            Receipt receipt = Receipt.Create(type, success, 123_456, success ? [log] : []);
            byte[] encoded = receipt.Encode();
            if (type == 0) Assert.True(encoded[0] >= 0xc0);
            else Assert.Equal(type, encoded[0]);
            Receipt back = Receipt.Decode(encoded);
            Assert.Equal(type, back.Type);
            Assert.Equal(success, back.Success);
            Assert.Equal(123_456UL, back.CumulativeGasUsed);
            Assert.Equal(receipt.Bloom.Bytes.ToArray(), back.Bloom.Bytes.ToArray());
            Assert.Equal(receipt.Logs.Count, back.Logs.Count);
            Assert.Equal(encoded, back.Encode());
            if (success)
            {
                Assert.Equal(log.Topics, back.Logs[0].Topics);
                Assert.Equal(log.Data, back.Logs[0].Data);
                Assert.Equal(log.Address, back.Logs[0].Address);
            }
        }
    }

    [Fact]
    public void ReceiptsRootIsTheOrderedTrieOfEncodings()
    {
        var receipts = new List<Receipt>();
        for (int i = 0; i < 130; i++) receipts.Add(Receipt.Create((byte)(i % 3), i % 5 != 0, (ulong)(21000 * (i + 1)), []));
        // Independently: key RLP(i) in a plain Patricia trie (Yellow Paper 4.3.1, EIP-2718 values).
        var trie = new PatriciaTrie();
        for (int i = 0; i < receipts.Count; i++) trie.Set(new RlpWriter().WriteUInt64((ulong)i).ToArray(), receipts[i].Encode());
        Assert.Equal(trie.RootHash, Block.ComputeReceiptsRoot(receipts));
        Assert.Equal(Keccak256.EmptyTrieRoot, Block.ComputeReceiptsRoot([]));
    }
}
