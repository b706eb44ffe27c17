using Lockstep.Chain;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer;

/// <summary>The cheats a <see cref="FaultInjector"/> can play (issue 6: a cheating sequencer for tests and devnets).</summary>
public enum FaultKind
{
    /// <summary>The first mint delivery of the superblock is left out: the burn stays on the source, nothing is minted
    /// (the source's outbox root then differs from the destination's inbox root).</summary>
    DropMint,
    /// <summary>A mint of <see cref="InjectedFault.Amount"/> wei to <see cref="InjectedFault.Recipient"/> is appended on the
    /// destination with no burn on the source (the inbox gets a leaf the outbox never had).</summary>
    MintWithoutBurn,
    /// <summary>The first two mint deliveries from the same source in one block are delivered in swapped order (nonces
    /// kept increasing, so the contracts accept them; the inbox holds the messages in another order than the outbox).</summary>
    ReorderMessages,
    /// <summary>The claimed state root of a rollup in the superbatch covering the height is replaced by a made-up value
    /// (the blocks themselves are honest; only the L1 claim lies).</summary>
    ForgeStateRoot,
    /// <summary>The first L1 deposit of the rollup's block is left out (the deposits after it still run, so the
    /// superbatch's <c>depositCount</c> still covers it): the block no longer executes the L1 queue in order.</summary>
    DropDeposit,
    /// <summary>The first L1 deposit of the rollup's block is executed with twice its amount (a field that is not the
    /// one queued on L1; the protocol transaction is rebuilt so it stays well-formed).</summary>
    ForgeDeposit,
    /// <summary>The first two L1 deposits of the rollup's block are executed in swapped order.</summary>
    ReorderDeposits,
    /// <summary>The first cross-rollup delivery of the rollup's block names another source transaction
    /// (<c>sourceTxHash</c> = keccak of the real one): the message is the same, its provenance is forged.</summary>
    MisattributeDelivery,
    /// <summary>The end-of-block fold (<c>MessageTrees.fold()</c>) is left out of every rollup's block of the
    /// superblock (or only <see cref="InjectedFault.ChainId"/>'s): trees appended to keep their old roots.</summary>
    SkipFold,
}

/// <summary>One fault to inject at superblock <paramref name="Height"/>.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Height">The superblock (or, for <see cref="FaultKind.ForgeStateRoot"/>, any superblock of the superbatch) to cheat on.</param>
/// <param name="ChainId">The rollup to cheat on (the destination for mints; the claimed root for a forged root);
/// null: the first rollup where the fault applies (for a mint without burn and a forged root: the set's second rollup).</param>
public sealed record InjectedFault(FaultKind Kind, ulong Height, ulong? ChainId = null)
{
    /// <summary>Receiver of the <see cref="FaultKind.MintWithoutBurn"/> mint.</summary>
    public Address Recipient { get; init; } = Address.FromHex("0x00000000000000000000000000000000000bad01");

    /// <summary>Wei minted by <see cref="FaultKind.MintWithoutBurn"/> (1 ETH).</summary>
    public UInt256 Amount { get; init; } = UInt256.Parse("1000000000000000000");
}

/// <summary>
/// A cheating sequencer, for tests and devnets only (issue 6): rewrites one rollup's block of an honestly built
/// superblock (drops, adds or reorders 0x7F deliveries and re-executes that block, so the block and its state root stay
/// self-consistent and only the cross-rollup invariant breaks), or forges a claimed state root in the superbatch
/// the poster sends. Off by default (<see cref="SharedSequencerOptions.Faults"/> is null); the constructor refuses
/// to build one unless the caller says it runs a devnet. The bundle reports and statuses keep describing the honest
/// build (a cheater lies there too).
/// </summary>
public sealed class FaultInjector
{
    private readonly List<InjectedFault> _faults;

    /// <summary>Arms <paramref name="faults"/>; <paramref name="devMode"/> must be true (a devnet or a test), else this throws.</summary>
    /// <exception cref="InvalidOperationException">Not in dev mode.</exception>
    public FaultInjector(bool devMode, IEnumerable<InjectedFault> faults)
    {
        if (!devMode) throw new InvalidOperationException("fault injection is refused outside a devnet: it makes the sequencer cheat on purpose");
        _faults = new List<InjectedFault>(faults);
    }

