using System.Runtime.InteropServices;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.Chain;

/// <summary>
/// A block being built transaction by transaction (<see cref="BlockBuilder.Begin"/>): user transactions
/// (<see cref="TryAdd"/>), protocol transactions (<see cref="TryAddSystem"/>), bundles of them that are kept or
/// undone together with the state (<see cref="BeginBundle"/>, <see cref="CommitBundle"/>, <see cref="RevertBundle"/>),
/// then <see cref="Seal"/>. The shared sequencer keeps one per rollup of a superblock.
/// </summary>
public sealed class BlockInProgress
{
    private readonly BlockHeader _parent;
    private readonly BlockAttributes _attributes;
    private readonly TransactionProcessor _processor;
    private readonly List<Transaction> _included;
    private readonly List<Address> _senders;
    private readonly List<Receipt> _receipts;
    private readonly List<TransactionResult> _results;
    private ulong _gasUsed, _blobGasUsed;
    private bool _sealed;
    // Lengths and gas at BeginBundle, restored by RevertBundle.
    private int _bundleCount = -1;
    private ulong _bundleGas, _bundleBlobGas;

    internal BlockInProgress(ulong chainId, BlockHeader parent, WorldState state, BlockAttributes attributes, Lockstep.Evm.IBlockHashProvider? blockHashes,
        Lockstep.Evm.VirtualMachine? vm = null)
    {
        _parent = parent;
        _attributes = attributes;
        // Capped so a generous hint never puts the lists on the large-object heap by itself (85,000 bytes: 4,000
        // 20-byte senders); a larger block grows them as it goes.
        int capacity = Math.Clamp(attributes.ExpectedTransactions, 0, 4000);
        _included = new List<Transaction>(capacity);
        _senders = new List<Address>(capacity);
        _receipts = new List<Receipt>(capacity);
        _results = new List<TransactionResult>(capacity);
        ChainId = chainId;
        GasLimit = attributes.GasLimit ?? parent.GasLimit;
        BaseFee = FeeRules.NextBaseFee(parent);
        ExcessBlobGas = FeeRules.NextExcessBlobGas(parent);
        Environment = new BlockEnvironment
        {
            Coinbase = attributes.Coinbase,
            Number = parent.Number + 1,
            Timestamp = attributes.Timestamp,
            GasLimit = (long)GasLimit,
            BaseFee = BaseFee,
            PrevRandao = attributes.PrevRandao.ToUInt256(),
            ExcessBlobGas = ExcessBlobGas,
            ChainId = new UInt256(chainId),
            BlockHashes = blockHashes,
        };
        _processor = new TransactionProcessor(state, Environment, vm);
        BlockBuilder.ApplyBeaconRoot(state, _processor.BlockContext, attributes.ParentBeaconBlockRoot, vm);
    }

    /// <summary>The chain the block belongs to.</summary>
    public ulong ChainId { get; }
    /// <summary>The block's number.</summary>
    public ulong Number => Environment.Number;
    /// <summary>The execution environment (coinbase, number, timestamp, base fee...).</summary>
    public BlockEnvironment Environment { get; }
    /// <summary>The world state the block executes on.</summary>
    public WorldState State => _processor.State;
    /// <summary>The block gas limit.</summary>
    public ulong GasLimit { get; }
    /// <summary>EIP-1559 base fee of the block.</summary>
    public UInt256 BaseFee { get; }
    /// <summary>EIP-4844 excess blob gas of the block.</summary>
    public ulong ExcessBlobGas { get; }
    /// <summary>Gas used so far by included user and system transactions.</summary>
    public ulong GasUsed => _gasUsed;
    /// <summary>Gas still available in the block.</summary>
    public ulong GasRemaining => GasLimit - _gasUsed;
    /// <summary>Transactions included so far.</summary>
    public IReadOnlyList<Transaction> Transactions => _included;
    /// <summary>Receipts of the included transactions so far.</summary>
    public IReadOnlyList<Receipt> Receipts => _receipts;
    /// <summary>True while a bundle is open.</summary>
    public bool InBundle => _bundleCount >= 0;

    /// <summary>
    /// Validates and executes a user transaction with its recovered <paramref name="sender"/>. Returns false with the
    /// reason (state unchanged) when it cannot be included: the block's remaining gas or blob gas, or any rule of
    /// <see cref="TransactionProcessor"/>. A transaction that reverts is included (with a failed receipt).
    /// </summary>
    public bool TryAdd(Transaction tx, in Address sender, out TransactionResult result, out InvalidTransactionReason invalid)
    {
        EnsureOpen();
        result = null!;
        if (tx.IsSystem) throw new ArgumentException("protocol transactions go through TryAddSystem", nameof(tx));
        // Block-level limits (Yellow Paper 6.2: gas limit within the block's remaining gas; EIP-4844 blob gas cap).
        if (tx.GasLimit > GasLimit - _gasUsed) { invalid = InvalidTransactionReason.GasLimitExceedsBlock; return false; }
        if (tx.BlobGas > FeeRules.MaxBlobGasPerBlock - _blobGasUsed) { invalid = InvalidTransactionReason.TooManyBlobs; return false; }
        if (!_processor.TryExecute(tx.ToInput(sender), out result, out invalid)) return false;
        _blobGasUsed += tx.BlobGas;
        Append(tx, sender, result);
        return true;
    }

