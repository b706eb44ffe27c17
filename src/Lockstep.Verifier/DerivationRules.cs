using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.State;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Verifier;

/// <summary>A derivation rule a posted block breaks (docs/verifier.md, "Derivation rules"): which kind, on which rollup, why.</summary>
/// <param name="Kind"><see cref="VerdictKind.DepositMismatch"/> or <see cref="VerdictKind.RuleViolation"/>.</param>
/// <param name="ChainId">The rollup whose block breaks it.</param>
/// <param name="Detail">Human-readable explanation (block, transaction, field).</param>
public readonly record struct RuleBreach(VerdictKind Kind, ulong ChainId, string Detail);

/// <summary>What a protocol (0x7F) transaction of a posted block is, by its target.</summary>
internal enum ProtocolRole
{
    /// <summary>An L1 deposit: to L2Bridge (Settlement's <see cref="DepositDeriver"/> rule).</summary>
    Deposit,
    /// <summary>A cross-rollup delivery: to MintBurn (mint) or Messenger (action), from another rollup of the set.</summary>
    Delivery,
    /// <summary>The end-of-block fold: to MessageTrees.</summary>
    Fold,
    /// <summary>Anything else: not derivable.</summary>
    Unknown,
}

/// <summary>
/// The deposit rule of a superbatch (issue 5/6): the deposit transactions that open each block, over the superbatch's
/// heights in order, are exactly the L1 queue's <c>DepositQueued</c> entries [previous depositCount, depositCount),
/// in queue order, each on its destination rollup and equal field by field to the transaction the derivation rule
/// makes of its event (<see cref="DepositDeriver.ToSystemTransaction"/>). A superblock takes a contiguous run of the
/// queue (<see cref="Deposits.Select"/>), split by destination; no deposit runs after a block's first other transaction.
/// </summary>
internal sealed class DepositRule(IReadOnlyList<ulong> chainIds, IReadOnlyList<DerivedDeposit> expected, ulong firstIndex)
{
    private static readonly string[] FinalizeDepositWords = ["depositIndex", "from", "to", "token", "amount", "data offset"];
    private int _next;

    /// <summary>The first breach seen, if any (later heights are not judged once one is found).</summary>
    public RuleBreach? Breach { get; private set; }

    /// <summary>Judges superblock <paramref name="height"/>: <paramref name="txs"/>[r] is rollup r's posted transaction list.</summary>
    public void CheckHeight(ulong height, Transaction[][] txs)
    {
        if (Breach is not null) return;
        int taken = 0;
        var leading = new int[txs.Length];
        for (int r = 0; r < txs.Length; r++)
        {
            Transaction[] list = txs[r];
            int n = 0;
            while (n < list.Length && DerivationRules.Role(list[n]) == ProtocolRole.Deposit) n++;
            for (int i = n; i < list.Length; i++)
            {
                if (list[i].IsSystem && DerivationRules.Role(list[i]) == ProtocolRole.Deposit)
                {
                    Fail(chainIds[r], $"chain {chainIds[r]} block {height} tx {i}: deposit #{list[i].MessageNonce} runs after the block's first non-deposit transaction (deposits open the block)");
                    return;
                }
            }
            leading[r] = n;
            taken += n;
        }
        if (_next + taken > expected.Count)
        {
            Fail(chainIds[0], $"block {height}: {taken} deposits executed, but the superbatch's depositCount leaves only {expected.Count - _next} of the L1 queue (from #{firstIndex + (ulong)_next})");
            return;
        }
        if (taken == 0) return;
        // Which deposit indexes the height executes: each once, and exactly the queue's next run (a dropped one is
        // named first, then the order per rollup, then the fields).
        var posted = new HashSet<ulong>();
        for (int r = 0; r < txs.Length; r++)
        {
            for (int j = 0; j < leading[r]; j++)
            {
                if (posted.Add(txs[r][j].MessageNonce)) continue;
                Fail(chainIds[r], $"chain {chainIds[r]} block {height}: deposit #{txs[r][j].MessageNonce} executed twice");
                return;
            }
        }
        for (int q = _next; q < _next + taken; q++)
        {
            DerivedDeposit d = expected[q];
            if (posted.Contains(d.Index)) continue;
            Fail(d.Event.ChainId, $"block {height}: L1 deposit #{d.Index} to chain {d.Event.ChainId} (L1 tx {d.L1TransactionHash}) is not executed at its queue position while later ones are (dropped)");
            return;
        }
        for (int r = 0; r < txs.Length; r++)
        {
            int j = 0;
            for (int q = _next; q < _next + taken; q++)
            {
                DerivedDeposit d = expected[q];
                if (d.Event.ChainId != chainIds[r]) continue;
                if (j >= leading[r])
                {
                    Fail(chainIds[r], $"chain {chainIds[r]} block {height}: L1 deposit #{d.Index} (L1 tx {d.L1TransactionHash}) is executed on another rollup than its chain {d.Event.ChainId}");
                    return;
                }
                if (Diff(txs[r][j], d) is { } why)
                {
                    Fail(chainIds[r], $"chain {chainIds[r]} block {height} deposit position {j}: {why}");
                    return;
                }
                j++;
            }
            if (j < leading[r])
            {
                Transaction extra = txs[r][j];
                Fail(chainIds[r], $"chain {chainIds[r]} block {height} deposit position {j}: deposit #{extra.MessageNonce} ({extra.Hash}) is not one the L1 queue has for this rollup here (forged or misrouted)");
                return;
            }
        }
        _next += taken;
    }

