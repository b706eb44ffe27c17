using Lockstep.Chain;
using Lockstep.Primitives;

namespace Lockstep.Node;

/// <summary>The genesis a dev node starts from when no genesis file is given (anvil's defaults).</summary>
public static class DevGenesis
{
    /// <summary>anvil's default chain id.</summary>
    public const ulong DefaultChainId = 31337;

    /// <summary>Block gas limit of the dev genesis.</summary>
    public const ulong DefaultGasLimit = 30_000_000;

    /// <summary>10000 ETH, what anvil gives each dev account.</summary>
    public static readonly UInt256 DefaultBalance = UInt256.Parse("10000000000000000000000");

    /// <summary>
    /// London, Shanghai and Cancun active from block 0, base fee 1 gwei (EIP-1559 initial base fee), gas limit 30M,
    /// every account in <paramref name="funded"/> holding <paramref name="balance"/> (10000 ETH by default).
    /// </summary>
    public static Genesis Create(ulong chainId, IEnumerable<Address> funded, UInt256? balance = null, ulong timestamp = 0)
    {
        var alloc = new Dictionary<Address, GenesisAccount>();
        foreach (Address a in funded)
            alloc[a] = new GenesisAccount(balance ?? DefaultBalance, 0, [], new Dictionary<UInt256, UInt256>());
        return new Genesis
        {
            ChainId = chainId,
            London = true,
            Shanghai = true,
            Cancun = true,
            GasLimit = DefaultGasLimit,
            BaseFeePerGas = new UInt256(FeeRules.InitialBaseFee),
            Timestamp = timestamp,
            Alloc = alloc,
        };
    }
}
