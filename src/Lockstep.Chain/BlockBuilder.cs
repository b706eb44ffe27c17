using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.Chain;

/// <summary>The header values a block producer chooses; everything else is derived from the parent and the transactions.</summary>
public sealed class BlockAttributes
{
    public Address Coinbase { get; init; }
    public ulong Timestamp { get; init; }
    /// <summary>The new block's gas limit; null keeps the parent's.</summary>
    public ulong? GasLimit { get; init; }
    /// <summary>EIP-4399 PREVRANDAO (the header's mixHash).</summary>
    public Hash256 PrevRandao { get; init; }
    public byte[] ExtraData { get; init; } = [];
    /// <summary>EIP-4788 parent beacon block root of the header.</summary>
    public Hash256 ParentBeaconBlockRoot { get; init; }
    /// <summary>
    /// How many transactions the block will probably hold (a sizing hint, not a limit): the block's lists start at
    /// this capacity instead of doubling their way up, which left a copy of each list as garbage per doubling.
    /// </summary>
    public int ExpectedTransactions { get; init; }
}

/// <summary>A transaction left out of a block, with why: a signature/chain-id error or an execution-validity rule.</summary>
public readonly record struct SkippedTransaction(int Index, Transaction Transaction, TransactionError SignatureError, InvalidTransactionReason InvalidReason);

/// <summary>The output of <see cref="BlockBuilder.Build"/>.</summary>
public sealed class BuiltBlock
{
    public required Block Block { get; init; }
    /// <summary>One receipt per included transaction, in block order.</summary>
    public required IReadOnlyList<Receipt> Receipts { get; init; }
    /// <summary>The recovered sender of each included transaction.</summary>
    public required IReadOnlyList<Address> Senders { get; init; }
    /// <summary>Each included transaction's execution result (gas, output, created contract).</summary>
    public required IReadOnlyList<TransactionResult> Results { get; init; }
    public required IReadOnlyList<SkippedTransaction> Skipped { get; init; }
}

/// <summary>
/// Builds a Cancun block on a parent: executes the candidate transactions in order against the world state,
/// includes the valid ones (an invalid one is skipped whole: validation only reads the state), and seals the
/// header with the transactions, receipts and withdrawals roots, logs bloom, gas used, blob gas and state root.
/// </summary>
public sealed class BlockBuilder
{
    private readonly ulong _chainId;

    public BlockBuilder(ulong chainId) => _chainId = chainId;

    /// <summary>The chain id transactions must sign for (EIP-155 / typed transactions).</summary>
    public ulong ChainId => _chainId;

    /// <summary>BLOCKHASH source for the executed code; null answers zero for every block.</summary>
    public IBlockHashProvider? BlockHashes { get; init; }

    /// <summary>
    /// The interpreter the blocks begun here execute on; null gives each block its own. The shared sequencer passes one
    /// for every rollup of a superblock: the system contracts have the same code on every rollup, so their code analysis
    /// is cached once, and the interpreter's stacks and memory stay warm in the CPU caches across the rollups' bundles.
    /// Not thread-safe: blocks sharing one must be executed on one thread at a time.
    /// </summary>
    public VirtualMachine? Vm { get; init; }

    /// <summary>Threads for sender recovery (-1: all cores, 1: the calling thread only).</summary>
    public int MaxRecoveryParallelism { get; init; } = -1;

    /// <summary>EIP-4788: BEACON_ROOTS_ADDRESS, the contract that keeps recent parent beacon block roots.</summary>
    public static readonly Address BeaconRootsAddress = Address.FromHex("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02");

    /// <summary>EIP-4788: SYSTEM_ADDRESS, the caller of the block-start system call.</summary>
    public static readonly Address SystemAddress = Address.FromHex("0xfffffffffffffffffffffffffffffffffffffffe");

    /// <summary>EIP-4788: gas of the system call (not counted in the block's gas used).</summary>
    public const long SystemCallGas = 30_000_000;

    /// <summary>
    /// EIP-4788: before any transaction, call BEACON_ROOTS_ADDRESS from SYSTEM_ADDRESS with the parent beacon block
    /// root as calldata, 30M gas, no value and no fee; skipped when the contract has no code. Its gas does not count
    /// toward the block and its state changes are committed like a transaction's.
    /// </summary>
    public static void ApplyBeaconRoot(WorldState state, BlockContext context, Hash256 parentBeaconBlockRoot, VirtualMachine? interpreter = null)
    {
        if (state.GetCodeHash(BeaconRootsAddress) == Keccak256.EmptyHash) return;
        VirtualMachine vm = interpreter ?? new VirtualMachine();
        vm.Reset(state, context, new TxContext { Origin = SystemAddress });
        state.WarmAddress(SystemAddress);
        state.WarmAddress(BeaconRootsAddress);
        vm.Call(SystemAddress, BeaconRootsAddress, BeaconRootsAddress, UInt256.Zero, false, parentBeaconBlockRoot.ToArray(), SystemCallGas, 0, false, 0);
        state.CommitTransaction();
    }

    /// <summary>
    /// Starts a block on <paramref name="parent"/> over <paramref name="state"/> (the parent's post-state,
    /// committed): runs the EIP-4788 beacon-roots call, then takes transactions one by one. <see cref="Build"/> is
    /// this plus the candidates in order.
    /// </summary>
    public BlockInProgress Begin(BlockHeader parent, WorldState state, BlockAttributes attributes) =>
        new(_chainId, parent, state, attributes, BlockHashes, Vm);

    /// <summary>
    /// Executes <paramref name="candidates"/> on <paramref name="state"/> (the parent's post-state, committed) and
    /// returns the sealed block. The state is left at the new block's post-state.
    /// </summary>
    public BuiltBlock Build(BlockHeader parent, WorldState state, IReadOnlyList<Transaction> candidates, BlockAttributes attributes)
    {
        BlockInProgress block = Begin(parent, state, attributes);
        var skipped = new List<SkippedTransaction>();

        // Signatures do not depend on the state, so every sender is recovered up front, in parallel.
        var recovered = new Address[candidates.Count];
        var sigErrors = new TransactionError[candidates.Count];
        SenderRecovery.RecoverAll(candidates, _chainId, recovered, sigErrors, MaxRecoveryParallelism);

        for (int i = 0; i < candidates.Count; i++)
        {
            Transaction tx = candidates[i];
            if (sigErrors[i] != TransactionError.None)
            {
                skipped.Add(new SkippedTransaction(i, tx, sigErrors[i], InvalidTransactionReason.None));
                continue;
            }
            if (!block.TryAdd(tx, recovered[i], out _, out InvalidTransactionReason invalid))
                skipped.Add(new SkippedTransaction(i, tx, TransactionError.None, invalid));
        }
        return block.Seal(skipped);
    }
}
