using Lockstep.Chain;
using Lockstep.Crypto;
using Lockstep.Devnet.Explorer;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Verifier;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's verifier (issue 6, docs/verifier.md): a <see cref="SetVerifier"/> in process that follows the devnet's
/// L1 (embedded or external) from L1 data alone, with its own replicas in <c>DATA_DIR/verifier</c>, challenging with
/// dev account 1's L1 key. Its verdicts go to the explorer and to the <c>lockstep_verifier_verdicts_total</c> metric.
/// The rollups' geneses are written to <c>DATA_DIR/genesis/&lt;chainId&gt;.json</c> for <c>lockstep verify</c>.
/// A devnet that deploys its L1 contracts names a dev key the inbox's state-root arbiter (<see cref="ArbiterL1Key"/>,
/// flag bond <see cref="ArbiterFlagBond"/>); the verifier then flags a forged root with the bond and a
/// <see cref="FlagArbiter"/> on the same replicas resolves it (upheld: rejected, slashed, recovered by the standby).
/// The arbiter is the trusted part of state-root disputes (docs/verifier.md): a devnet-only shortcut, one operator.
/// </summary>
public sealed partial class Devnet
{
    /// <summary>The flag bond of an inbox the devnet deploys: 0.1 ETH.</summary>
    public static readonly UInt256 ArbiterFlagBond = UInt256.Parse("100000000000000000");

    /// <summary>The devnet's verifier; null without an L1 (<c>--no-l1</c>).</summary>
    public SetVerifier? Verifier { get; private set; }

    /// <summary>The state-root arbiter; null when the inbox names another arbiter (or none: contracts deployed by someone else).</summary>
    public FlagArbiter? Arbiter { get; private set; }

    /// <summary>
    /// The key the devnet names arbiter when it deploys: dev account 0 on the embedded L1 (its deployer, funded at
    /// genesis), the <c>--l1-key</c> deployer on an <c>--l1-rpc</c> chain. Null when neither is known.
    /// </summary>
    public byte[]? ArbiterL1Key => Options.L1Rpc is null ? (Accounts.Count > 0 ? Accounts[0].PrivateKey : null) : Options.L1DeployerKey;

    /// <summary>Raised when a round of the verifier fails (L1 unreachable, ...).</summary>
    public event Action<Exception>? VerifierFailed;

    private async Task StartVerifierAsync(CancellationToken cancel)
    {
        if (L1Client is not { } client || L1Contracts is not { } contracts) return;
        IReadOnlyList<Genesis> geneses = CreateGeneses(Options, Accounts);
        string genesisDir = Path.Combine(Options.DataDir, "genesis");
        Directory.CreateDirectory(genesisDir);
        foreach (Genesis g in geneses) await File.WriteAllTextAsync(Path.Combine(genesisDir, g.ChainId + ".json"), GenesisJson.Write(g), cancel).ConfigureAwait(false);
        // An inbox with an arbiter takes flags only with exactly its flag bond.
        var arbiterAddress = new Address((await client.CallAsync(contracts.Inbox, SharedInbox.Arbiter(), null, cancel).ConfigureAwait(false)).AsSpan(12, 20));
        var flagBond = arbiterAddress == Address.Zero
            ? UInt256.Zero
            : new UInt256((await client.CallAsync(contracts.Inbox, SharedInbox.FlagBond(), null, cancel).ConfigureAwait(false)).AsSpan(0, 32));
        var verifier = new SetVerifier(client, new VerifierOptions
        {
            Inbox = contracts.Inbox,
            Geneses = geneses,
            DataDir = Path.Combine(Options.DataDir, "verifier"),
            // A devnet-only choice: dev account 1 (funded on the L1) signs challenges and flags.
            ChallengerKey = Accounts.Count > 1 ? Accounts[1].PrivateKey : null,
            FlagBond = flagBond,
        });
        verifier.VerdictReached += v =>
        {
            string label = v.Kind switch
            {
                VerdictKind.Ok => "valid",
                VerdictKind.StateRootMismatch => "state_root_mismatch",
                VerdictKind.CrossRootMismatch => "cross_root_mismatch",
                VerdictKind.DepositMismatch => "deposit_mismatch",
                VerdictKind.RuleViolation => "rule_violation",
                _ => "invalid_batch",
            };
            Metrics.OnVerifierVerdict(label);
            ExplorerFeed.AddVerdict(new ExplorerVerdict(v.Index, v.ChainX, label, v.Detail, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        };
        verifier.Failed += e => VerifierFailed?.Invoke(e);
        Verifier = verifier;
        if (ArbiterL1Key is { } key && arbiterAddress != Address.Zero && Ecdsa.PrivateKeyToAddress(key) == arbiterAddress)
        {
            // The arbiter drives the verifier's rounds and judges each flag with the verifier's own re-execution.
            ILogger log = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Lockstep.Devnet");
            var arbiter = new FlagArbiter(client, verifier, new ArbiterOptions { Inbox = contracts.Inbox, ArbiterKey = key });
            arbiter.Ruled += r => log.LogWarning(
                "arbiter: flag on superbatch {Index} chain {ChainId} {Ruling}: {Reason}; resolveFlag {Tx} {Result}",
                r.Index, r.ChainId, r.Upheld ? "upheld" : "dismissed", r.Reason, r.ActionTx, r.ActionSucceeded ? "succeeded" : r.ActionError);
            arbiter.Failed += e => VerifierFailed?.Invoke(e);
            Arbiter = arbiter;
            arbiter.Start();
        }
        else verifier.Start();
    }

    private async Task StopVerifierAsync()
    {
        if (Arbiter is { } a) await a.DisposeAsync().ConfigureAwait(false);
        Arbiter = null;
        if (Verifier is { } v) await v.DisposeAsync().ConfigureAwait(false);
        Verifier = null;
    }
}
