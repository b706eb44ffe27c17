using Lockstep.Chain;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer.Tests;

public class CrossRollupTests
{
    private static readonly Address Probe = RollupSet.Probe;
    private static readonly UInt256 ProbeLastSender = UInt256.Zero, ProbeLastSource = UInt256.One, ProbeCalls = new(2);

    /// <summary>trigger on A -> action on B (relay) -> trigger on B -> action on C (record or fail).</summary>
    private static Transaction Chain3(RollupSet set, byte user, bool failOnC)
    {
        byte[] onC = failOnC ? RollupSet.ProbeFail("C refuses") : RollupSet.ProbeRecord;
        byte[] onB = RollupSet.ProbeRelay(set.ChainIds[2], Probe, onC, 200_000);
        return set.Call(0, user, SystemAddresses.Messenger, SystemCalldata.Trigger(set.ChainIds[1], Probe, onB, new UInt256(600_000)), gas: 2_000_000);
    }

    [Fact]
    public void ThreeRollups_NestedActions_AllIncluded_MessageSenderAndSourceVisible()
    {
        var set = new RollupSet(3);
        Transaction tx = Chain3(set, 1, failOnC: false);
        Superblock sb = set.Build([tx]);
        BundleReport report = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.Included, report.Outcome);
        Assert.Equal(3, report.Legs.Count);
        Assert.Equal([set.ChainIds[0], set.ChainIds[1], set.ChainIds[2]], report.Legs.Select(l => l.ChainId).ToArray());
        Assert.Equal([0, 1, 2], report.Legs.Select(l => l.Depth).ToArray());

