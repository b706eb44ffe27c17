using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.Sequencer;

/// <summary>One rollup of a superblock to build: its chain, parent, state and candidate user transactions.</summary>
public sealed class RollupInput
{
    /// <summary>The rollup's chain id (a member of the set).</summary>
    public required ulong ChainId { get; init; }
    /// <summary>The parent block header; every rollup's parent must have the same number (one superblock height).</summary>
    public required BlockHeader Parent { get; init; }
    /// <summary>The world state at the parent's state root, committed; left at the new block's post-state.</summary>
    public required WorldState State { get; init; }
    /// <summary>Candidate user transactions in pool order (e.g. <c>TransactionPool.SelectForBlock</c>).</summary>
    public IReadOnlyList<Transaction> Transactions { get; init; } = [];
    /// <summary>
    /// The recovered sender of each candidate (same length), when the pool already has them; null: recovered here
    /// (a transaction whose signature does not verify is then reported <see cref="BundleOutcome.Invalid"/>).
    /// </summary>
    public IReadOnlyList<Address>? Senders { get; init; }
    /// <summary>BLOCKHASH source for this rollup (e.g. its <see cref="ChainStore"/>); null answers zero.</summary>
    public Lockstep.Evm.IBlockHashProvider? BlockHashes { get; init; }
    /// <summary>The block gas limit; null keeps the parent's.</summary>
    public ulong? GasLimit { get; init; }
    /// <summary>L1 deposits (0x7F <c>L2Bridge.finalizeDeposit</c> transactions) executed first, in order (<see cref="Deposits"/>).</summary>
    public IReadOnlyList<Transaction> Deposits { get; set; } = [];
}

/// <summary>Header values shared by every block of a superblock.</summary>
public sealed class SuperblockAttributes
{
    /// <summary>The one timestamp of every block of the superblock.</summary>
    public required ulong Timestamp { get; init; }
    /// <summary>Fee recipient on every rollup (the sequencer).</summary>
    public Address Coinbase { get; init; }
    /// <summary>EIP-4399 PREVRANDAO of every block.</summary>
    public Hash256 PrevRandao { get; init; }
    /// <summary>EIP-4788 parent beacon block root of every block.</summary>
    public Hash256 ParentBeaconBlockRoot { get; init; }
    /// <summary>Header extra data of every block.</summary>
    public byte[] ExtraData { get; init; } = [];
}

/// <summary>What became of one user transaction.</summary>
public enum BundleOutcome
{
    /// <summary>Included, succeeded, and every cross-rollup delivery it caused (its legs) succeeded in this superblock.</summary>
    Included,
    /// <summary>Included with a failed receipt: it reverted by itself, so it sent no messages (its logs are gone). Nonce and fee are taken.</summary>
    IncludedReverted,
    /// <summary>Left out because a delivery failed: every rollup was reverted to before it; no nonce, no fee, no trace.</summary>
    Rejected,
    /// <summary>Left out because it is not includable (signature, nonce, funds, fees, block gas): the state was never touched.</summary>
    Invalid,
}

/// <summary>One transaction of a bundle: the user transaction (depth 0) or a protocol delivery (depth 1 and more).</summary>
/// <param name="ChainId">The rollup it executed on.</param>
/// <param name="TxHash">Its hash (a user transaction's, or the 0x7F system transaction's).</param>
/// <param name="Depth">0 for the user transaction, n for a delivery caused n hops away.</param>
/// <param name="SourceChainId">For a delivery: the rollup that sent the message.</param>
/// <param name="MessageNonce">For a delivery: the message nonce of its (source, destination) pair.</param>
/// <param name="MessageHash">For a delivery: the message hash (the tree leaf).</param>
public readonly record struct BundleLeg(ulong ChainId, Hash256 TxHash, int Depth, ulong SourceChainId, ulong MessageNonce, Hash256 MessageHash);

/// <summary>The report for one user transaction: included with its legs, or rejected/invalid with the reason.</summary>
public sealed class BundleReport
{
    /// <summary>The rollup the user transaction was sent to.</summary>
    public required ulong ChainId { get; init; }
    /// <summary>The user transaction.</summary>
    public required Transaction Transaction { get; init; }
    /// <summary>Its hash.</summary>
    public Hash256 TxHash => Transaction.Hash;
    /// <summary>The outcome.</summary>
    public required BundleOutcome Outcome { get; init; }
    /// <summary>Every transaction kept for it, user transaction first, then deliveries in execution order (empty unless included).</summary>
    public IReadOnlyList<BundleLeg> Legs { get; init; } = [];
    /// <summary>Why it was rejected or invalid (for a rejection: which leg failed and its decoded revert reason); null when included.</summary>
    public string? Reason { get; init; }
    /// <summary>For a rejection: the leg that failed (its chain, system transaction hash, depth); null otherwise.</summary>
    public BundleLeg? FailedLeg
    {
        get => _failedLeg?[0];
        init => _failedLeg = value is { } leg ? [leg] : null;
    }

    // Held outside the report: a BundleLeg? field would add ~100 bytes to every report, and only rejections have one
    // (a superblock keeps a report per user transaction until it is stored; issue 4's allocation profile).
    private readonly BundleLeg[]? _failedLeg;
}

/// <summary>One rollup's sealed block of a superblock.</summary>
/// <param name="ChainId">The rollup.</param>
/// <param name="Built">The block, receipts, senders and results.</param>
public sealed record RollupBlock(ulong ChainId, BuiltBlock Built);

/// <summary>A superblock: one block per rollup, same height and timestamp, built together, and a report per user transaction.</summary>
public sealed class Superblock
{
    /// <summary>The block number of every block.</summary>
    public required ulong Height { get; init; }
    /// <summary>The timestamp of every block.</summary>
    public required ulong Timestamp { get; init; }
    /// <summary>One block per rollup, in the order of the inputs.</summary>
    public required IReadOnlyList<RollupBlock> Blocks { get; init; }
    /// <summary>One report per candidate user transaction, in the global execution order.</summary>
    public required IReadOnlyList<BundleReport> Bundles { get; init; }

    /// <summary>The block of rollup <paramref name="chainId"/>.</summary>
    public BuiltBlock BlockOf(ulong chainId)
    {
        foreach (RollupBlock b in Blocks) if (b.ChainId == chainId) return b.Built;
        throw new KeyNotFoundException($"chain {chainId} is not in this superblock");
    }
}
