using System.Net;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;

namespace Lockstep.Devnet;

/// <summary>Settings of a <see cref="Devnet"/>; every default is what <c>lockstep devnet</c> runs with no flags.</summary>
public sealed class DevnetOptions
{
    /// <summary>Chain id of the first rollup; rollup i gets <c>FirstChainId + i</c>.</summary>
    public const ulong DefaultFirstChainId = 901;

    /// <summary>RPC port of the first rollup; rollup i listens on <c>BasePort + i</c>.</summary>
    public const int DefaultBasePort = 9545;

    /// <summary>RPC port of the embedded L1 (anvil's default).</summary>
    public const int DefaultL1Port = 8545;

    /// <summary>Run the embedded L1 (our own chain with the L1 contracts) and post every superblock to it.</summary>
    public bool EmbeddedL1 { get; init; } = true;

    /// <summary>RPC port of the embedded L1; null: <see cref="DefaultL1Port"/>, or a free port when <see cref="BasePort"/> is 0.</summary>
    public int? L1Port { get; init; }

    /// <summary>Challenge window of the L1 inbox in seconds (7 days on a real L1; a minute on a devnet).</summary>
    public ulong ChallengeWindowSeconds { get; init; } = 60;

    /// <summary>Longest wait before pending superblocks are posted to the L1.</summary>
    public double PostEverySeconds { get; init; } = 5;

    /// <summary>Where the compiled L1 contracts are; null: <c>contracts/artifacts</c> found above the working directory.</summary>
    public string? ArtifactsDir { get; init; }

    /// <summary>Number of rollups in the set (at least 2: the set exists to cross between rollups).</summary>
    public int Rollups { get; init; } = 2;

    /// <summary>See <see cref="DefaultFirstChainId"/>.</summary>
    public ulong FirstChainId { get; init; } = DefaultFirstChainId;

    /// <summary>Listen address of every RPC server (loopback by default).</summary>
    public IPAddress Host { get; init; } = IPAddress.Loopback;

    /// <summary>See <see cref="DefaultBasePort"/>; 0 gives every rollup a free port.</summary>
    public int BasePort { get; init; } = DefaultBasePort;

    /// <summary>
    /// Port of the explorer page and <c>/metrics</c> (on <see cref="Host"/>); null: the port below the first rollup's
    /// (<see cref="BasePort"/> - 1), or a free port when <see cref="BasePort"/> is 0.
    /// </summary>
    public int? ExplorerPort { get; init; }

    /// <summary>Where the rollups live (RocksDB under <c>rollups/</c>, the description in <c>devnet.json</c>).</summary>
    public required string DataDir { get; init; }

    /// <summary>Superblock cadence: <see cref="SuperblockCadence.Instant"/> (default) or every <see cref="BlockTime"/>.</summary>
    public SuperblockCadence Cadence { get; init; } = SuperblockCadence.Instant;

    /// <summary>Time between superblocks with <see cref="SuperblockCadence.Interval"/>.</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Mnemonic of the funded dev accounts (anvil's and Hardhat's test mnemonic by default).</summary>
    public string Mnemonic { get; init; } = DevAccounts.TestMnemonic;

    /// <summary>How many dev accounts to fund on every rollup.</summary>
    public int Accounts { get; init; } = 10;

    /// <summary>Lockstep Token (LST) given to each dev account on the first rollup, in the token's smallest unit.</summary>
    public UInt256 TokenPerAccount { get; init; } = UInt256.Parse("1000000000000000000000000"); // 1,000,000 LST (18 decimals)

    /// <summary>Most user transactions one rollup contributes to a superblock.</summary>
    public int MaxTransactionsPerRollup { get; init; } = 5_000;

    /// <summary>Per-sender pool limit (and the largest accepted nonce gap): scripts fire many transactions from one key.</summary>
    public int PoolPerSender { get; init; } = 1024;

    /// <summary>Pool limit per rollup.</summary>
    public int PoolSize { get; init; } = 100_000;

    /// <summary>Builder protection against senders of failing bundles (issue 8, <c>BundleAdmission</c>); null: off.</summary>
    public BundleAdmissionOptions? Admission { get; init; }

    /// <summary>Where the devnet logs (Devnet.Logging.cs); null: nowhere.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Genesis timestamp of every rollup (they share it so superblocks share theirs; fixed so a restart finds the same genesis).</summary>
    public ulong GenesisTimestamp { get; init; }
}