    /// <summary>After the last height: every deposit the superbatch commits to was executed.</summary>
    public void Finish(ulong depositCount)
    {
        if (Breach is null && (ulong)_next != (ulong)expected.Count)
            Fail(chainIds[0], $"the superbatch commits depositCount {depositCount}, its blocks execute the L1 queue only up to #{firstIndex + (ulong)_next} (deposits dropped)");
    }

    private void Fail(ulong chainId, string detail) => Breach = new RuleBreach(VerdictKind.DepositMismatch, chainId, detail);

    /// <summary>Null when <paramref name="posted"/> is exactly the transaction L1's event <paramref name="d"/> derives to; else the first field that differs.</summary>
    private static string? Diff(Transaction posted, DerivedDeposit d)
    {
        Transaction want = d.Transaction;
        if (posted.Hash == want.Hash) return null;
        string which = $"L1 deposit #{d.Index} (L1 tx {d.L1TransactionHash})";
        if (posted.MessageNonce != want.MessageNonce)
            return $"deposit #{posted.MessageNonce} is executed where the L1 queue has #{d.Index} (reordered, dropped or forged)";
        if (posted.ChainId != want.ChainId) return $"{which}: chain id {posted.ChainId} instead of {want.ChainId}";
        if (posted.SourceChainId != want.SourceChainId) return $"{which}: source chain {posted.SourceChainId} instead of the L1's {want.SourceChainId}";
        if (posted.SourceTxHash != want.SourceTxHash) return $"{which}: sourceTxHash {posted.SourceTxHash} instead of the deposit hash {want.SourceTxHash}";
        if (posted.To != want.To) return $"{which}: to {posted.To} instead of {want.To}";
        if (posted.GasLimit != want.GasLimit) return $"{which}: gas {posted.GasLimit} instead of {want.GasLimit}";
        ReadOnlySpan<byte> a = posted.Data.Span, b = want.Data.Span;
        if (a.Length >= 4 && b.Length >= 4 && !a[..4].SequenceEqual(b[..4])) return $"{which}: not a finalizeDeposit call";
        for (int w = 0; w < FinalizeDepositWords.Length; w++)
        {
            int at = 4 + 32 * w;
            if (a.Length < at + 32 || b.Length < at + 32) break;
            if (!a.Slice(at, 32).SequenceEqual(b.Slice(at, 32)))
                return $"{which}: {FinalizeDepositWords[w]} 0x{Convert.ToHexString(a.Slice(at, 32)).TrimStart('0')} differs from DepositQueued's 0x{Convert.ToHexString(b.Slice(at, 32)).TrimStart('0')}";
        }
        return $"{which}: the calldata (deposit data bytes) differs from DepositQueued's";
    }
}

/// <summary>
/// The derivation rules of one superblock that the two root checks do not see (docs/verifier.md):
/// <list type="bullet">
/// <item>every delivery (0x7F to MintBurn/Messenger) names, by <c>sourceTxHash</c>, a transaction of its source rollup's
/// block at the same height whose request logs emitted exactly that message (source, destination, nonce, fields), it
/// succeeded (a failed leg rejects the whole bundle), and every message emitted in the superblock is delivered in it,
/// once (the seed's all-or-nothing superblock);</item>
/// <item>the end-of-block fold: at most one, the block's last transaction, with the canonical fields
/// (<see cref="MessageTreeFold.Create"/>), and no message tree left unfolded after the block's last transaction.</item>
/// </list>
/// </summary>
internal static class DerivationRules
{
    /// <summary>What <paramref name="tx"/> (a protocol transaction) is, by its target.</summary>
    public static ProtocolRole Role(Transaction tx)
    {
        if (!tx.IsSystem || tx.To is not { } to) return ProtocolRole.Unknown;
        if (to == SystemAddresses.L2Bridge) return ProtocolRole.Deposit;
        if (to == SystemAddresses.MintBurn || to == SystemAddresses.Messenger) return ProtocolRole.Delivery;
        if (to == SystemAddresses.MessageTrees) return ProtocolRole.Fold;
        return ProtocolRole.Unknown;
    }