    /// <summary>
    /// Executes a protocol transaction (type 0x7F) and includes it, whatever its outcome (a failed delivery has a
    /// failed receipt; the sequencer then reverts the bundle). Its gas counts toward the block: it returns false,
    /// changing nothing, when its gas limit exceeds the block's remaining gas.
    /// </summary>
    /// <exception cref="ArgumentException">Not a system transaction, or one for another chain.</exception>
    public bool TryAddSystem(Transaction systemTx, out TransactionResult result)
    {
        EnsureOpen();
        if (!systemTx.IsSystem || systemTx.To is not { } to) throw new ArgumentException("not a protocol transaction with a recipient", nameof(systemTx));
        if (systemTx.ChainId != new UInt256(ChainId)) throw new ArgumentException($"protocol transaction for chain {systemTx.ChainId}, block of chain {ChainId}", nameof(systemTx));
        result = null!;
        if (systemTx.GasLimit > GasLimit - _gasUsed) return false;
        // The calldata array itself when the transaction holds a whole one (the sequencer's deliveries): no copy per leg.
        byte[] data = MemoryMarshal.TryGetArray(systemTx.Data, out ArraySegment<byte> whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
            ? whole.Array
            : systemTx.Data.ToArray();
        result = _processor.ExecuteSystem(to, data, systemTx.GasLimit);
        Append(systemTx, SystemTransaction.ProtocolSender, result);
        return true;
    }

    private void Append(Transaction tx, in Address sender, TransactionResult result)
    {
        _gasUsed += (ulong)result.GasUsed;
        _included.Add(tx);
        _senders.Add(sender);
        _receipts.Add(Receipt.Create((byte)tx.Type, result.Success, _gasUsed, result.Logs));
        _results.Add(result);
    }

    /// <summary>
    /// Opens a bundle: everything added until <see cref="CommitBundle"/> or <see cref="RevertBundle"/> is kept or
    /// undone together: state (<see cref="WorldState.BeginBundle"/>), transactions, receipts, gas.
    /// </summary>
    public void BeginBundle()
    {
        EnsureOpen();
        if (InBundle) throw new InvalidOperationException("a bundle is already open");
        State.BeginBundle();
        _bundleCount = _included.Count;
        _bundleGas = _gasUsed;
        _bundleBlobGas = _blobGasUsed;
    }

    /// <summary>Keeps the bundle's transactions.</summary>
    public void CommitBundle()
    {
        if (!InBundle) throw new InvalidOperationException("no bundle is open");
        State.CommitBundle();
        _bundleCount = -1;
    }

    /// <summary>Undoes the bundle: the state, transactions, receipts and gas are as at <see cref="BeginBundle"/>.</summary>
    public void RevertBundle()
    {
        if (!InBundle) throw new InvalidOperationException("no bundle is open");
        State.RevertBundle();
        int n = _included.Count - _bundleCount;
        _included.RemoveRange(_bundleCount, n);
        _senders.RemoveRange(_bundleCount, n);
        _receipts.RemoveRange(_bundleCount, n);
        _results.RemoveRange(_bundleCount, n);
        _gasUsed = _bundleGas;
        _blobGasUsed = _bundleBlobGas;
        _bundleCount = -1;
    }

    /// <summary>
    /// Seals the header (state root, transactions and receipts roots, bloom, gas) and returns the block. The state
    /// is left at the block's post-state. Skipped transactions are the caller's business (empty here).
    /// </summary>
    public BuiltBlock Seal(IReadOnlyList<SkippedTransaction>? skipped = null)
    {
        EnsureOpen();
        if (InBundle) throw new InvalidOperationException("commit or revert the open bundle before sealing");
        _sealed = true;
        // The receipts root visits every receipt once, in key order; each one's bloom is ORed into the block's there.
        var bloom = new Bloom();
        Hash256 receiptsRoot = Block.ComputeReceiptsRoot(_receipts, bloom);
        var header = new BlockHeader
        {
            ParentHash = _parent.Hash,
            Coinbase = _attributes.Coinbase,
            StateRoot = State.ComputeStateRoot(),
            TransactionsRoot = Block.ComputeTransactionsRoot(_included),
            ReceiptsRoot = receiptsRoot,
            LogsBloom = bloom,
            Difficulty = UInt256.Zero, // EIP-3675: zero after the merge
            Number = Number,
            GasLimit = GasLimit,
            GasUsed = _gasUsed,
            Timestamp = _attributes.Timestamp,
            ExtraData = _attributes.ExtraData,
            MixHash = _attributes.PrevRandao,
            Nonce = 0,
            BaseFeePerGas = BaseFee,
            WithdrawalsRoot = Block.EmptyWithdrawalsRoot,
            BlobGasUsed = _blobGasUsed,
            ExcessBlobGas = ExcessBlobGas,
            ParentBeaconBlockRoot = _attributes.ParentBeaconBlockRoot,
        };
        return new BuiltBlock
        {
            Block = new Block(header, _included),
            Receipts = _receipts,
            Senders = _senders,
            Results = _results,
            Skipped = skipped ?? [],
        };
    }

    private void EnsureOpen()
    {
        if (_sealed) throw new InvalidOperationException("the block is sealed");
    }
}
