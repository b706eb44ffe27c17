using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// Derivation rules the two root checks cannot see (docs/verifier.md): the deposits that open each block are the L1
/// queue's <c>DepositQueued</c> entries [previous depositCount, depositCount), in order, field by field; every delivery
/// names a transaction of its source's block that emitted it; no message tree is left unfolded. Each is broken once by
/// the cheating sequencer (its roots stay self-consistent and the cross roots equal) and gives its own verdict.
/// </summary>
public class DerivationRuleTests
{
    private static readonly UInt256 Ether = UInt256.Parse("1000000000000000000");

    /// <summary>
    /// Superbatch 0: height 1, honest. Superbatch 1: height 2, opening with deposits #0 (1 ETH to user 4 on 902),
    /// #1 (2 ETH to user 5 on 902), #2 (3 wei to user 3 on 901), where the armed fault (if any) strikes.
    /// </summary>
    private static async Task<FraudHarness> DepositRunAsync(params InjectedFault[] faults)
    {
        FraudHarness h = await FraudHarness.StartAsync(faults: faults);
        h.EnableDeposits();
        h.Build();
        await h.PostAsync();
        await h.DepositEthAsync(3, 902, FraudHarness.Accounts[4].Address, Ether);
        await h.DepositEthAsync(4, 902, FraudHarness.Accounts[5].Address, Ether * new UInt256(2));
        await h.DepositEthAsync(5, 901, FraudHarness.Accounts[3].Address, new UInt256(3));
        Assert.Equal(3, await h.PollDepositsAsync());
        h.Build();
        await h.PostAsync();
        return h;
    }

    [Fact]
    public async Task Honest_deposits_match_the_L1_queue_and_are_verified_ok()
    {
        await using FraudHarness h = await DepositRunAsync();
        // The sequencer executed them at the start of its blocks: 902 opens with #0 and #1, 901 with #2.
        Assert.Equal([0UL, 1UL], h.Set.Chains[1].GetBlock(2)!.Block.Transactions.Take(2).Select(t => t.MessageNonce));
        Assert.Equal(2UL, h.Set.Chains[0].GetBlock(2)!.Block.Transactions[0].MessageNonce);
        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
        Assert.Equal([VerdictKind.Ok, VerdictKind.Ok], verdicts.Select(x => x.Kind));
        for (int r = 0; r < 2; r++) Assert.Equal(h.Set.Chains[r].Head.Hash, v.Chains[r].Head.Hash);
    }

    [Fact]
    public async Task A_dropped_deposit_is_named()
    {
        await using FraudHarness h = await DepositRunAsync(new InjectedFault(FaultKind.DropDeposit, 2, 902));
        SuperbatchVerdict bad = await BadVerdictAsync(h);
        Assert.Equal((VerdictKind.DepositMismatch, 902UL), (bad.Kind, bad.ChainX));
        Assert.Contains("L1 deposit #0 to chain 902", bad.Detail);
        Assert.Contains("dropped", bad.Detail);
    }

    [Fact]
    public async Task A_forged_deposit_names_the_field_that_differs_from_the_L1_event()
    {
        await using FraudHarness h = await DepositRunAsync(new InjectedFault(FaultKind.ForgeDeposit, 2, 902));
        SuperbatchVerdict bad = await BadVerdictAsync(h);
        Assert.Equal((VerdictKind.DepositMismatch, 902UL), (bad.Kind, bad.ChainX));
        // 1 ETH = 0xDE0B6B3A7640000 queued; 2 ETH = 0x1BC16D674EC80000 executed.
        Assert.Contains("L1 deposit #0", bad.Detail);
        Assert.Contains("amount 0x1BC16D674EC80000 differs from DepositQueued's 0xDE0B6B3A7640000", bad.Detail);
    }

    [Fact]
    public async Task Reordered_deposits_are_named()
    {
        await using FraudHarness h = await DepositRunAsync(new InjectedFault(FaultKind.ReorderDeposits, 2, 902));
        SuperbatchVerdict bad = await BadVerdictAsync(h);
        Assert.Equal((VerdictKind.DepositMismatch, 902UL), (bad.Kind, bad.ChainX));
        Assert.Contains("deposit #1 is executed where the L1 queue has #0", bad.Detail);
    }

