using Lockstep.Chain;
using Lockstep.Devnet.Explorer;
using Lockstep.Verifier;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's verifier (issue 6, docs/verifier.md): a <see cref="SetVerifier"/> in process that follows the devnet's
/// L1 (embedded or external) from L1 data alone, with its own replicas in <c>DATA_DIR/verifier</c>, challenging with
/// dev account 1's L1 key. Its verdicts go to the explorer and to the <c>lockstep_verifier_verdicts_total</c> metric.
/// The rollups' geneses are written to <c>DATA_DIR/genesis/&lt;chainId&gt;.json</c> for <c>lockstep verify</c>.
/// </summary>
public sealed partial class Devnet
{
    /// <summary>The devnet's verifier; null without an L1 (<c>--no-l1</c>).</summary>
    public SetVerifier? Verifier { get; private set; }

    /// <summary>Raised when a round of the verifier fails (L1 unreachable, ...).</summary>
    public event Action<Exception>? VerifierFailed;

    private async Task StartVerifierAsync(CancellationToken cancel)
    {
        if (L1Client is not { } client || L1Contracts is not { } contracts) return;
        IReadOnlyList<Genesis> geneses = CreateGeneses(Options, Accounts);
        string genesisDir = Path.Combine(Options.DataDir, "genesis");
        Directory.CreateDirectory(genesisDir);
        foreach (Genesis g in geneses) await File.WriteAllTextAsync(Path.Combine(genesisDir, g.ChainId + ".json"), GenesisJson.Write(g), cancel).ConfigureAwait(false);
        var verifier = new SetVerifier(client, new VerifierOptions
        {
            Inbox = contracts.Inbox,
            Geneses = geneses,
            DataDir = Path.Combine(Options.DataDir, "verifier"),
            // A devnet-only choice: dev account 1 (funded on the L1) signs challenges and flags.
            ChallengerKey = Accounts.Count > 1 ? Accounts[1].PrivateKey : null,
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
        verifier.Start();
    }

    private async Task StopVerifierAsync()
    {
        if (Verifier is { } v) await v.DisposeAsync().ConfigureAwait(false);
        Verifier = null;
    }
}