    /// <summary>The armed faults.</summary>
    public IReadOnlyList<InjectedFault> Faults => _faults;

    /// <summary>Raised for each fault actually played, with a description (chain, transaction, nonce).</summary>
    public event Action<InjectedFault, string>? Injected;

    /// <summary>
    /// Applies the block faults armed for <paramref name="honest"/>'s height: the affected rollup's block is rebuilt
    /// from its parent with the edited transaction list, and its entry of <paramref name="states"/> replaced by the
    /// rebuilt post-state, so the caller commits the cheat exactly like an honest superblock.
    /// </summary>
    public Superblock Apply(Superblock honest, IReadOnlyList<RollupInput> inputs, SuperblockAttributes attributes,
        Dictionary<ulong, ChainState> states, Func<ulong, ChainStore> stores)
    {
        Superblock sb = honest;
        foreach (InjectedFault fault in _faults)
        {
            if (fault.Height != honest.Height || fault.Kind == FaultKind.ForgeStateRoot) continue;
            for (int i = 0; i < sb.Blocks.Count; i++)
            {
                RollupBlock rb = sb.Blocks[i];
                if (fault.ChainId is { } only && only != rb.ChainId) continue;
                if (fault.ChainId is null && fault.Kind == FaultKind.MintWithoutBurn && (sb.Blocks.Count < 2 || i != 1)) continue;
                bool everyRollup = fault.ChainId is null && fault.Kind == FaultKind.SkipFold;
                (List<Transaction> Txs, List<Address> Senders, string What)? edit = Edit(fault, sb, rb, states[rb.ChainId]);
                if (edit is null) continue;
                RollupInput input = inputs[i];
                ChainState fresh = stores(rb.ChainId).OpenState(input.Parent.StateRoot);
                BuiltBlock rebuilt = Rebuild(input, attributes, fresh, edit.Value.Txs, edit.Value.Senders);
                var blocks = new List<RollupBlock>(sb.Blocks);
                blocks[i] = new RollupBlock(rb.ChainId, rebuilt);
                states[rb.ChainId] = fresh;
                sb = new Superblock { Height = sb.Height, Timestamp = sb.Timestamp, Blocks = blocks, Bundles = sb.Bundles };
                Injected?.Invoke(fault, edit.Value.What);
                if (!everyRollup) break;
            }
        }
        return sb;
    }

    /// <summary>
    /// The claimed roots to forge in the superbatch covering [<paramref name="firstHeight"/>, <paramref name="lastHeight"/>]:
    /// for each armed <see cref="FaultKind.ForgeStateRoot"/> in that range, the rollup's position in
    /// <paramref name="chainIds"/> and a made-up root (keccak of the real one, so it is reproducible and never a trie
    /// anyone holds). The batch poster applies them to its submission (<c>BatchEncoding.BuildSubmission</c>).
    /// </summary>
    public List<(int Position, Hash256 Forged)> ForgeClaims(IReadOnlyList<ulong> chainIds, IReadOnlyList<Hash256> claimedRoots, ulong firstHeight, ulong lastHeight)
    {
        var forged = new List<(int, Hash256)>();
        foreach (InjectedFault fault in _faults)
        {
            if (fault.Kind != FaultKind.ForgeStateRoot || fault.Height < firstHeight || fault.Height > lastHeight) continue;
            int at = fault.ChainId is { } id ? IndexOf(chainIds, id) : Math.Min(1, chainIds.Count - 1);
            if (at < 0) continue;
            Hash256 fake = Keccak256.Compute(claimedRoots[at].ToArray());
            forged.Add((at, fake));
            Injected?.Invoke(fault, $"claimed root of chain {chainIds[at]} at block {lastHeight} forged: {fake} instead of {claimedRoots[at]}");
        }
        return forged;
    }

    private static int IndexOf(IReadOnlyList<ulong> ids, ulong id)
    {
        for (int i = 0; i < ids.Count; i++) if (ids[i] == id) return i;
        return -1;
    }

