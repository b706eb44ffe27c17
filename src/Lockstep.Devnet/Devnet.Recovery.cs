using System.Diagnostics;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet resumes after a proven fraud (issue 6, docs/recovery.md): a second sequencer key, the
/// <see cref="StandbyL1Account"/>, is bonded on L1 right after the sequencer at deployment, so that when the verifier
/// gets the sequencer slashed the registry still has a leader. Before every poster round (<see cref="BatchPosterOptions.BeforeRound"/>)
/// the devnet reads the L1 leader, runs <see cref="SetRecovery.CheckAsync"/> (a rejection rewinds the set to the last
/// good superbatch and rebuilds the rejected superblocks honestly) and every few seconds
/// <see cref="SetRecovery.SyncFinalityAsync"/>, then posts with the key of whichever of its two sequencers leads: the
/// successor after a slashing, and in turn every epoch of the registry's round robin (1000 L1 blocks) otherwise.
/// </summary>
public sealed partial class Devnet
{
    private static readonly UInt256 StandbyBond = UInt256.Parse("1000000000000000000"); // the registry's minBond (L1Deployer)
    private static readonly UInt256 StandbyFunding = UInt256.Parse("2000000000000000000"); // the bond and its postings' gas
    private static readonly TimeSpan FinalitySyncInterval = TimeSpan.FromSeconds(5);

    private SetRecovery? _recovery;
    private ILogger _recoveryLog = NullLogger.Instance;
    private DevAccount? _standby;
    private long _lastFinalitySync;
    private Address? _reportedLeader;

    /// <summary>
    /// The second sequencer's L1 account: the mnemonic's account after the sequencer's (index
    /// <see cref="DevnetOptions.Accounts"/> + 1, not printed among the dev accounts). Bonded at deployment after the
    /// sequencer; it continues the set when the sequencer is slashed.
    /// </summary>
    public DevAccount StandbyL1Account => _standby ??= DevAccounts.Derive(Options.Mnemonic, Options.Accounts + 2)[Options.Accounts + 1];

    /// <summary>True once the <see cref="StandbyL1Account"/> is bonded on L1 (false without an L1 or a known registry).</summary>
    public bool StandbyBonded { get; private set; }

    /// <summary>The recoveries this devnet made after proven frauds, oldest first.</summary>
    public IReadOnlyList<RecoveryReport> Recoveries { get { lock (_recoveries) return [.. _recoveries]; } }

    private readonly List<RecoveryReport> _recoveries = [];

    /// <summary>Raised after the set was rewound and rebuilt following a rejection on L1.</summary>
    public event Action<RecoveryReport>? Recovered;

    /// <summary>
    /// Bonds the standby sequencer (first start: funded by the deployer key, or the sequencer's on the embedded L1) and
    /// creates the recovery watcher. A failure to bond is logged and leaves the devnet running with one sequencer.
    /// </summary>
    private async Task StartRecoveryAsync(IL1Client client, CancellationToken cancel)
    {
        _recoveryLog = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Lockstep.Devnet");
        L1Deployment d = L1Contracts!;
        _recovery = new SetRecovery(client, d.Inbox, Sequencer, _posterDb!);
        _recovery.Recovered += OnRecovered;
        // The explorer shows the rebuilt superblocks, not the rejected ones (they arrive again through SuperblockSealed).
        Sequencer.Rewound += ExplorerFeed.Rewind;
        if (d.Registry == Address.Zero)
        {
            _recoveryLog.LogWarning("no standby sequencer: the L1 registry's address is not known (--l1-registry); a proven fraud stalls the set");
            return;
        }
        Address standby = StandbyL1Account.Address;
        try
        {
            byte[] bond = await client.CallAsync(d.Registry, SequencerRegistry.Bonds(standby), null, cancel).ConfigureAwait(false);
            bool bonded = bond.Length >= 128 && !new UInt256(bond.AsSpan(0, 32)).IsZero;
            bool slashed = bond.Length >= 128 && !new UInt256(bond.AsSpan(96, 32)).IsZero;
            if (!bonded && !slashed)
            {
                // The standby key has no L1 ETH of its own; the sequencer (funded at the embedded L1's genesis or by the
                // deployer) or the deployer pays for its bond. Bonded after the sequencer: the sequencer leads epoch 0.
                byte[] funder = Options.L1DeployerKey ?? SequencerL1Account.PrivateKey;
                await new L1Wallet(client, funder).SendCheckedAsync(standby, [], StandbyFunding, cancel).ConfigureAwait(false);
                await new L1Wallet(client, StandbyL1Account.PrivateKey).SendCheckedAsync(d.Registry, SequencerRegistry.Bond(), StandbyBond, cancel).ConfigureAwait(false);
                bonded = true;
            }
            StandbyBonded = bonded;
            if (bonded) _recoveryLog.LogInformation("standby sequencer {Standby} bonded on L1 (continues the set if {Sequencer} is slashed)", standby, SequencerL1Account.Address);
            else _recoveryLog.LogWarning("standby sequencer {Standby} was slashed earlier: no successor if {Sequencer} is slashed", standby, SequencerL1Account.Address);
        }
        catch (Exception e) when (e is L1Exception or HttpRequestException)
        {
            _recoveryLog.LogWarning("standby sequencer {Standby} could not be bonded ({Error}): a proven fraud stalls the set", standby, e.Message);
        }
    }

