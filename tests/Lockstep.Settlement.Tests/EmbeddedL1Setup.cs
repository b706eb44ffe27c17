using Lockstep.Node;
using Lockstep.Testing;

namespace Lockstep.Settlement.Tests;

/// <summary>The embedded L1 as the settlement tests start it: <see cref="L2Set"/>'s rollups, anvil's sequencer key.</summary>
internal static class EmbeddedL1Setup
{
    /// <summary>
    /// Options for <see cref="EmbeddedL1.StartAsync"/>: the repository's artifacts, the first <paramref name="accounts"/> dev
    /// accounts funded (account 1 is the sequencer, 2 the outsider), in memory unless <paramref name="dataDir"/> is given.
    /// </summary>
    public static EmbeddedL1Options Options(int accounts = 1, ProductionMode mode = ProductionMode.Instant, string? dataDir = null,
        TimeSpan? blockTime = null, ulong challengeWindowSeconds = 60) => new()
    {
        DataDir = dataDir,
        ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"),
        RollupChainIds = L2Set.ChainIds,
        SequencerKey = AnvilNode.SequencerKey,
        Accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, accounts),
        Mode = mode,
        BlockTime = blockTime ?? TimeSpan.FromSeconds(1),
        ChallengeWindowSeconds = challengeWindowSeconds,
    };
}