    private static (List<Transaction>, List<Address>, string)? Edit(InjectedFault fault, Superblock sb, RollupBlock rb, ChainState honestState)
    {
        IReadOnlyList<Transaction> txs = rb.Built.Block.Transactions;
        var list = new List<Transaction>(txs);
        var senders = new List<Address>(rb.Built.Senders);
        switch (fault.Kind)
        {
            case FaultKind.DropMint:
                for (int k = 0; k < list.Count; k++)
                {
                    if (!IsMint(list[k], rb.ChainId, out CrossRollupMessage? m)) continue;
                    list.RemoveAt(k);
                    senders.RemoveAt(k);
                    return (list, senders, $"mint #{m!.Nonce} from chain {m.Source} to chain {rb.ChainId} dropped (tx {txs[k].Hash})");
                }
                return null;
            case FaultKind.ReorderMessages:
                for (int a = 0; a < list.Count; a++)
                {
                    if (!IsMint(list[a], rb.ChainId, out CrossRollupMessage? first)) continue;
                    for (int b = a + 1; b < list.Count; b++)
                    {
                        if (!IsMint(list[b], rb.ChainId, out CrossRollupMessage? second) || second!.Source != first!.Source) continue;
                        // Deliver the second message's fields first, each under the nonce the inbox expects at its slot.
                        list[a] = Redeliver(list[a], second, first.Nonce, rb.ChainId);
                        list[b] = Redeliver(list[b], first, second.Nonce, rb.ChainId);
                        return (list, senders, $"mints #{first.Nonce} and #{second.Nonce} from chain {first.Source} to chain {rb.ChainId} delivered in swapped order");
                    }
                }
                return null;
            case FaultKind.MintWithoutBurn:
            {
                ulong source = 0;
                foreach (RollupBlock other in sb.Blocks) if (other.ChainId != rb.ChainId) { source = other.ChainId; break; }
                if (source == 0) return null;
                // The nonce the inbox expects next, so the forged delivery succeeds.
                ulong nonce = MessageTreesLayout.ReadInboxCount(honestState.World, source);
                byte[] data = SystemCalldata.Mint(source, nonce, Address.Zero, fault.Recipient, fault.Recipient, fault.Amount);
                Transaction forged = SystemTransaction.Create(rb.ChainId, source, Hash256.Zero, nonce, SystemAddresses.MintBurn, CrossRollupMessage.MintDeliveryGas, data);
                // Before the block's closing protocol call to MessageTrees (the end-of-block fold that writes the roots),
                // when there is one, so the forged leaf reaches the inbox root like an honest delivery.
                int at = list.Count;
                if (at > 0 && list[at - 1].IsSystem && list[at - 1].To == SystemAddresses.MessageTrees) at--;
                list.Insert(at, forged);
                senders.Insert(at, SystemTransaction.ProtocolSender);
                return (list, senders, $"mint #{nonce} of {fault.Amount} wei from chain {source} to {fault.Recipient} on chain {rb.ChainId} without a burn (tx {forged.Hash})");
            }
            case FaultKind.DropDeposit:
            {
                int k = FirstDeposit(list);
                if (k < 0) return null;
                list.RemoveAt(k);
                senders.RemoveAt(k);
                return (list, senders, $"deposit #{txs[k].MessageNonce} left out of chain {rb.ChainId}'s block (tx {txs[k].Hash})");
            }
            case FaultKind.ForgeDeposit:
            {
                int k = FirstDeposit(list);
                if (k < 0 || !TryDoubleDepositAmount(list[k], out Transaction? forged)) return null;
                list[k] = forged!;
                return (list, senders, $"deposit #{txs[k].MessageNonce} on chain {rb.ChainId} executed with twice its amount (tx {forged!.Hash} instead of {txs[k].Hash})");
            }
            case FaultKind.ReorderDeposits:
            {
                int a = FirstDeposit(list);
                if (a < 0 || a + 1 >= list.Count || !IsDeposit(list[a + 1])) return null;
                (list[a], list[a + 1]) = (list[a + 1], list[a]);
                return (list, senders, $"deposits #{txs[a].MessageNonce} and #{txs[a + 1].MessageNonce} on chain {rb.ChainId} executed in swapped order");
            }
            case FaultKind.MisattributeDelivery:
                for (int k = 0; k < list.Count; k++)
                {
                    Transaction d = list[k];
                    if (!d.IsSystem || d.SourceChainId == rb.ChainId || (d.To != SystemAddresses.MintBurn && d.To != SystemAddresses.Messenger)) continue;
                    Hash256 fake = Keccak256.Compute(d.SourceTxHash.ToArray());
                    list[k] = SystemTransaction.Create(rb.ChainId, d.SourceChainId, fake, d.MessageNonce, d.To!.Value, d.GasLimit, d.Data);
                    return (list, senders, $"delivery #{d.MessageNonce} from chain {d.SourceChainId} on chain {rb.ChainId} names source tx {fake} instead of {d.SourceTxHash}");
                }
                return null;
            case FaultKind.SkipFold:
                if (list.Count == 0 || !IsFold(list[^1])) return null;
                list.RemoveAt(list.Count - 1);
                senders.RemoveAt(senders.Count - 1);
                return (list, senders, $"end-of-block fold left out of chain {rb.ChainId}'s block {rb.Built.Block.Header.Number}");
            default:
                return null;
        }
    }

