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

    /// <summary>
    /// Dev mode only (issue 7, <see cref="DevnetFaults"/>): faults the sequencer plays on purpose, for demonstrations of
    /// the verifier and tests (<c>--inject-fault drop-mint@2</c>); null or empty: an honest sequencer. Refused at start
    /// when the L1 is not a development chain.
    /// </summary>
    public IReadOnlyList<InjectedFault>? Faults { get; init; }

    /// <summary>Where the devnet logs (Devnet.Logging.cs); null: nowhere.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// An external L1 (anvil, a testnet) instead of the embedded one: the devnet posts there and reads deposits from
    /// there. The contracts are given (<see cref="L1Inbox"/>, <see cref="L1Bridge"/>, ...; the sequencer already bonded)
    /// or deployed at first start from <see cref="L1DeployerKey"/> (kept in <c>l1-deployment.json</c>).
    /// </summary>
    public Uri? L1Rpc { get; init; }

    /// <summary>With <see cref="L1Rpc"/>: a funded L1 key that deploys the contracts at first start and funds the sequencer's bond (10 ETH).</summary>
    public byte[]? L1DeployerKey { get; init; }

    /// <summary>With <see cref="L1Rpc"/>: the deployed L1SharedInbox.</summary>
    public Address? L1Inbox { get; init; }

    /// <summary>With <see cref="L1Rpc"/>: the deployed L1Bridge.</summary>
    public Address? L1Bridge { get; init; }

    /// <summary>With <see cref="L1Rpc"/>: the deployed L1LockstepToken (named in the rollups' genesis; null: LST is not bridged).</summary>
    public Address? L1Token { get; init; }

    /// <summary>With <see cref="L1Rpc"/>: the deployed L1SequencerRegistry (only described).</summary>
    public Address? L1Registry { get; init; }

    /// <summary>Deposits are read from L1 blocks at least this many blocks below the L1 head (0 on a devnet).</summary>
    public ulong L1Confirmations { get; init; }

    /// <summary>Set at start with <see cref="L1Rpc"/>: the L1 token of the deployment in use.</summary>
    internal Address ExternalL1Token { get; set; }

    /// <summary>Genesis timestamp of every rollup (they share it so superblocks share theirs; fixed so a restart finds the same genesis).</summary>
    public ulong GenesisTimestamp { get; init; }
}
