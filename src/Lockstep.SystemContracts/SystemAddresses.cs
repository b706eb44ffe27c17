using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>
/// The fixed addresses of the L2 protocol, the same on every rollup of a set (docs/protocol.md; mirrored by
/// contracts/src/system/SystemAddresses.sol).
/// </summary>
public static class SystemAddresses
{
    /// <summary>Reserved sender of protocol transactions (mint/action deliveries). It has no key: the sequencer and
    /// the pool must refuse any user transaction whose sender is this address.</summary>
    public static readonly Address ProtocolSender = Address.FromNumber(0x1000);

    /// <summary>MintBurn: token and ETH bridge (the seed's MintBurnSystemContract); holds the ETH reserve.</summary>
    public static readonly Address MintBurn = Address.FromNumber(0x1001);

    /// <summary>Messenger: arbitrary cross-rollup calls (the seed's GeneralSystemContract).</summary>
    public static readonly Address Messenger = Address.FromNumber(0x1002);

    /// <summary>MessageTrees: every outbox and inbox tree of the rollup; one account proof covers every root.</summary>
    public static readonly Address MessageTrees = Address.FromNumber(0x1003);

    /// <summary>CrossRollupToken: "Lockstep Token" (LST), the ERC20 whose supply is one number across the set.</summary>
    public static readonly Address CrossRollupToken = Address.FromNumber(0x1004);

    /// <summary>L2Bridge: L1 deposits paid out, withdrawals to L1 recorded (docs/settlement.md); L1Bridge proves its slot 3.</summary>
    public static readonly Address L2Bridge = Address.FromNumber(0x1005);

    /// <summary>True for the four contract addresses and the protocol sender.</summary>
    public static bool IsSystem(in Address address) =>
        address == ProtocolSender || address == MintBurn || address == Messenger || address == MessageTrees || address == CrossRollupToken || address == L2Bridge;
}
