using System.Diagnostics;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.Testing;
using Xunit.Abstractions;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// One anvil (Foundry 1.7.1, automine, chain 31337) for <see cref="AnvilFraudTests"/>: each test deploys its own
/// registry, inbox and bridge on it (Settlement's <see cref="L1Deployer"/>, deployer = dev account 0, sequencer =
/// dev account 1, bonded 1 ETH), so the tests share the process but not the contracts.
/// </summary>
public sealed class AnvilL1 : IDisposable
{
    private readonly Process _anvil;

    public AnvilL1()
    {
        // Port 0: a free loopback port, read back from anvil's "Listening on" line; automine (one block per transaction).
        (_anvil, Uri url) = AnvilLauncher.Start(0, "--accounts", "10");
        Client = new JsonRpcL1Client(url);
    }

    public JsonRpcL1Client Client { get; }

    /// <summary>Fresh contracts (challenge window <paramref name="window"/> s) and a set posting to them with <paramref name="faults"/> armed.</summary>
    internal async Task<FraudHarness> NewSetAsync(ulong window = 3600, params InjectedFault[] faults)
    {
        L1Deployment d = await L1Deployer.DeployAsync(Client, new L1DeployOptions
        {
            ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"), RollupChainIds = FraudHarness.ChainIds,
            DeployerKey = FraudHarness.Accounts[0].PrivateKey, SequencerKey = FraudHarness.Sequencer.PrivateKey, ChallengeWindowSeconds = window,
        });
        return FraudHarness.Create(Client, d, faults);
    }

    /// <summary>Moves anvil's clock <paramref name="seconds"/> ahead and mines a block at the new time.</summary>
    public async Task AdvanceTimeAsync(ulong seconds)
    {
        await Client.RequestAsync("evm_increaseTime", [seconds]);
        await Client.RequestAsync("evm_mine", []);
    }

    public void Dispose()
    {
        Client.Dispose();
        AnvilLauncher.Stop(_anvil);
    }
}

/// <summary>
/// Issue 6 end to end against anvil: the set posts to L1 contracts deployed on anvil, the verifier (a separate
/// <see cref="SetVerifier"/> reading anvil over JSON-RPC only) detects each injected fault, and its challenge or flag
/// is executed by anvil's EVM (revm), not ours: FraudProven, SuperbatchesRejected, bond slashed and challenger paid are
/// read back from anvil's logs and state; bogus challenges revert on anvil.
/// </summary>
public class AnvilFraudTests(AnvilL1 anvil, ITestOutputHelper output) : IClassFixture<AnvilL1>
{
    public static TheoryData<FaultKind> CrossFaults => new() { FaultKind.DropMint, FaultKind.MintWithoutBurn, FaultKind.ReorderMessages };

    [Theory]
    [MemberData(nameof(CrossFaults))]
    public async Task Each_cross_rollup_fault_is_proven_on_anvil(FaultKind kind)
    {
        await using FraudHarness h = await anvil.NewSetAsync(faults: new InjectedFault(kind, 2));
        Assert.Equal(31337UL, await h.L1.GetChainIdAsync());
        await Scenarios.CrossFaultAsync(h, kind, output);
    }

    [Fact]
    public async Task A_forged_state_root_is_flagged_on_anvil()
    {
        await using FraudHarness h = await anvil.NewSetAsync(faults: new InjectedFault(FaultKind.ForgeStateRoot, 2, 902));
        await Scenarios.ForgedRootAsync(h);
    }

    [Fact]
    public async Task Bogus_challenges_revert_on_anvil()
    {
        await using FraudHarness h = await anvil.NewSetAsync();
        await Scenarios.BogusChallengesAsync(h);
    }

    [Fact]
    public async Task A_real_fraud_proof_after_the_window_reverts_on_anvil()
    {
        await using FraudHarness h = await anvil.NewSetAsync(window: 600, faults: new InjectedFault(FaultKind.DropMint, 1));
        h.Build();
        await h.PostAsync();
        await anvil.AdvanceTimeAsync(601);
        await using SetVerifier v = h.NewVerifier();
        SuperbatchVerdict bad = Assert.Single(await v.SyncAsync());
        Assert.Equal(VerdictKind.CrossRootMismatch, bad.Kind); // detected off-chain all the same
        Assert.False(bad.ActionSucceeded);
        Assert.Contains(Hex.Encode(AbiValue.Selector("WindowClosed(uint256)"))[2..], bad.ActionError!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1UL, await h.SuperbatchCountAsync());
        Assert.Equal(Scenarios.Bond, await h.BondAsync(FraudHarness.Sequencer.Address));
    }

    [Fact]
    public async Task Deposits_from_anvil_are_checked_against_its_queue_and_a_forged_one_is_named()
    {
        await using FraudHarness h = await anvil.NewSetAsync(faults: new InjectedFault(FaultKind.ForgeDeposit, 3, 902));
        h.EnableDeposits();
        await h.DepositEthAsync(3, 902, FraudHarness.Accounts[4].Address, Scenarios.Bond);
        await h.DepositEthAsync(4, 901, FraudHarness.Accounts[3].Address, new UInt256(12345));
        Assert.Equal(2, await h.PollDepositsAsync());
        h.Build();  // height 1: both deposits, honest
        await h.PostAsync();
        await h.DepositEthAsync(5, 902, FraudHarness.Accounts[5].Address, new UInt256(777));
        Assert.Equal(1, await h.PollDepositsAsync());
        h.Build(); // height 2: deposit 2
        await h.PostAsync();
        await h.DepositEthAsync(3, 902, FraudHarness.Accounts[3].Address, new UInt256(999));
        Assert.Equal(1, await h.PollDepositsAsync());
        h.Build(); // height 3: deposit 3, its amount doubled by the cheat
        await h.PostAsync();
        Assert.Single(h.Injected);

        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
        Assert.Equal([VerdictKind.Ok, VerdictKind.Ok, VerdictKind.DepositMismatch], verdicts.Select(x => x.Kind));
        SuperbatchVerdict bad = verdicts[2];
        Assert.Equal(902UL, bad.ChainX);
        // 999 wei = 0x3e7 queued on L1; the block paid 1998 = 0x7ce.
        Assert.Contains("L1 deposit #3", bad.Detail);
        Assert.Contains("amount 0x7CE differs from DepositQueued's 0x3E7", bad.Detail);
        Assert.Null(bad.ActionTx); // no L1 action exists for it: an off-chain alarm
        Assert.Contains("DepositMismatch", v.Progress.Halted);
        // The honest superbatches' deposits were executed on the replicas exactly as L1 queued them.
        Assert.Equal(h.Set.Chains[1].GetBlock(2)!.Header.StateRoot, v.Chains[1].GetBlock(2)!.Header.StateRoot);
    }
}
