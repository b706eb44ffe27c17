using Lockstep.Node;
using Lockstep.Settlement;
using Lockstep.Storage;

namespace Lockstep.Devnet;

/// <summary>The devnet's L1 side: the embedded L1 (our own chain with the L1 contracts) and the batch poster.</summary>
public sealed partial class Devnet
{
    private IKeyValueStore? _posterDb;

    /// <summary>The embedded L1, null with <see cref="DevnetOptions.EmbeddedL1"/> off.</summary>
    public EmbeddedL1? L1 { get; private set; }

    /// <summary>The batch poster that settles every superblock on the L1, null without an L1.</summary>
    public BatchPoster? Poster { get; private set; }

    /// <summary>The sequencer's L1 account: the mnemonic's account right after the printed dev accounts.</summary>
    public required DevAccount SequencerL1Account { get; init; }

    private async Task StartSettlementAsync(CancellationToken cancel)
    {
        if (!Options.EmbeddedL1) return;
        string artifacts = Options.ArtifactsDir ?? FindArtifacts()
            ?? throw new InvalidOperationException("contracts/artifacts not found above the working directory or the program: run from the repository, or pass ArtifactsDir");
        L1 = await EmbeddedL1.StartAsync(new EmbeddedL1Options
        {
            DataDir = Path.Combine(Options.DataDir, "l1"),
            ArtifactsDir = artifacts,
            RollupChainIds = [.. Sequencer.Chains.Select(c => c.ChainId)],
            SequencerKey = SequencerL1Account.PrivateKey,
            Accounts = Accounts,
            ChallengeWindowSeconds = Options.ChallengeWindowSeconds,
            Port = Options.L1Port ?? (Options.BasePort == 0 ? 0 : DevnetOptions.DefaultL1Port),
        }, cancel).ConfigureAwait(false);
        _posterDb = new RocksDbKeyValueStore(Path.Combine(Options.DataDir, "poster"));
        Poster = new BatchPoster(L1.Client, Sequencer.Superblocks, _posterDb, new BatchPosterOptions
        {
            Inbox = L1.Deployment.Inbox,
            SequencerKey = SequencerL1Account.PrivateKey,
            MaxBatchDelay = TimeSpan.FromSeconds(Options.PostEverySeconds),
        });
        Poster.Failed += e => PosterFailed?.Invoke(e);
        Poster.Start();
    }

    /// <summary>Raised when a posting round fails (the poster retries).</summary>
    public event Action<Exception>? PosterFailed;

    private async Task StopSettlementAsync()
    {
        Poster?.Dispose();
        Poster = null;
        _posterDb?.Dispose();
        _posterDb = null;
        if (L1 is not null) await L1.DisposeAsync().ConfigureAwait(false);
        L1 = null;
    }

    private DevnetL1Description? DescribeL1() => L1 is null ? null : new DevnetL1Description(
        L1.Url.ToString().TrimEnd('/'), L1.Chain.ChainId, new Dictionary<string, string>
        {
            ["SequencerRegistry"] = L1.Deployment.Registry.ToString(),
            ["SharedInbox"] = L1.Deployment.Inbox.ToString(),
            ["Bridge"] = L1.Deployment.Bridge.ToString(),
            ["Token"] = L1.Deployment.Token.ToString(),
            ["Sequencer"] = SequencerL1Account.Address.ToString(),
        });

    private static string? FindArtifacts()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (string? dir = start; dir != null; dir = Path.GetDirectoryName(dir))
            {
                string candidate = Path.Combine(dir, "contracts", "artifacts");
                if (File.Exists(Path.Combine(candidate, "L1SharedInbox.json"))) return candidate;
            }
        return null;
    }
}