    /// <summary>
    /// The message and fold rules of superblock <paramref name="height"/>, on the re-executed blocks
    /// (<paramref name="built"/>[r] on <paramref name="chainIds"/>[r], post-state <paramref name="states"/>[r], parent
    /// hash <paramref name="parents"/>[r]). Returns the first breach, null when every rule holds.
    /// </summary>
    public static RuleBreach? CheckSuperblock(ulong height, IReadOnlyList<ulong> chainIds, BuiltBlock[] built, WorldState[] states, Hash256[] parents)
    {
        var txs = new IReadOnlyList<Transaction>[built.Length];
        var receipts = new IReadOnlyList<Receipt>[built.Length];
        for (int r = 0; r < built.Length; r++)
        {
            txs[r] = built[r].Block.Transactions;
            receipts[r] = built[r].Receipts;
        }
        return CheckSuperblock(height, chainIds, txs, receipts, states, parents);
    }

    /// <summary>The same rules on blocks given as transactions and receipts (a height re-executed before a restart, read back from the replicas).</summary>
    public static RuleBreach? CheckSuperblock(ulong height, IReadOnlyList<ulong> chainIds, IReadOnlyList<Transaction>[] blockTxs, IReadOnlyList<Receipt>[] blockReceipts,
        WorldState[] states, Hash256[] parents)
    {
        // Every transaction of the superblock by hash (hashes commit to the chain id, so they are unique across rollups).
        var where = new Dictionary<Hash256, (int Rollup, int Index)>();
        for (int r = 0; r < blockTxs.Length; r++)
        {
            IReadOnlyList<Transaction> txs = blockTxs[r];
            for (int i = 0; i < txs.Count; i++) where[txs[i].Hash] = (r, i);
        }
        // Every message the superblock emitted, as the delivery transaction the builder makes of it.
        var owed = new Dictionary<Hash256, (ulong Destination, string What)>();
        for (int r = 0; r < blockTxs.Length; r++)
        {
            IReadOnlyList<Transaction> txs = blockTxs[r];
            IReadOnlyList<Receipt> receipts = blockReceipts[r];
            for (int i = 0; i < txs.Count; i++)
            {
                IReadOnlyList<LogEntry> logs = receipts[i].Logs;
                for (int k = 0; k < logs.Count; k++)
                {
                    if (!CrossRollupMessage.TryDecode(logs[k], chainIds[r], out CrossRollupMessage m)) continue;
                    Transaction delivery = SystemTransaction.Create(m.Destination, m.Source, txs[i].Hash, m.Nonce, m.DeliveryTo, m.DeliveryGas, m.DeliveryCalldata);
                    owed[delivery.Hash] = (m.Destination, $"message #{m.Nonce} from chain {m.Source} to chain {m.Destination} emitted by tx {txs[i].Hash}");
                }
            }
        }
        for (int r = 0; r < blockTxs.Length; r++)
        {
            ulong chainId = chainIds[r];
            IReadOnlyList<Transaction> txs = blockTxs[r];
            IReadOnlyList<Receipt> receipts = blockReceipts[r];
            int folds = 0;
            for (int i = 0; i < txs.Count; i++)
            {
                Transaction tx = txs[i];
                ProtocolRole role = Role(tx);
                if (role == ProtocolRole.Delivery)
                {
                    string what = $"chain {chainId} block {height} tx {i}: delivery #{tx.MessageNonce} from chain {tx.SourceChainId}";
                    if (!where.TryGetValue(tx.SourceTxHash, out var source) || chainIds[source.Rollup] != tx.SourceChainId)
                        return Rule(chainId, $"{what} names source tx {tx.SourceTxHash}, which is not in chain {tx.SourceChainId}'s block {height}");
                    if (!owed.Remove(tx.Hash))
                        return Rule(chainId, $"{what} is not a message its source tx {tx.SourceTxHash} emitted (fields, nonce or order differ)");
                    if (!receipts[i].Success)
                        return Rule(chainId, $"{what} failed: a failed leg rejects its whole bundle, it is never included");
                }
                else if (role == ProtocolRole.Fold)
                {
                    folds++;
                    if (folds > 1) return Rule(chainId, $"chain {chainId} block {height} tx {i}: a second end-of-block fold");
                    if (i != txs.Count - 1) return Rule(chainId, $"chain {chainId} block {height} tx {i}: the fold is not the block's last transaction");
                    ulong[] members = MessageTreesLayout.ReadMembers(states[r]);
                    if (tx.Hash != MessageTreeFold.Create(chainId, height, parents[r], members.Length).Hash)
                        return Rule(chainId, $"chain {chainId} block {height} tx {i}: the fold's fields are not the canonical ones (MessageTrees.fold(), source = the rollup, sourceTxHash = parent hash, nonce = block number)");
                }
            }
            ulong[] set = MessageTreesLayout.ReadMembers(states[r]);
            if (set.Length > 0 && MessageTreesLayout.NeedsFold(states[r], chainId, set))
                return Rule(chainId, $"chain {chainId} block {height}: a message tree is left unfolded at the end of the block (no end-of-block fold after its last append)");
        }
        foreach (KeyValuePair<Hash256, (ulong Destination, string What)> missing in owed)
            return Rule(missing.Value.Destination, $"block {height}: {missing.Value.What} is not delivered in the same superblock");
        return null;
    }

    private static RuleBreach Rule(ulong chainId, string detail) => new(VerdictKind.RuleViolation, chainId, detail);
}
