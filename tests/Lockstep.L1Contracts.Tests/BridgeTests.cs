using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.L1Contracts.Tests;

/// <summary>L1Bridge: the ordered deposit queue consumed by superbatches, and withdrawals proved against finalized roots.</summary>
public class BridgeTests
{
    private static readonly Address Recipient = Address.FromHex("0x00000000000000000000000000000000000be11a");

    private static DepositQueuedEvent DepositOf(TransactionResult r)
    {
        L1Fixture.Ok(r);
        foreach (var log in r.Logs)
            if (DepositQueuedEvent.TryDecode(log.Topics, log.Data, out DepositQueuedEvent? d)) return d!;
        throw new InvalidOperationException("no DepositQueued");
    }

    [Fact]
    public void Eth_deposits_are_queued_in_order_with_a_rolling_hash_and_bad_deposits_are_refused()
    {
        var l1 = new L1Fixture();
        var amount = new UInt256(12345);
        DepositQueuedEvent d0 = DepositOf(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositEth(102, Recipient, [1, 2, 3]), amount));
        Assert.Equal(new DepositQueuedEvent(102, 0, L1Fixture.User, Recipient, Address.Zero, amount, [1, 2, 3]) with { Data = d0.Data }, d0);
        Assert.Equal(new byte[] { 1, 2, 3 }, d0.Data);
        DepositQueuedEvent d1 = DepositOf(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositEth(101, Recipient), UInt256.One));
        Assert.Equal(1UL, d1.DepositIndex);
        Assert.Equal(amount + UInt256.One, l1.Balance(l1.Bridge));

        Hash256 h1 = Bridge.NextQueueHash(Hash256.Zero, d0);
        Hash256 h2 = Bridge.NextQueueHash(h1, d1);
        Assert.Equal(h1, Hash256.FromUInt256(l1.CallWord(l1.Bridge, Bridge.QueueHashAt(1))));
        Assert.Equal(h2, Hash256.FromUInt256(l1.CallWord(l1.Bridge, Bridge.QueueHashAt(2))));
        Assert.Equal(new UInt256(2), l1.CallWord(l1.Bridge, Bridge.DepositCount()));

        L1Fixture.Reverts(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositEth(103, Recipient), UInt256.One), "UnknownRollup(uint256)");
        L1Fixture.Reverts(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositEth(101, Recipient)), "ZeroAmount()");
        L1Fixture.Reverts(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositEth(101, Address.Zero), UInt256.One), "ZeroRecipient()");
        Assert.Equal(new UInt256(2), l1.CallWord(l1.Bridge, Bridge.DepositCount()));
    }

    [Fact]
    public void Superbatches_consume_the_queue_in_order_and_commit_to_its_hash()
    {
        var l1 = new L1Fixture();
        l1.Bond(L1Fixture.SequencerA);
        var deposits = new List<DepositQueuedEvent>();
        for (int i = 0; i < 3; i++) deposits.Add(DepositOf(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositEth(101 + (ulong)(i % 2), Recipient), new UInt256((ulong)i + 1))));
        var set = new RollupSet(l1.ChainIds, seed: 1);

        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, depositCount: 4)), "BadDepositCount(uint256,uint256,uint256)");
        TransactionResult r = l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, depositCount: 2));
        L1Fixture.Ok(r);
        Assert.True(SuperbatchSubmittedEvent.TryDecode(r.Logs[0].Topics, r.Logs[0].Data, out var e));
        Assert.Equal(2UL, e!.DepositCount);
        Assert.Equal(Bridge.NextQueueHash(Bridge.NextQueueHash(Hash256.Zero, deposits[0]), deposits[1]), e.DepositQueueHash);

        // A verifier derives the consumed deposits from the events and the committed hash.
        Assert.Equal(deposits.Take(2), Bridge.ConsumedBy(deposits, 0, 2, e.DepositQueueHash));
        Assert.Throws<InvalidDataException>(() => Bridge.ConsumedBy(deposits, 0, 1, e.DepositQueueHash));
        Assert.Throws<InvalidDataException>(() => Bridge.ConsumedBy([deposits[0], deposits[0], deposits[2]], 0, 2, e.DepositQueueHash));
        SuperbatchRecord record = SharedInbox.DecodeSuperbatch(l1.Call(l1.Inbox, SharedInbox.Superbatch(0)).Output);
        Assert.Equal(new SuperbatchRecord(e.SuperbatchHash, L1Fixture.SequencerA, l1.Chain.Timestamp - l1.Chain.BlockTime, 2), record);

        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, depositCount: 1)), "BadDepositCount(uint256,uint256,uint256)");
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, depositCount: 2))); // none new: allowed
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, depositCount: 3)));
    }

    [Fact]
    public void Erc20_deposits_lock_tokens_in_the_bridge()
    {
        var l1 = new L1Fixture();
        Address token = l1.Chain.Deploy(L1Fixture.User, ContractArtifact.Load("L1LockstepToken"), AbiValue.Encode(AbiValue.Uint(new UInt256(1_000_000))));
        UInt256 amount = new(400);
        L1Fixture.Reverts(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositErc20(101, token, Recipient, amount)), "ERC20InsufficientAllowance(address,uint256,uint256)");
        L1Fixture.Ok(l1.Send(L1Fixture.User, token, AbiValue.EncodeCall("approve(address,uint256)", AbiValue.Address(l1.Bridge), AbiValue.Uint(amount))));
        DepositQueuedEvent d = DepositOf(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositErc20(101, token, Recipient, amount)));
        Assert.Equal(token, d.Token);
        Assert.Equal(amount, d.Amount);
        Assert.Equal(amount, l1.CallWord(token, AbiValue.EncodeCall("balanceOf(address)", AbiValue.Address(l1.Bridge))));
        L1Fixture.Reverts(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositErc20(101, Recipient, Recipient, amount)), "NotAToken(address)");
    }

    /// <summary>Rollup 102 records <paramref name="withdrawal"/> in L2Withdrawals' mapping; superbatch 0 claims that state.</summary>
    private static (L1Fixture L1, L2StateBuilder State) Recorded(Withdrawal withdrawal, ulong chainId = 102)
    {
        var l1 = new L1Fixture();
        l1.Bond(L1Fixture.SequencerA);
        var set = new RollupSet(l1.ChainIds, seed: 1);
        L2StateBuilder state = set.States[1].SetStorage(L1Fixture.L2Withdrawals, withdrawal.Slot(chainId, L1Fixture.WithdrawalsBaseSlot), UInt256.One);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)));
        return (l1, state);
    }

    private static byte[] Finalize(L2StateBuilder state, Withdrawal w, Withdrawal proved, ulong chainId = 102)
    {
        var (account, storage) = state.Prove(L1Fixture.L2Withdrawals, proved.Slot(chainId, L1Fixture.WithdrawalsBaseSlot));
        return Bridge.FinalizeWithdrawal(0, chainId, w, account, storage);
    }

    [Fact]
    public void An_eth_withdrawal_pays_once_and_only_after_finality()
    {
        var w = new Withdrawal(new UInt256(7), L1Fixture.User, Recipient, Address.Zero, new UInt256(5000));
        var (l1, state) = Recorded(w);
        l1.Fund(l1.Bridge, new UInt256(10_000)); // as if deposited earlier

        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, w, w)), "NotFinalized(uint256)");
        l1.Chain.Timestamp += l1.Window;
        // A withdrawal the rollup never recorded: a valid exclusion proof of its slot.
        Withdrawal more = w with { Amount = new UInt256(5001) };
        TransactionResult notRecorded = l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, more, more));
        L1Fixture.Reverts(notRecorded, "WithdrawalNotRecorded(bytes32,bytes32)");
        // The recorded slot's proof does not prove another withdrawal's slot.
        Assert.False(l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, more, w)).Success);
        // Another rollup's root does not hold it either.
        Assert.False(l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, w, w, chainId: 101)).Success);

        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, w, w)));
        Assert.Equal(new UInt256(5000), l1.Balance(Recipient));
        Assert.Equal(new UInt256(5000), l1.Balance(l1.Bridge));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, w, w)), "AlreadyFinalized(bytes32)");
        Assert.Equal(new UInt256(5000), l1.Balance(Recipient));
    }

    [Fact]
    public void A_token_withdrawal_releases_locked_tokens()
    {
        var l1Probe = new L1Fixture();
        Address token = l1Probe.Chain.Deploy(L1Fixture.User, ContractArtifact.Load("L1LockstepToken"), AbiValue.Encode(AbiValue.Uint(new UInt256(1_000_000))));
        // Deploy the token in the fixture used for the withdrawal at the same address: same deployer and nonce.
        var w = new Withdrawal(UInt256.Zero, L1Fixture.User, Recipient, token, new UInt256(250));
        var (l1, state) = Recorded(w);
        Assert.Equal(token, l1.Chain.Deploy(L1Fixture.User, ContractArtifact.Load("L1LockstepToken"), AbiValue.Encode(AbiValue.Uint(new UInt256(1_000_000)))));
        L1Fixture.Ok(l1.Send(L1Fixture.User, token, AbiValue.EncodeCall("approve(address,uint256)", AbiValue.Address(l1.Bridge), AbiValue.Uint(new UInt256(300)))));
        L1Fixture.Ok(l1.Send(L1Fixture.User, l1.Bridge, Bridge.DepositErc20(102, token, L1Fixture.User, new UInt256(300))));
        l1.Chain.Timestamp += l1.Window;
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Bridge, Finalize(state, w, w)));
        Assert.Equal(new UInt256(250), l1.CallWord(token, AbiValue.EncodeCall("balanceOf(address)", AbiValue.Address(Recipient))));
        Assert.Equal(new UInt256(50), l1.CallWord(token, AbiValue.EncodeCall("balanceOf(address)", AbiValue.Address(l1.Bridge))));
    }

    [Fact]
    public void A_withdrawal_from_a_rejected_superbatch_cannot_be_finalized()
    {
        var w = new Withdrawal(UInt256.One, L1Fixture.User, Recipient, Address.Zero, new UInt256(5));
        var (l1, state) = Recorded(w);
        l1.Fund(l1.Bridge, new UInt256(10));
        // Superbatch 1 claims the same (withdrawal-holding) state but a forged inbox on 102, then is rejected.
        var bad = new RollupSet(l1.ChainIds, seed: 2).ForgeInbox(1, 0, Keccak256.EmptyHash);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(bad.Roots)));
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1)));
        l1.Chain.Timestamp += l1.Window;
        var (account, storage) = state.Prove(L1Fixture.L2Withdrawals, w.Slot(102, L1Fixture.WithdrawalsBaseSlot));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Bridge, Bridge.FinalizeWithdrawal(1, 102, w, account, storage)), "NotFinalized(uint256)");
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Bridge, Bridge.FinalizeWithdrawal(0, 102, w, account, storage))); // the good one
    }
}