    [Fact]
    public async Task A_delivery_naming_a_transaction_that_is_not_its_source_is_a_rule_violation()
    {
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(FaultKind.MisattributeDelivery, 2));
        h.Build();
        await h.PostAsync();
        h.Build(burns: 1);
        await h.PostAsync();
        string injected = Assert.Single(h.Injected);
        SuperbatchVerdict bad = await BadVerdictAsync(h);
        Assert.Equal((VerdictKind.RuleViolation, 902UL), (bad.Kind, bad.ChainX));
        Assert.Contains("names source tx", bad.Detail);
        Assert.Contains("which is not in chain 901's block 2", bad.Detail);
        Assert.Contains("MisattributeDelivery@2", injected);
    }

    [Fact]
    public async Task A_block_ending_with_an_unfolded_tree_is_a_rule_violation()
    {
        // Both folds left out: outbox on 901 and inbox on 902 keep their old (equal) roots, so only the rule sees it.
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(FaultKind.SkipFold, 2));
        h.Build();
        await h.PostAsync();
        h.Build(burns: 1);
        await h.PostAsync();
        Assert.Equal(2, h.Injected.Count);
        Assert.False(h.Set.Chains[0].GetBlock(2)!.Block.Transactions[^1].To == SystemAddresses.MessageTrees);
        SuperbatchVerdict bad = await BadVerdictAsync(h);
        Assert.Equal((VerdictKind.RuleViolation, 901UL), (bad.Kind, bad.ChainX));
        Assert.Contains("left unfolded at the end of the block", bad.Detail);
    }

    [Fact]
    public async Task A_mint_without_a_burn_is_also_reported_as_the_rule_it_breaks()
    {
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(FaultKind.MintWithoutBurn, 2));
        h.Build();
        await h.PostAsync();
        h.Build();
        await h.PostAsync();
        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
        Assert.Equal(2, verdicts.Count);
        SuperbatchVerdict bad = verdicts[1];
        // The root check wins (L1 can settle it); the broken rule is named in the detail.
        Assert.Equal(VerdictKind.CrossRootMismatch, bad.Kind);
        Assert.True(bad.ActionSucceeded, bad.ActionError);
        Assert.Contains($"also RuleViolation: chain 902 block 2", bad.Detail);
        Assert.Contains($"names source tx {Hash256.Zero}", bad.Detail);
    }

    [Fact]
    public async Task Heights_already_in_the_replicas_after_a_restart_are_judged_from_the_stored_blocks()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-verifier-rules-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(FaultKind.SkipFold, 3));
            h.Build();
            h.Build();
            await h.PostAsync();          // superbatch 0: heights 1-2
            h.Build(burns: 1);
            h.Build(burns: 1);
            await h.PostAsync();          // superbatch 1: heights 3-4, the folds of 3 left out
            await using (SetVerifier v = h.NewVerifier(dir))
            {
                IReadOnlyList<SuperbatchVerdict> first = await v.SyncAsync();
                Assert.True(first.Count == 2 && first[0].Kind == VerdictKind.Ok && first[1].Kind == VerdictKind.RuleViolation,
                    string.Join("; ", first.Select(x => $"{x.Index} {x.Kind} {x.Detail}")) + " / injected: " + string.Join("; ", h.Injected));
                Assert.Equal(4UL, v.Progress.ReplicaHeight);
            }
            // Forget the verdict on superbatch 1 (as a crash after committing its heights and before recording it
            // would): progress still says superbatch 0 was the last verified, the replicas already hold heights 3-4,
            // so nothing is re-executed and the rules are judged on the blocks, receipts and post-states read back.
            using (var meta = new Lockstep.Storage.RocksDbKeyValueStore(Path.Combine(dir, "verdicts")))
            {
                int forgotten = 0;
                foreach (KeyValuePair<byte[], byte[]> kv in meta.Iterate("V/"u8.ToArray()))
                {
                    if (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(kv.Key.AsSpan(2, 8)) != 1) continue;
                    meta.Delete(kv.Key);
                    forgotten++;
                }
                Assert.Equal(1, forgotten);
            }
            await using (SetVerifier v = h.NewVerifier(dir))
            {
                SuperbatchVerdict only = Assert.Single(await v.SyncAsync());
                Assert.Equal((1UL, VerdictKind.RuleViolation), (only.Index, only.Kind));
                Assert.Equal(0L, v.Progress.BlocksReplayed);
                Assert.Contains("block 3: a message tree is left unfolded", only.Detail);
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A fresh verifier: superbatch 0 ok, superbatch 1 the verdict returned; it then halts.</summary>
    private static async Task<SuperbatchVerdict> BadVerdictAsync(FraudHarness h)
    {
        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
        Assert.Equal(2, verdicts.Count);
        Assert.Equal(VerdictKind.Ok, verdicts[0].Kind);
        Assert.NotNull(v.Progress.Halted);
        Assert.Empty(await v.SyncAsync()); // L1 still holds it: the verifier keeps refusing to follow
        return verdicts[1];
    }
}
