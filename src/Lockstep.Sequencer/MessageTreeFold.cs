using Lockstep.Chain;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer;

/// <summary>
/// The end-of-block fold of one rollup's block (docs/protocol.md, "Trees"): message appends only move a tree's count
/// and frontier, and the block's last transaction, a protocol transaction (type 0x7F from PROTOCOL_SENDER) calling
/// <c>MessageTrees.fold()</c>, writes the root of every tree whose count moved. It is part of the block like any
/// transaction, so a verifier re-executing the block's transactions gets the same roots; the validity rule is that
/// after a block's last transaction no tree is left unfolded (<see cref="MessageTreesLayout.NeedsFold"/>).
/// Fields: <c>chainId</c> and <c>sourceChainId</c> = the rollup, <c>sourceTxHash</c> = the parent block hash,
/// <c>messageNonce</c> = the block number, gas <see cref="MessageTreesLayout.FoldGasLimit"/> of the member count.
/// </summary>
public sealed class MessageTreeFold
{
    private readonly BlockInProgress _block;
    private readonly Hash256 _parentHash;
    private readonly ulong[] _members;

    /// <summary>The fold of <paramref name="block"/>, whose parent is <paramref name="parentHash"/>; the set's members are read from its state.</summary>
    public MessageTreeFold(BlockInProgress block, Hash256 parentHash)
    {
        _block = block;
        _parentHash = parentHash;
        _members = MessageTreesLayout.ReadMembers(block.State);
        GasLimit = _members.Length == 0 ? 0 : MessageTreesLayout.FoldGasLimit(_members.Length);
    }

    /// <summary>Gas limit of the fold transaction (0 when the rollup has no system contracts).</summary>
    public ulong GasLimit { get; }

    /// <summary>Set once a bundle appended to this block's trees: the block keeps <see cref="GasLimit"/> free for the fold.</summary>
    public bool Required { get; set; }

    /// <summary>Gas held back from later transactions of the block.</summary>
    public ulong Reserved => Required ? GasLimit : 0;

    /// <summary>The fold transaction of block <paramref name="number"/> of <paramref name="chainId"/> on a set of <paramref name="members"/> rollups.</summary>
    public static Transaction Create(ulong chainId, ulong number, Hash256 parentHash, int members) =>
        SystemTransaction.Create(chainId, chainId, parentHash, number, SystemAddresses.MessageTrees, MessageTreesLayout.FoldGasLimit(members), SystemCalldata.Fold());

    /// <summary>True when <paramref name="tx"/> is a fold transaction (a protocol transaction to MessageTrees calling <c>fold()</c>).</summary>
    public static bool IsFold(Transaction tx) =>
        tx.IsSystem && tx.To == SystemAddresses.MessageTrees && tx.Data.Span.SequenceEqual(SystemCalldata.Fold());

    /// <summary>
    /// Appends the fold transaction when some tree of the block's state is unfolded; returns it, or null when none
    /// was needed. The block must have room (the builder reserved it).
    /// </summary>
    /// <exception cref="InvalidOperationException">No room, or the fold reverted: a bug, never a user's doing.</exception>
    public Transaction? AppendIfNeeded()
    {
        if (_members.Length == 0 || !MessageTreesLayout.NeedsFold(_block.State, _block.ChainId, _members)) return null;
        Transaction fold = Create(_block.ChainId, _block.Number, _parentHash, _members.Length);
        if (!_block.TryAddSystem(fold, out TransactionResult result))
            throw new InvalidOperationException($"chain {_block.ChainId}: no gas left for the end-of-block fold ({_block.GasRemaining} < {fold.GasLimit})");
        if (!result.Success)
            throw new InvalidOperationException($"chain {_block.ChainId}: the end-of-block fold failed: {RevertReason.Describe(result.Status, result.Output)}");
        return fold;
    }
}
