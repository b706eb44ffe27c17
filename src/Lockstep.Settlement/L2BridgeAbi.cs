using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.SystemContracts;

namespace Lockstep.Settlement;

/// <summary>Calls and events of <c>L2Bridge</c> (0x…1005, contracts/src/bridge/L2Bridge.sol).</summary>
public static class L2BridgeAbi
{
    /// <summary><c>finalizeDeposit(uint256,address,address,address,uint256,bytes)</c>.</summary>
    public const string FinalizeDepositSignature = "finalizeDeposit(uint256,address,address,address,uint256,bytes)";

    /// <summary>Storage slot of the <c>withdrawals</c> mapping (what L1Bridge is deployed with).</summary>
    public static readonly UInt256 WithdrawalsBaseSlot = new(3);

    /// <summary>
    /// Gas of a deposit's protocol transaction: a refund (three fresh slots plus events) or an LST mint to a new
    /// holder costs below 120,000 on our EVM; the rest is margin. Part of the derivation rule: a verifier uses the same.
    /// </summary>
    public const ulong DepositGas = 300_000;

    /// <summary>The calldata of the protocol transaction that executes <paramref name="d"/>.</summary>
    public static byte[] FinalizeDeposit(DepositQueuedEvent d) => AbiValue.EncodeCall(FinalizeDepositSignature,
        AbiValue.Uint(d.DepositIndex), AbiValue.Address(d.From), AbiValue.Address(d.To), AbiValue.Address(d.Token), AbiValue.Uint(d.Amount),
        AbiValue.Bytes(d.Data));

    /// <summary><c>withdraw(l2Token, to, amount)</c>: <paramref name="l2Token"/> zero (send <paramref name="amount"/> as value)
    /// for ETH, <see cref="SystemAddresses.CrossRollupToken"/> for LST.</summary>
    public static byte[] Withdraw(Address l2Token, Address to, UInt256 amount) =>
        AbiValue.EncodeCall("withdraw(address,address,uint256)", AbiValue.Address(l2Token), AbiValue.Address(to), AbiValue.Uint(amount));

    /// <summary><c>nextDepositIndex()</c>.</summary>
    public static byte[] NextDepositIndex() => AbiValue.EncodeCall("nextDepositIndex()");

    /// <summary>Topic 0 of <c>WithdrawalInitiated(uint256 indexed nonce, bytes32 indexed withdrawalHash, address indexed from,
    /// address to, address l1Token, uint256 amount)</c>.</summary>
    public static readonly Hash256 WithdrawalInitiatedTopic = AbiValue.EventTopic("WithdrawalInitiated(uint256,bytes32,address,address,address,uint256)");

    /// <summary>Topic 0 of <c>DepositFinalized(uint256,address,address,address,uint256)</c>.</summary>
    public static readonly Hash256 DepositFinalizedTopic = AbiValue.EventTopic("DepositFinalized(uint256,address,address,address,uint256)");

    /// <summary>Topic 0 of <c>DepositRefunded(uint256,uint256,bytes32,bytes)</c>.</summary>
    public static readonly Hash256 DepositRefundedTopic = AbiValue.EventTopic("DepositRefunded(uint256,uint256,bytes32,bytes)");

    /// <summary>
    /// Reads a <c>WithdrawalInitiated</c> log of L2Bridge into the <see cref="Withdrawal"/> L1Bridge pays (false for any
    /// other log or emitter).
    /// </summary>
    public static bool TryDecodeWithdrawal(Address emitter, IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out Withdrawal? withdrawal)
    {
        withdrawal = null;
        if (emitter != SystemAddresses.L2Bridge || topics.Count != 4 || topics[0] != WithdrawalInitiatedTopic || data.Length != 96) return false;
        var r = new AbiReader(data);
        withdrawal = new Withdrawal(new UInt256(topics[1].ToArray()), new Address(topics[3].ToArray().AsSpan(12)), r.Address(0), r.Address(32), r.Word(64));
        return true;
    }
}
