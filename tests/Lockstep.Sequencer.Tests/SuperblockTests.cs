using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer.Tests;

public class SuperblockTests
{
    private static readonly Address Token = SystemAddresses.CrossRollupToken;
    private static readonly UInt256 Amount = UInt256.Parse("5000000000000000000"); // 5 LST

    [Fact]
    public void CanonicalCase_BurnOnA_MintOnB_SameSuperblock_RootsEqual()
    {
        var set = new RollupSet(2);
        Address alice = RollupSet.User(1), bob = RollupSet.User(2);
        Transaction burn = set.Call(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(Token, Amount, set.ChainIds[1], bob));
        Superblock sb = set.Build([burn]);

        Assert.Equal(1UL, sb.Height);
        Assert.Equal(sb.Blocks[0].Built.Block.Header.Timestamp, sb.Blocks[1].Built.Block.Header.Timestamp);
        Assert.Equal(sb.Blocks[0].Built.Block.Number, sb.Blocks[1].Built.Block.Number);
        BundleReport report = Assert.Single(sb.Bundles);
        Assert.Equal(BundleOutcome.Included, report.Outcome);
        Assert.Equal(2, report.Legs.Count);
        Assert.Equal(set.ChainIds[1], report.Legs[1].ChainId);

        // A: alice's LST went down, supply too; B: bob got it, supply up. One number across the set.
        Assert.Equal(RollupSet.TokenFunding - Amount, set.TokenBalance(0, alice));
        Assert.Equal(Amount, set.TokenBalance(1, bob));
        Assert.Equal(RollupSet.TokenFunding * 8, set.TokenSupply(0) + set.TokenSupply(1));
        set.AssertTreesMatch();
        Assert.NotEqual(Hash256.Zero, MessageTreesLayout.ReadOutboxRoot(set.States[0], set.ChainIds[1]));
        Assert.Equal(1UL, MessageTreesLayout.ReadInboxCount(set.States[1], set.ChainIds[0]));

        // B's block holds the 0x7F delivery with a 0x7F receipt, and its hash is the reported leg; both blocks end
        // with the fold protocol transaction (MessageTrees.fold(), the parent hash and the block number in it).
        Assert.Equal(2, sb.Blocks[1].Built.Block.Transactions.Count);
        Transaction delivery = sb.Blocks[1].Built.Block.Transactions[0];
        for (int i = 0; i < 2; i++)
        {
            Transaction fold = sb.Blocks[i].Built.Block.Transactions[^1];
            Assert.True(MessageTreeFold.IsFold(fold));
            Assert.Equal((TxType.System, set.ChainIds[i], 1UL), (fold.Type, fold.SourceChainId, fold.MessageNonce));
            Assert.Equal(sb.Blocks[i].Built.Block.Header.ParentHash, fold.SourceTxHash);
            Assert.Equal(MessageTreesLayout.FoldGasLimit(2), fold.GasLimit);
            Assert.True(sb.Blocks[i].Built.Receipts[^1].Success);
        }
        Assert.Equal(2, sb.Blocks[0].Built.Block.Transactions.Count); // the burn, the fold
        Assert.Equal(TxType.System, delivery.Type);
        Assert.Equal(burn.Hash, delivery.SourceTxHash);
        Assert.Equal(set.ChainIds[0], delivery.SourceChainId);
        Assert.Equal(0UL, delivery.MessageNonce);
        Assert.Equal(report.Legs[1].TxHash, delivery.Hash);
        Assert.Equal(0x7F, sb.Blocks[1].Built.Receipts[0].Type);
        Assert.True(sb.Blocks[1].Built.Receipts[0].Success);
        // The delivery and the fold count toward B's gas used.
        Assert.True(sb.Blocks[1].Built.Receipts[0].CumulativeGasUsed < sb.Blocks[1].Built.Block.Header.GasUsed);
        Assert.Equal(sb.Blocks[1].Built.Receipts[1].CumulativeGasUsed, sb.Blocks[1].Built.Block.Header.GasUsed);
        Assert.True(sb.Blocks[1].Built.Block.Header.GasUsed > 0);

        // The block round-trips through its encoding with the system transaction in it (what a verifier reads).
        Lockstep.Chain.Block decoded = Lockstep.Chain.Block.Decode(sb.Blocks[1].Built.Block.Encode());
        Assert.Equal(sb.Blocks[1].Built.Block.Hash, decoded.Hash);
        Assert.Equal(delivery.Hash, decoded.Transactions[0].Hash);
    }