    // An L1 deposit's protocol transaction: to L2Bridge (Settlement's DepositDeriver rule).
    private static bool IsDeposit(Transaction tx) => tx.IsSystem && tx.To == SystemAddresses.L2Bridge;

    private static bool IsFold(Transaction tx) => tx.IsSystem && tx.To == SystemAddresses.MessageTrees;

    private static int FirstDeposit(List<Transaction> list)
    {
        for (int k = 0; k < list.Count; k++) if (IsDeposit(list[k])) return k;
        return -1;
    }

    // finalizeDeposit(uint256 depositIndex, address from, address to, address token, uint256 amount, bytes data):
    // the amount is the fifth head word.
    private static bool TryDoubleDepositAmount(Transaction deposit, out Transaction? forged)
    {
        forged = null;
        byte[] data = deposit.Data.ToArray();
        const int amountAt = 4 + 4 * 32;
        if (data.Length < amountAt + 32) return false;
        UInt256 amount = new(data.AsSpan(amountAt, 32));
        (amount * new UInt256(2)).WriteBigEndian(data.AsSpan(amountAt, 32));
        forged = SystemTransaction.Create((ulong)(deposit.ChainId ?? UInt256.Zero), deposit.SourceChainId, deposit.SourceTxHash, deposit.MessageNonce, deposit.To!.Value, deposit.GasLimit, data);
        return true;
    }

    private static bool IsMint(Transaction tx, ulong chainId, out CrossRollupMessage? message)
    {
        message = null;
        if (tx.Type != TxType.System || tx.To is not { } to) return false;
        if (!CrossRollupMessage.TryDecodeDelivery(to, tx.Data.Span, chainId, out CrossRollupMessage m) || m.Kind != MessageKind.Mint) return false;
        message = m;
        return true;
    }

    private static Transaction Redeliver(Transaction original, CrossRollupMessage fields, ulong nonce, ulong chainId)
    {
        byte[] data = SystemCalldata.Mint(fields.Source, nonce, fields.Token, fields.From, fields.To, fields.Amount);
        return SystemTransaction.Create(chainId, fields.Source, original.SourceTxHash, nonce, SystemAddresses.MintBurn, original.GasLimit, data);
    }

    private static BuiltBlock Rebuild(RollupInput input, SuperblockAttributes attributes, ChainState state, List<Transaction> txs, List<Address> senders)
    {
        var builder = new BlockBuilder(input.ChainId) { BlockHashes = input.BlockHashes };
        BlockInProgress block = builder.Begin(input.Parent, state.World, new BlockAttributes
        {
            Coinbase = attributes.Coinbase,
            Timestamp = attributes.Timestamp,
            GasLimit = input.GasLimit,
            PrevRandao = attributes.PrevRandao,
            ExtraData = attributes.ExtraData,
            ParentBeaconBlockRoot = attributes.ParentBeaconBlockRoot,
        });
        var skipped = new List<SkippedTransaction>();
        for (int k = 0; k < txs.Count; k++)
        {
            if (txs[k].Type == TxType.System) block.TryAddSystem(txs[k], out _);
            else if (!block.TryAdd(txs[k], senders[k], out _, out InvalidTransactionReason invalid))
                skipped.Add(new SkippedTransaction(k, txs[k], TransactionError.None, invalid));
        }
        return block.Seal(skipped);
    }
}