        // On B the action came from user 1 on A; on C from the probe (the relaying contract) on B.
        Assert.Equal(RollupSet.User(1).ToUInt256(), set.States[1].GetStorage(Probe, ProbeLastSender));
        Assert.Equal(new UInt256(set.ChainIds[0]), set.States[1].GetStorage(Probe, ProbeLastSource));
        Assert.Equal(Probe.ToUInt256(), set.States[2].GetStorage(Probe, ProbeLastSender));
        Assert.Equal(new UInt256(set.ChainIds[1]), set.States[2].GetStorage(Probe, ProbeLastSource));
        Assert.Equal(UInt256.One, set.States[2].GetStorage(Probe, ProbeCalls));
        // C's delivery names B's system transaction as its source transaction (a verifier re-derives it from B's logs).
        Assert.Equal(2, sb.Blocks[2].Built.Block.Transactions.Count); // the delivery, the fold
        Transaction onC = sb.Blocks[2].Built.Block.Transactions[0];
        Assert.Equal(report.Legs[1].TxHash, onC.SourceTxHash);
        Assert.Equal(set.ChainIds[1], onC.SourceChainId);
        set.AssertTreesMatch();
    }

    [Fact]
    public void ThreeRollups_FailureOnC_LeavesAAndBUntouched()
    {
        var with = new RollupSet(3);
        Transaction plain = with.Call(0, 2, RollupSet.User(7), [], UInt256.One, 21_000);
        Transaction failing = Chain3(with, 1, failOnC: true);
        Superblock sb = with.Build([plain, failing]);
        Assert.Equal(BundleOutcome.Included, sb.Bundles[0].Outcome);
        BundleReport rejected = sb.Bundles[1];
        Assert.Equal(BundleOutcome.Rejected, rejected.Outcome);
        Assert.Contains("C refuses", rejected.Reason);
        Assert.Equal(with.ChainIds[2], rejected.FailedLeg!.Value.ChainId);
        Assert.Equal(2, rejected.FailedLeg!.Value.Depth);
        Assert.Empty(sb.Blocks[1].Built.Block.Transactions);
        Assert.Empty(sb.Blocks[2].Built.Block.Transactions);
        Assert.Equal(UInt256.Zero, with.States[1].GetStorage(Probe, ProbeCalls));
        Assert.Equal(0UL, with.Nonce(0, RollupSet.User(1)));

        var without = new RollupSet(3);
        without.Build([without.Call(0, 2, RollupSet.User(7), [], UInt256.One, 21_000)]);
        Assert.Equal(without.StateRoots(), with.StateRoots());
        with.AssertTreesMatch();
    }

    [Fact]
    public void BurnTheUserCannotAfford_RevertsOnA_MintsNothing()
    {
        var set = new RollupSet(2);
        Address poor = RollupSet.AddressOf(RollupSet.AdminKey); // funded with ETH, holds no LST
        Transaction burn = set.Call(0, RollupSet.AdminKey, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, set.ChainIds[1], poor));
        Superblock sb = set.Build([burn]);
        BundleReport report = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.IncludedReverted, report.Outcome);
        Assert.False(sb.Blocks[0].Built.Receipts[0].Success);
        Assert.Empty(sb.Blocks[1].Built.Block.Transactions);
        Assert.Equal(1UL, set.Nonce(0, poor)); // a reverted transaction is included: nonce and fee are taken
        Assert.Equal(UInt256.Zero, set.TokenBalance(1, poor));
        Assert.Equal(0UL, MessageTreesLayout.ReadOutboxCount(set.States[0], set.ChainIds[1]));
        set.AssertTreesMatch();
    }

    [Fact]
    public void ReplayedDelivery_Fails_AndOrdinaryAccountsCannotMintOrAct()
    {
        var set = new RollupSet(2);
        Superblock sb = set.Build([set.Call(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, set.ChainIds[1], RollupSet.User(2)))]);
        Assert.Equal(2, sb.Blocks[1].Built.Block.Transactions.Count); // the delivery, the fold
        Transaction delivery = sb.Blocks[1].Built.Block.Transactions[0];

        // The same 0x7F delivery again in the next block of B: the inbox wants nonce 1 now.
        BlockInProgress next = new BlockBuilder(set.ChainIds[1]).Begin(set.Heads[1], set.States[1], new BlockAttributes { Timestamp = set.Timestamp + 2 });
        next.BeginBundle();
        Assert.True(next.TryAddSystem(delivery, out TransactionResult replay));
        Assert.False(replay.Success);
        Assert.Contains("WrongNonce(", RevertReason.Describe(replay.Status, replay.Output));
        next.RevertBundle();

        // A user calling mint/action directly: OnlyProtocol.
        byte[] mint = SystemCalldata.Mint(set.ChainIds[0], 1, SystemAddresses.CrossRollupToken, RollupSet.User(1), RollupSet.User(1), UInt256.One);
        byte[] action = SystemCalldata.Action(set.ChainIds[0], 1, RollupSet.User(1), Probe, new UInt256(100_000), RollupSet.ProbeRecord);
        Superblock sb2 = set.Build([], [set.Call(1, 1, SystemAddresses.MintBurn, mint), set.Call(1, 1, SystemAddresses.Messenger, action)]);
        Assert.All(sb2.Bundles, r => Assert.Equal(BundleOutcome.IncludedReverted, r.Outcome));
        Assert.Contains("OnlyProtocol(", sb2.Bundles[0].Reason);
        Assert.Contains("OnlyProtocol(", sb2.Bundles[1].Reason);
        Assert.Equal(UInt256.One, set.TokenBalance(1, RollupSet.User(2)));
        set.AssertTreesMatch();
    }

    [Fact]
    public void UserSubmittedSystemTransaction_IsRefused()
    {
        var set = new RollupSet(2);
        Transaction forged = SystemTransaction.Create(set.ChainIds[1], set.ChainIds[0], Hash256.Zero, 0, SystemAddresses.MintBurn, 250_000,
            SystemCalldata.Mint(set.ChainIds[0], 0, SystemAddresses.CrossRollupToken, RollupSet.User(1), RollupSet.User(1), UInt256.One));
        byte[] raw = forged.Encode();
        Assert.Equal(0x7F, raw[0]);
        // The RPC/pool entry point refuses it by type, whatever the body; the plain decoder knows no such user type.
        Assert.Equal(TransactionError.SystemTransactionNotAllowed, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeUser(raw)).Reason);
        Assert.Equal(TransactionError.UnsupportedType, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(raw)).Reason);
        // Blocks carry it: the block-body decoder round-trips every field and the hash.
        Transaction decoded = TransactionDecoder.DecodeWithSystem(raw);
        Assert.Equal(forged.Hash, decoded.Hash);
        Assert.Equal(Keccak256.Compute(raw), decoded.Hash);
        Assert.Equal(set.ChainIds[0], decoded.SourceChainId);
        Assert.False(decoded.TryRecoverSender(set.ChainIds[1], out _, out TransactionError err));
        Assert.Equal(TransactionError.SystemTransactionNotAllowed, err);

        // Slipped into a rollup's candidates anyway: invalid, never executed; the mint does not happen.
        Superblock sb = set.Build([], [decoded]);
        Assert.Equal(BundleOutcome.Invalid, Assert.Single(sb.Bundles).Outcome);
        Assert.Empty(sb.Blocks[1].Built.Block.Transactions);
        Assert.Equal(UInt256.Zero, set.TokenBalance(1, RollupSet.User(1)));
    }

    [Fact]
    public void LookAlikeEventFromAnotherContract_SendsNothing()
    {
        var set = new RollupSet(2);
        byte[] fake = RollupSet.Abi("fakeMint(uint256,uint256,bytes32,address,address,uint256)",
            set.ChainIds[1], 0UL, UInt256.Zero, SystemAddresses.CrossRollupToken, RollupSet.User(1), UInt256.Parse("1000000"));
        Superblock sb = set.Build([set.Call(0, 1, Probe, fake)]);
        BundleReport r = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.Included, r.Outcome);
        Assert.Single(sb.Blocks[0].Built.Receipts[0].Logs); // the event was emitted ...
        Assert.Single(r.Legs);                               // ... and ignored
        Assert.Empty(sb.Blocks[1].Built.Block.Transactions);
    }

    [Fact]
    public void TooDeep_IsRejected()
    {
        var set = new RollupSet(3) { Builder = new SuperblockBuilder { MaxDepth = 1, MaxRecoveryParallelism = 1 } };
        Superblock sb = set.Build([Chain3(set, 1, failOnC: false)]);
        BundleReport r = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.Rejected, r.Outcome);
        Assert.Contains("depth 2 exceeds the limit of 1", r.Reason);
        Assert.All(sb.Blocks, b => Assert.Empty(b.Built.Block.Transactions));
    }

    [Fact]
    public void DeliveryBeyondTheDestinationBlockGas_IsRejected()
    {
        var set = new RollupSet(2, gasLimit: 1_000_000);
        // DeliveryGas = 900,000 + 900,000/63 + overhead > B's 1,000,000 gas limit.
        Transaction tx = set.Call(0, 1, SystemAddresses.Messenger, SystemCalldata.Trigger(set.ChainIds[1], Probe, RollupSet.ProbeRecord, new UInt256(900_000)), gas: 300_000);
        Superblock sb = set.Build([tx]);
        BundleReport r = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.Rejected, r.Outcome);
        Assert.Contains("block gas limit of chain 902", r.Reason);
        Assert.Empty(sb.Blocks[0].Built.Block.Transactions);
        Assert.Equal(0UL, set.Nonce(0, RollupSet.User(1)));
    }

    [Fact]
    public void EndOfBlockFold_KeepsItsGas_AndBlocksWithoutMessagesHaveNone()
    {
        // Alone, a 700,000-gas transaction fits a 1,000,000-gas block, and a block without messages has no fold.
        var quiet = new RollupSet(2, gasLimit: 1_000_000);
        Superblock alone = quiet.Build([quiet.Call(0, 2, RollupSet.User(3), [], gas: 700_000)]);
        Assert.Equal(BundleOutcome.Included, Assert.Single(alone.Bundles).Outcome);
        Assert.All(alone.Blocks, b => Assert.DoesNotContain(b.Built.Block.Transactions, MessageTreeFold.IsFold));

        // After a burn, the block keeps FoldGasLimit free: the same transaction no longer fits, and the fold is last.
        var set = new RollupSet(2, gasLimit: 1_000_000);
        Transaction burn = set.Call(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, set.ChainIds[1], RollupSet.User(2)), gas: 200_000);
        Transaction big = set.Call(0, 2, RollupSet.User(3), [], gas: 700_000);
        Superblock sb = set.Build([burn, big]);
        Assert.Equal(BundleOutcome.Included, sb.Bundles[0].Outcome);
        Assert.Equal(BundleOutcome.Invalid, sb.Bundles[1].Outcome);
        Assert.Equal("GasLimitExceedsBlock", sb.Bundles[1].Reason);
        Assert.All(sb.Blocks, b => Assert.True(MessageTreeFold.IsFold(b.Built.Block.Transactions[^1])));
        Assert.True(sb.Blocks[0].Built.Block.Header.GasUsed <= 1_000_000);
        set.AssertTreesMatch();
    }
}

