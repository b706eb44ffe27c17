using System.Buffers.Binary;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.SystemContracts;

namespace Lockstep.Settlement;

/// <summary>A withdrawal found on a rollup: the record L1Bridge pays, and the L2 block that recorded it.</summary>
/// <param name="ChainId">The rollup.</param>
/// <param name="L2Block">Block number of the recording transaction.</param>
/// <param name="Withdrawal">The withdrawal (L1 token address, zero for ETH).</param>
public sealed record L2Withdrawal(ulong ChainId, ulong L2Block, Withdrawal Withdrawal)
{
    /// <summary>The key L2Bridge stored and L1Bridge checks.</summary>
    public Hash256 Hash => Withdrawal.Hash(ChainId);
}

/// <summary>
/// Builds the L1 side of a withdrawal (issue 5): finds the superbatch on the inbox whose range covers the L2 block
/// that recorded it, and proves <c>L2Bridge.withdrawals[hash] == 1</c> with the rollup's own EIP-1186 proof at that
/// superbatch's last block (the state root the superbatch claims), ready for <c>L1Bridge.finalizeWithdrawal</c>.
/// </summary>
public static class WithdrawalProver
{
    /// <summary>The withdrawals recorded by the transaction <paramref name="l2TxHash"/> on <paramref name="chain"/>.</summary>
    public static List<L2Withdrawal> FromTransaction(RollupChain chain, Hash256 l2TxHash)
    {
        var found = new List<L2Withdrawal>();
        if (!chain.TryGetTransaction(l2TxHash, out BlockData block, out int index)) return found;
        foreach (LogEntry log in block.Receipts[index].Logs)
            if (L2BridgeAbi.TryDecodeWithdrawal(log.Address, log.Topics, log.Data, out Withdrawal? w))
                found.Add(new L2Withdrawal(chain.ChainId, block.Number, w!));
        return found;
    }

    /// <summary>
    /// The first live superbatch whose range on <paramref name="chainId"/> reaches <paramref name="l2Block"/>
    /// (ranges are contiguous from block 1), or null when none has been posted that far yet.
    /// </summary>
    public static async Task<(ulong Index, ulong LastBlock)?> FindSuperbatchAsync(IL1Client l1, Address inbox, ulong chainId, ulong l2Block, CancellationToken cancel = default)
    {
        ulong count = Word(await l1.CallAsync(inbox, SharedInbox.SuperbatchCount(), null, cancel).ConfigureAwait(false));
        if (count == 0) return null;
        ulong lo = 0, hi = count - 1;
        ulong lastOfHi = Word(await l1.CallAsync(inbox, SharedInbox.LastBlockOf(hi, chainId), null, cancel).ConfigureAwait(false));
        if (lastOfHi < l2Block) return null;
        ulong answerLast = lastOfHi;
        // Binary search for the lowest index whose last block is >= l2Block (last blocks grow with the index).
        while (lo < hi)
        {
            ulong mid = lo + (hi - lo) / 2;
            ulong last = Word(await l1.CallAsync(inbox, SharedInbox.LastBlockOf(mid, chainId), null, cancel).ConfigureAwait(false));
            if (last >= l2Block) { hi = mid; answerLast = last; }
            else lo = mid + 1;
        }
        if (hi == count - 1) answerLast = lastOfHi;
        return (hi, answerLast);
    }

    /// <summary>
    /// The <c>finalizeWithdrawal</c> calldata for <paramref name="w"/> against superbatch <paramref name="superbatchIndex"/>,
    /// whose claimed root for the rollup is the state root of <paramref name="chain"/>'s block <paramref name="lastBlock"/>.
    /// </summary>
    public static byte[] BuildFinalizeCall(RollupChain chain, ulong superbatchIndex, ulong lastBlock, Withdrawal w)
    {
        BlockHeader header = chain.GetBlock(lastBlock)?.Header ?? throw new InvalidOperationException($"rollup {chain.ChainId} has no block {lastBlock}");
        UInt256 slot = new(w.Slot(chain.ChainId, L2BridgeAbi.WithdrawalsBaseSlot).ToArray());
        AccountProof proof = chain.GetProof(header, SystemAddresses.L2Bridge, [slot]);
        return Bridge.FinalizeWithdrawal(superbatchIndex, chain.ChainId, w, proof.AccountProofNodes, proof.StorageProofs[0].Proof);
    }

    /// <summary>
    /// Finds the covering superbatch and builds the call (null while no superbatch covers the withdrawal's block).
    /// The call reverts on L1 until that superbatch is final (<c>NotFinalized</c>).
    /// </summary>
    public static async Task<(ulong SuperbatchIndex, byte[] Calldata)?> BuildFinalizeCallAsync(IL1Client l1, Address inbox, RollupChain chain, L2Withdrawal w,
        CancellationToken cancel = default)
    {
        (ulong Index, ulong LastBlock)? sb = await FindSuperbatchAsync(l1, inbox, chain.ChainId, w.L2Block, cancel).ConfigureAwait(false);
        if (sb is not { } s) return null;
        return (s.Index, BuildFinalizeCall(chain, s.Index, s.LastBlock, w.Withdrawal));
    }

    private static ulong Word(byte[] output) =>
        output.Length == 32 ? BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24)) : throw new L1Exception("unexpected call output length " + output.Length);
}
