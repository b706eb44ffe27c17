using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.Chain.Tests;

/// <summary>Keys, a Cancun genesis and transaction helpers shared by the builder and store tests.</summary>
internal static class TestChain
{
    public const ulong ChainId = 1337;

    public static byte[] Key(byte n)
    {
        var key = new byte[32];
        key[31] = n;
        key[0] = 0x11;
        return key;
    }

    public static Address AddressOf(byte n) => Ecdsa.PrivateKeyToAddress(Key(n));

    public static readonly UInt256 Funding = UInt256.Parse("1000000000000000000000"); // 1000 ether

    public static Genesis Genesis() => global::Lockstep.Chain.Genesis.FromJson($$"""
    {
      "config": { "chainId": {{ChainId}}, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0 },
      "gasLimit": "0x1c9c380",
      "baseFeePerGas": "0x3b9aca00",
      "timestamp": "0x6553f100",
      "extraData": "0x6c6f636b73746570",
      "difficulty": "0x0",
      "alloc": {
        "{{Hex.EncodeBare(AddressOf(1).ToArray())}}": { "balance": "{{Funding}}" },
        "{{Hex.EncodeBare(AddressOf(2).ToArray())}}": { "balance": "0x3635c9adc5dea00000", "nonce": "0x0" },
        "0x00000000000000000000000000000000000000aa": { "balance": "1", "code": "0x600160005500", "storage": { "0x01": "0x02" } }
      }
    }
    """);

    public static Transaction Transfer(byte from, ulong nonce, Address to, ulong value, ulong chainId = ChainId, ulong maxFee = 20_000_000_000) =>
        new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(chainId), Nonce = nonce, MaxPriorityFeePerGas = new UInt256(Math.Min(1_000_000_000UL, maxFee)),
            MaxFeePerGas = new UInt256(maxFee), GasLimit = 21_000, To = to, Value = new UInt256(value),
        }.Sign(Key(from));

    public static Transaction Legacy(byte from, ulong nonce, Address? to, UInt256 value, byte[] data, ulong gas) =>
        new Transaction
        {
            Type = TxType.Legacy, ChainId = new UInt256(ChainId), Nonce = nonce, GasPrice = new UInt256(10_000_000_000),
            GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(Key(from));

    public static Transaction Call(byte from, ulong nonce, Address? to, byte[] data, ulong gas) =>
        new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(ChainId), Nonce = nonce, MaxPriorityFeePerGas = new UInt256(2),
            MaxFeePerGas = new UInt256(20_000_000_000), GasLimit = gas, To = to, Data = data,
        }.Sign(Key(from));

    /// <summary>Runtime: SSTORE(0, CALLDATALOAD(0)); LOG1(0, 0, topic 0xaa); STOP.</summary>
    public static readonly byte[] Runtime = Hex.Decode("600035600055" + "60aa60006000a1" + "00");

    /// <summary>Initcode: SSTORE(1, 7), then return <see cref="Runtime"/> (copied from offset 0x11).</summary>
    public static readonly byte[] InitCode = Hex.Decode("6007600155" + "600e601160003960" + "0e6000f3" + Hex.EncodeBare(Runtime));

    public static BlockAttributes Attributes(BlockHeader parent, byte coinbase = 0xcb) => new()
    {
        Coinbase = Address.FromNumber(0xc0ffee00u + coinbase),
        Timestamp = parent.Timestamp + 2,
        PrevRandao = Keccak256.Compute(parent.Hash.ToArray()),
        ParentBeaconBlockRoot = Keccak256.Compute([(byte)parent.Number]),
    };
}
