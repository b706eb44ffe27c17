using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer;

/// <summary>
/// One L1 deposit ready to execute: its global queue index, its destination rollup and the type 0x7F protocol
/// transaction (<c>L2Bridge.finalizeDeposit</c> from PROTOCOL_SENDER) that executes it there.
/// </summary>
/// <param name="Index">Position in L1Bridge's deposit queue (global across the set).</param>
/// <param name="ChainId">The destination rollup.</param>
/// <param name="Transaction">The protocol transaction.</param>
public sealed record DepositTransaction(ulong Index, ulong ChainId, Transaction Transaction);

/// <summary>
/// Where the shared sequencer takes L1 deposits from (the settlement layer's deposit feed, which derives them from
/// L1 <c>DepositQueued</c> events at a safe depth). The sequencer itself keeps no cursor: the next index is read
/// from the rollups' state (<see cref="Deposits.NextIndex"/>), so it moves atomically with the superblocks.
/// </summary>
public interface IDepositSource
{
    /// <summary>
    /// Deposits with index <paramref name="nextIndex"/>, <paramref name="nextIndex"/>+1, ... (contiguous, in queue
    /// order, none skipped), at most <paramref name="max"/>; empty when deposit <paramref name="nextIndex"/> is not
    /// known yet. Must not block.
    /// </summary>
    IReadOnlyList<DepositTransaction> Pending(ulong nextIndex, int max);
}

/// <summary>
/// Deposits in superblocks (issue 5): each is executed at the START of its destination rollup's block, before any
/// user transaction, in queue order. A superblock takes a contiguous run of the queue whose gas fits in half of each
/// destination's block gas, so a deposit is never skipped and users keep half of the block.
/// </summary>
public static class Deposits
{
    /// <summary>Most deposits per superblock (over the whole set).</summary>
    public const int MaxPerSuperblock = 64;

    /// <summary>Storage slot of L2Bridge's <c>nextDepositIndex</c> (contracts/src/bridge/L2Bridge.sol).</summary>
    public static readonly UInt256 NextDepositIndexSlot = UInt256.Zero;

    /// <summary>
    /// The next deposit to execute: the largest <c>L2Bridge.nextDepositIndex</c> over the rollups' states (indexes are
    /// global and executed in order, so the rollup that executed the latest one holds the set's cursor).
    /// </summary>
    public static ulong NextIndex(IEnumerable<WorldState> states)
    {
        ulong next = 0;
        foreach (WorldState s in states)
        {
            UInt256 v = s.GetStorage(SystemAddresses.L2Bridge, NextDepositIndexSlot);
            if (v > new UInt256(ulong.MaxValue)) throw new InvalidOperationException("L2Bridge.nextDepositIndex does not fit in 64 bits");
            ulong n = (ulong)v;
            if (n > next) next = n;
        }
        return next;
    }

    /// <summary>
    /// The deposits of the next superblock from <paramref name="source"/>, grouped by rollup: the longest prefix of
    /// what it offers (from the states' cursor) whose gas fits in half of each destination's
    /// <paramref name="gasLimits"/>. Deposits for a chain outside the set stop the run (they cannot be executed; a
    /// misconfigured feed, since L1Bridge only queues members).
    /// </summary>
    public static Dictionary<ulong, List<Transaction>> Select(IDepositSource source, IReadOnlyDictionary<ulong, WorldState> states,
        IReadOnlyDictionary<ulong, ulong> gasLimits)
    {
        var byChain = new Dictionary<ulong, List<Transaction>>();
        ulong expected = NextIndex(states.Values);
        IReadOnlyList<DepositTransaction> pending = source.Pending(expected, MaxPerSuperblock);
        if (pending.Count == 0) return byChain;
        var gas = new Dictionary<ulong, ulong>();
        foreach (DepositTransaction d in pending)
        {
            if (d.Index != expected || !gasLimits.TryGetValue(d.ChainId, out ulong limit)) break;
            gas.TryGetValue(d.ChainId, out ulong used);
            if (used + d.Transaction.GasLimit > limit / 2) break;
            gas[d.ChainId] = used + d.Transaction.GasLimit;
            if (!byChain.TryGetValue(d.ChainId, out List<Transaction>? list)) byChain[d.ChainId] = list = new List<Transaction>();
            list.Add(d.Transaction);
            expected++;
        }
        return byChain;
    }

    /// <summary>
    /// Sets every input's <see cref="RollupInput.Deposits"/> from <paramref name="source"/> (the shared sequencer's
    /// hook; nothing happens without a source).
    /// </summary>
    public static void Attach(IDepositSource? source, RollupInput[] inputs)
    {
        if (source is null) return;
        var states = new Dictionary<ulong, WorldState>(inputs.Length);
        var gasLimits = new Dictionary<ulong, ulong>(inputs.Length);
        foreach (RollupInput r in inputs)
        {
            states[r.ChainId] = r.State;
            gasLimits[r.ChainId] = r.GasLimit ?? r.Parent.GasLimit;
        }
        Dictionary<ulong, List<Transaction>> selected = Select(source, states, gasLimits);
        foreach (RollupInput r in inputs)
            if (selected.TryGetValue(r.ChainId, out List<Transaction>? list)) r.Deposits = list;
    }

    /// <summary>True when <paramref name="source"/> offers the next deposit of <paramref name="chains"/>' head states.</summary>
    public static bool HasPending(IDepositSource? source, IReadOnlyList<Lockstep.Node.RollupChain> chains)
    {
        if (source is null) return false;
        var states = new List<WorldState>(chains.Count);
        foreach (Lockstep.Node.RollupChain c in chains) states.Add(c.Store.OpenHeadState().World);
        return source.Pending(NextIndex(states), 1).Count > 0;
    }

    /// <summary>
    /// Executes <paramref name="deposits"/> at the start of <paramref name="block"/> (before any bundle). A deposit that
    /// does not fit the block's gas throws: <see cref="Select"/> never offers one, and skipping it would lose it.
    /// </summary>
    public static void Execute(BlockInProgress block, IReadOnlyList<Transaction> deposits)
    {
        foreach (Transaction tx in deposits)
            if (!block.TryAddSystem(tx, out _))
                throw new InvalidOperationException($"deposit transaction {tx.Hash} does not fit chain {block.ChainId}'s block gas");
    }
}