public class BuilderInputTests
{
    [Fact]
    public void MessageSender_CannotBeReadOrFakedOutsideAnAction()
    {
        var set = new RollupSet(2);
        // A user calling the probe directly: Messenger.messageSender() reverts outside an action, so record() reverts.
        Superblock sb = set.Build([], [set.Call(1, 1, RollupSet.Probe, RollupSet.ProbeRecord)]);
        BundleReport r = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.IncludedReverted, r.Outcome);
        Assert.Contains("NotInAction()", r.Reason);
        Assert.Equal(UInt256.Zero, set.States[1].GetStorage(RollupSet.Probe, UInt256.Zero));
    }

    [Fact]
    public void InconsistentInputs_AreRefusedBeforeAnythingRuns()
    {
        var set = new RollupSet(2);
        var builder = new SuperblockBuilder();
        RollupInput Input(int i, Lockstep.Chain.BlockHeader? parent = null) => new() { ChainId = set.ChainIds[i], Parent = parent ?? set.Heads[i], State = set.States[i] };
        var attrs = new SuperblockAttributes { Timestamp = set.Timestamp + 1 };
        Assert.Throws<ArgumentException>(() => builder.Build([], attrs));
        Assert.Throws<ArgumentException>(() => builder.Build([Input(0), Input(0)], attrs));
        Assert.Throws<ArgumentException>(() => builder.Build([Input(0), Input(1)], new SuperblockAttributes { Timestamp = set.Timestamp }));
        Superblock one = set.Build();
        Assert.Throws<ArgumentException>(() => builder.Build([Input(0), Input(1, set.Geneses[1].CreateHeader(Hash256.Zero))], new SuperblockAttributes { Timestamp = set.Timestamp + 10 }));
        Assert.Equal(1UL, one.Height);
    }
}