    /// <summary>
    /// Before each poster round: the L1 leader first, THEN the rejections: a slashing the leader read shows is in a block
    /// the rejection scan covers, so the successor's key never posts superblocks built on the rejected state.
    /// </summary>
    private async Task BeforePosterRoundAsync(CancellationToken cancel)
    {
        if (_recovery is not { } recovery || Poster is not { } poster || L1Client is not { } client || L1Contracts is not { } d) return;
        Address? leader = null;
        if (d.Registry != Address.Zero)
            leader = new Address((await client.CallAsync(d.Registry, SequencerRegistry.CurrentLeader(), null, cancel).ConfigureAwait(false)).AsSpan(12, 20));
        await recovery.CheckAsync(cancel).ConfigureAwait(false); // logs through OnRecovered
        if (Stopwatch.GetElapsedTime(_lastFinalitySync) >= FinalitySyncInterval)
        {
            await recovery.SyncFinalityAsync(cancel).ConfigureAwait(false);
            _lastFinalitySync = Stopwatch.GetTimestamp();
        }
        if (leader is not { } now || now == poster.Sender) return;
        byte[]? key = now == SequencerL1Account.Address ? SequencerL1Account.PrivateKey
            : now == StandbyL1Account.Address ? StandbyL1Account.PrivateKey : null;
        if (key is null)
        {
            if (_reportedLeader != now)
                _recoveryLog.LogWarning(now == Address.Zero ? "no bonded sequencer left on L1: superblocks are no longer posted"
                    : "the L1 leader {Leader} is not one of this devnet's sequencers: posting waits for our turn", now);
            _reportedLeader = now;
            return;
        }
        await poster.UseSequencerKeyAsync(key, disarmFaults: !Sequencer.FaultsArmed, cancel).ConfigureAwait(false);
        _reportedLeader = now;
        _recoveryLog.LogInformation("posting as {Sequencer} (the L1 leader now)", now);
    }

    private void OnRecovered(RecoveryReport r)
    {
        lock (_recoveries) _recoveries.Add(r);
        _recoveryLog.LogWarning("fraud proven on L1: the superbatches after superblock {LastGood} were rejected", r.LastGoodHeight);
        _recoveryLog.LogWarning("rewound to superblock {LastGood} (was at {Rejected}); faults disarmed", r.LastGoodHeight, r.RejectedHeight);
        ulong first = r.Rebuilt.Count > 0 ? r.Rebuilt[0].Height : 0, last = r.Rebuilt.Count > 0 ? r.Rebuilt[^1].Height : 0;
        _recoveryLog.LogWarning("rebuilt {Count} superblocks ({First}-{Last}) honestly, {Reincluded} transactions re-included, {Dropped} dropped",
            r.Rebuilt.Count, first, last, r.Reincluded, r.Dropped.Count);
        foreach (DroppedTransaction t in r.Dropped)
            _recoveryLog.LogWarning("dropped transaction {TxHash} on chain {ChainId} (was in superblock {Height}): {Reason}", t.Transaction.Hash, t.ChainId, t.OriginalHeight, t.Reason);
        Recovered?.Invoke(r);
    }
}
