using Lockstep.Primitives;

namespace Lockstep.Differential.Tests;

/// <summary>An account of the pre-state both engines start from.</summary>
public sealed class PreAccount
{
    public ulong Nonce { get; init; }
    public UInt256 Balance { get; init; }
    public byte[] Code { get; init; } = [];
    public Dictionary<UInt256, UInt256> Storage { get; init; } = new();
}

/// <summary>
/// One differential case: a pre-state and a single legacy transaction from <see cref="DiffCase.Sender"/>
/// (gas price 10 over a base fee of 7, so the coinbase earns a tip and the sender pays for gas).
/// </summary>
public sealed class DiffCase
{
    /// <summary>The externally owned account every case transacts from.</summary>
    public static readonly Address Sender = Address.FromHex("0x00000000000000000000000000000000000a11ce");
    /// <summary>The contract most cases call.</summary>
    public static readonly Address Target = Address.FromHex("0x000000000000000000000000000000000000c0de");
    /// <summary>A second contract for CALL-family and EXTCODE* cases.</summary>
    public static readonly Address Callee = Address.FromHex("0x000000000000000000000000000000000000ca11");
    /// <summary>A third contract (e.g. one that reverts or self-destructs).</summary>
    public static readonly Address Other = Address.FromHex("0x0000000000000000000000000000000000000bbb");
    /// <summary>The block's fee recipient (warm by EIP-3651).</summary>
    public static readonly Address Coinbase = Address.FromHex("0x00000000000000000000000000000000c0ffee00");

    public const ulong GasPrice = 10;
    public const ulong BaseFee = 7;
    public const long BlockGasLimit = 30_000_000;
    public const ulong BlockNumber = 20;
    public const ulong Timestamp = 1_700_000_000;
    public static readonly UInt256 PrevRandao = new(0x0123456789abcdefUL, 0x1111, 0x2222, 0x3333);

    public required string Name { get; init; }
    public Dictionary<Address, PreAccount> Pre { get; init; } = new();
    /// <summary>Recipient; null for a contract creation (then <see cref="Data"/> is the initcode).</summary>
    public Address? To { get; init; } = Target;
    public byte[] Data { get; init; } = [];
    public UInt256 Value { get; init; }
    public ulong GasLimit { get; init; } = 200_000;
    /// <summary>
    /// Call data of further transactions sent after the first, each to the same recipient with the same value
    /// and gas and the next nonce: state carried across transactions (original storage values, transient
    /// storage and warm sets reset per transaction, EIP-6780 on accounts created earlier).
    /// </summary>
    public IReadOnlyList<byte[]> FollowUps { get; init; } = [];
    /// <summary>0 (legacy, or EIP-2930 when <see cref="AccessList"/> is set) or 2 (EIP-1559 fee caps).</summary>
    public byte Type { get; init; }
    /// <summary>EIP-1559 max fee per gas (type 2 only).</summary>
    public ulong MaxFeePerGas { get; init; }
    /// <summary>EIP-1559 max priority fee per gas (type 2 only).</summary>
    public ulong MaxPriorityFeePerGas { get; init; }
    /// <summary>EIP-2930 access list: addresses and storage keys warm from the start.</summary>
    public (Address Address, UInt256[] Keys)[] AccessList { get; init; } = [];

    /// <summary>A case calling <see cref="Target"/> with <paramref name="code"/>, a funded sender and optional extra accounts.</summary>
    public static DiffCase Call(string name, byte[] code, ulong gas = 200_000, byte[]? data = null, UInt256 value = default,
        Dictionary<UInt256, UInt256>? storage = null, params (Address Address, PreAccount Account)[] extra)
    {
        var pre = new Dictionary<Address, PreAccount>
        {
            [Sender] = new() { Balance = new UInt256(1_000_000_000_000_000_000UL) },
            [Target] = new() { Code = code, Balance = new UInt256(1000), Nonce = 1, Storage = storage ?? new() },
        };
        foreach ((Address a, PreAccount acc) in extra) pre[a] = acc;
        return new DiffCase { Name = name, Pre = pre, Data = data ?? [], Value = value, GasLimit = gas };
    }

    /// <summary>A creation transaction running <paramref name="initCode"/>.</summary>
    public static DiffCase Create(string name, byte[] initCode, ulong gas = 300_000, UInt256 value = default,
        params (Address Address, PreAccount Account)[] extra)
    {
        var pre = new Dictionary<Address, PreAccount>
        {
            [Sender] = new() { Balance = new UInt256(1_000_000_000_000_000_000UL) },
        };
        foreach ((Address a, PreAccount acc) in extra) pre[a] = acc;
        return new DiffCase { Name = name, Pre = pre, To = null, Data = initCode, Value = value, GasLimit = gas };
    }

    /// <summary>This case sent as a sequence: first <paramref name="first"/>, then each of <paramref name="more"/> as call data.</summary>
    public DiffCase Then(byte[] first, params byte[][] more) => new()
    {
        Name = Name, Pre = Pre, To = To, Data = first, Value = Value, GasLimit = GasLimit, Type = Type,
        MaxFeePerGas = MaxFeePerGas, MaxPriorityFeePerGas = MaxPriorityFeePerGas, AccessList = AccessList, FollowUps = more,
    };

    public override string ToString() => Name;
}
