using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Settlement;
using Lockstep.Transactions;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// The deposit rule on hand-made blocks (the branches a cheating sequencer's end-to-end runs do not reach): the
/// expected transactions come from Settlement's derivation rule applied to DepositQueued events, as the verifier does.
/// </summary>
public class DepositRuleTests
{
    private static readonly ulong[] Chains = [901, 902];
    private const ulong L1ChainId = 900;

    private static DerivedDeposit Queued(ulong index, ulong chainId)
    {
        var e = new DepositQueuedEvent(chainId, index, Address.FromNumber(0xa1), Address.FromNumber(0xb0 + (uint)index), Address.Zero, new UInt256(1000 + index), []);
        return new DerivedDeposit(e, 10 + index, Keccak256.Compute([(byte)index]), DepositDeriver.ToSystemTransaction(e, L1ChainId));
    }

    // A user transaction (not a protocol one): its only role here is to end the run of deposits that opens a block.
    private static readonly Transaction User = new() { Type = TxType.DynamicFee, ChainId = new UInt256(901), GasLimit = 21_000, To = Address.FromNumber(0xc0) };

    private static RuleBreach? Judge(IReadOnlyList<DerivedDeposit> expected, ulong count, params Transaction[][] blocks)
    {
        var rule = new DepositRule(Chains, expected, 0);
        rule.CheckHeight(1, blocks);
        rule.Finish(count);
        return rule.Breach;
    }

    [Fact]
    public void The_queue_split_by_rollup_in_order_at_the_start_of_the_blocks_holds()
    {
        DerivedDeposit d0 = Queued(0, 901), d1 = Queued(1, 902), d2 = Queued(2, 901);
        Assert.Null(Judge([d0, d1, d2], 3, [d0.Transaction, d2.Transaction, User], [d1.Transaction]));
    }

    [Fact]
    public void A_deposit_after_a_user_transaction_is_refused()
    {
        DerivedDeposit d0 = Queued(0, 901);
        RuleBreach b = Assert.NotNull(Judge([d0], 1, [User, d0.Transaction], []));
        Assert.Equal((VerdictKind.DepositMismatch, 901UL), (b.Kind, b.ChainId));
        Assert.Contains("runs after the block's first non-deposit transaction", b.Detail);
    }

    [Fact]
    public void A_deposit_executed_twice_is_refused()
    {
        DerivedDeposit d0 = Queued(0, 901), d1 = Queued(1, 902), d2 = Queued(2, 902);
        RuleBreach b = Assert.NotNull(Judge([d0, d1, d2], 3, [d0.Transaction, d0.Transaction], [d1.Transaction]));
        Assert.Contains("deposit #0 executed twice", b.Detail);
    }

    [Fact]
    public void More_deposits_than_the_superbatch_commits_are_refused()
    {
        DerivedDeposit d0 = Queued(0, 901);
        RuleBreach b = Assert.NotNull(Judge([], 0, [d0.Transaction], []));
        Assert.Contains("1 deposits executed, but the superbatch's depositCount leaves only 0", b.Detail);
    }

    [Fact]
    public void A_committed_deposit_never_executed_is_refused_at_the_end()
    {
        DerivedDeposit d0 = Queued(0, 901), d1 = Queued(1, 902);
        RuleBreach b = Assert.NotNull(Judge([d0, d1], 2, [d0.Transaction], []));
        Assert.Contains("commits depositCount 2, its blocks execute the L1 queue only up to #1", b.Detail);
    }

    [Fact]
    public void A_deposit_executed_on_another_rollup_than_its_own_is_refused()
    {
        DerivedDeposit d0 = Queued(0, 902);
        RuleBreach b = Assert.NotNull(Judge([d0], 1, [d0.Transaction], []));
        Assert.Equal(901UL, b.ChainId);
        Assert.Contains("deposit #0", b.Detail);
        Assert.Contains("forged or misrouted", b.Detail);
    }

    [Fact]
    public void A_deposit_with_another_recipient_names_the_field()
    {
        DerivedDeposit d0 = Queued(0, 901);
        var forgedEvent = d0.Event with { To = Address.FromNumber(0xbad) };
        Transaction forged = DepositDeriver.ToSystemTransaction(forgedEvent, L1ChainId);
        RuleBreach b = Assert.NotNull(Judge([d0], 1, [forged], []));
        // The deposit hash covers the recipient, so sourceTxHash differs first: the rule names it.
        Assert.Contains("sourceTxHash", b.Detail);
        Assert.Contains("instead of the deposit hash " + Bridge.DepositHash(d0.Event), b.Detail);
    }
}