    [Fact]
    public void EthBridge_BurnEthOnA_PaysOutOfReserveOnB()
    {
        var set = new RollupSet(2);
        Address bob = RollupSet.User(2);
        var value = UInt256.Parse("3000000000000000000");
        UInt256 bobBefore = set.Eth(1, bob), reserveA = set.Eth(0, SystemAddresses.MintBurn), reserveB = set.Eth(1, SystemAddresses.MintBurn);
        Superblock sb = set.Build([set.Call(0, 1, SystemAddresses.MintBurn, SystemCalldata.BurnEth(set.ChainIds[1], bob), value)]);
        Assert.Equal(BundleOutcome.Included, sb.Bundles[0].Outcome);
        Assert.Equal(bobBefore + value, set.Eth(1, bob));
        Assert.Equal(reserveA + value, set.Eth(0, SystemAddresses.MintBurn));
        Assert.Equal(reserveB - value, set.Eth(1, SystemAddresses.MintBurn));
        set.AssertTreesMatch();
    }

    public static TheoryData<string> MintFailures => new() { "paused", "cap", "outOfGasAction", "revertingTarget" };

    /// <summary>Every failing-mint cause leaves no trace: roots equal to the run without the transaction, user's nonce and balances unchanged.</summary>
    [Theory]
    [MemberData(nameof(MintFailures))]
    public void FailingDelivery_LeavesNoTraceOnEitherRollup(string cause)
    {
        RollupSet Setup(out Transaction[] a, out Transaction[] b, bool withFailing)
        {
            var options = cause == "cap" ? new PredeployOptions { MintCap = Amount - UInt256.One } : null;
            var s = new RollupSet(2, options);
            // Superblock 1: admin pauses the token on B (the paused case); everyone else idles.
            Transaction[] setup = cause == "paused" ? [s.Call(1, RollupSet.AdminKey, Token, RollupSet.Abi("setPaused(bool)", true))] : [];
            Superblock first = s.Build([], setup);
            foreach (BundleReport r in first.Bundles) Assert.Equal(BundleOutcome.Included, r.Outcome);

            Address bob = RollupSet.User(2);
            // Neighbours bridge ETH (untouched by the token's pause and cap), before and after the failing one.
            Transaction before = s.Call(0, 3, SystemAddresses.MintBurn, SystemCalldata.BurnEth(s.ChainIds[1], RollupSet.User(3)), Amount);
            Transaction? failing = null;
            if (withFailing)
            {
                failing = cause switch
                {
                    "paused" or "cap" => s.Call(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(Token, Amount, s.ChainIds[1], bob)),
                    "outOfGasAction" => s.Call(0, 1, SystemAddresses.Messenger, SystemCalldata.Trigger(s.ChainIds[1], RollupSet.Probe, RollupSet.ProbeExhaust, new UInt256(100_000))),
                    _ => s.Call(0, 1, SystemAddresses.Messenger, SystemCalldata.Trigger(s.ChainIds[1], RollupSet.Probe, RollupSet.ProbeFail("target says no"), new UInt256(100_000))),
                };
            }
            Transaction after = s.Call(0, 4, SystemAddresses.MintBurn, SystemCalldata.BurnEth(s.ChainIds[1], RollupSet.User(4)), Amount);
            Transaction plainB = s.Call(1, 5, RollupSet.User(6), [], UInt256.One, 21_000);
            a = failing is null ? [before, after] : [before, failing, after];
            b = [plainB];
            return s;
        }

        RollupSet with = Setup(out Transaction[] a1, out Transaction[] b1, withFailing: true);
        UInt256 ethBefore = with.Eth(0, RollupSet.User(1)), lstBefore = with.TokenBalance(0, RollupSet.User(1));
        Superblock sb = with.Build(a1, b1);

        BundleReport rejected = sb.Bundles.Single(r => r.Transaction.Hash == a1[1].Hash);
        Assert.Equal(BundleOutcome.Rejected, rejected.Outcome);
        string expectedReason = cause switch
        {
            "paused" => "MintPaused()",
            "cap" => "MintCapExceeded(",
            "outOfGasAction" => "reverted without a reason", // the target ran out of gas: Messenger bubbles its empty revert data
            _ => "target says no",
        };
        Assert.Contains(expectedReason, rejected.Reason);
        Assert.Equal(with.ChainIds[1], rejected.FailedLeg!.Value.ChainId);
        Assert.DoesNotContain(sb.Blocks[0].Built.Block.Transactions, t => t.Hash == a1[1].Hash);
        foreach (BundleReport r in sb.Bundles) if (r != rejected) Assert.Equal(BundleOutcome.Included, r.Outcome);
        // The user's nonce and balances are as before: no fee, no nonce.
        Assert.Equal(0UL, with.Nonce(0, RollupSet.User(1)));
        Assert.Equal(ethBefore, with.Eth(0, RollupSet.User(1)));
        Assert.Equal(lstBefore, with.TokenBalance(0, RollupSet.User(1)));
        with.AssertTreesMatch();

        RollupSet without = Setup(out Transaction[] a2, out Transaction[] b2, withFailing: false);
        Superblock sb2 = without.Build(a2, b2);
        Assert.Equal(without.StateRoots(), with.StateRoots());
        Assert.Equal(sb2.Blocks[1].Built.Block.Header.TransactionsRoot, sb.Blocks[1].Built.Block.Header.TransactionsRoot);
    }
}
