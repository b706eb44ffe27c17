using Lockstep.Node;
using Lockstep.Testing;

namespace Lockstep.Settlement.Tests;

/// <summary>Deposits and withdrawals (issue 5) end to end, on anvil and on the embedded L1.</summary>
public class BridgeTests
{
    private const ulong Window = 3;

    [Fact]
    public async Task Deposits_and_withdrawals_on_the_embedded_L1()
    {
        IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 4);
        await using EmbeddedL1 l1 = await EmbeddedL1.StartAsync(EmbeddedL1Setup.Options(accounts.Count, challengeWindowSeconds: Window));
        await BridgeScenario.RunAsync(l1.Client, l1.Deployment, accounts[0].PrivateKey, accounts[3].PrivateKey, AnvilNode.SequencerKey, Window);
    }

    [Fact]
    public async Task Deposits_and_withdrawals_on_anvil()
    {
        IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 4);
        using var anvil = new AnvilNode();
        L1Deployment d = await L1Deployer.DeployAsync(anvil.Client, new L1DeployOptions
        {
            ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"),
            RollupChainIds = L2Set.ChainIds,
            DeployerKey = accounts[0].PrivateKey,
            SequencerKey = AnvilNode.SequencerKey,
            ChallengeWindowSeconds = Window,
        });
        Assert.Equal(L1Deployer.PredictToken(accounts[0].Address, 0), d.Token);
        await BridgeScenario.RunAsync(anvil.Client, d, accounts[0].PrivateKey, accounts[3].PrivateKey, AnvilNode.SequencerKey, Window);
    }
}
