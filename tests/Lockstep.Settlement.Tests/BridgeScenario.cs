using System.Buffers.Binary;
using System.Globalization;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// The whole deposit/withdrawal flow of issue 5 on one L1 (anvil or the embedded L1): ETH and LST deposits derived
/// from L1 into the right rollup, executed once across a sequencer restart, a refused ETH payout refunded, withdrawals
/// proved against a posted superbatch and paid only after the window, once, and never on a wrong proof; supply kept.
/// </summary>
internal static class BridgeScenario
{
    public static readonly UInt256 Ether = UInt256.Parse("1000000000000000000");
    private static readonly UInt256 EthDeposit = Ether;                                   // 1 ETH to rollup 902
    private static readonly UInt256 LstDeposit = new UInt256(500) * Ether;                // 500 LST to rollup 901
    private static readonly UInt256 RefusedDeposit = Ether / new UInt256(10);             // 0.1 ETH to MintBurn (no receive)
    private static readonly UInt256 EthWithdrawal = Ether * new UInt256(4) / new UInt256(10);
    private static readonly UInt256 LstWithdrawal = new UInt256(200) * Ether;
    private static readonly Address L1Recipient = Address.FromNumber(0xa11ce1);

    /// <param name="l1">The L1.</param>
    /// <param name="d">Its deployed contracts (window <paramref name="window"/> s).</param>
    /// <param name="deployerKey">Holds the L1 token supply.</param>
    /// <param name="userKey">A funded L1 account that deposits ETH.</param>
    /// <param name="sequencerKey">The bonded sequencer.</param>
    /// <param name="window">Challenge window of the inbox, seconds.</param>
    public static async Task RunAsync(JsonRpcL1Client l1, L1Deployment d, byte[] deployerKey, byte[] userKey, byte[] sequencerKey, ulong window)
    {
        var deployer = new L1Wallet(l1, deployerKey);
        var user = new L1Wallet(l1, userKey);
        var l2Db = new MemoryKeyValueStore();
        var feedDb = new MemoryKeyValueStore();
        using var set = new L2Set(l2Db, new PredeployOptions { L1Token = d.Token });
        Address holder = set.Users[2].Address;
        var deriver = new DepositDeriver(l1, new DepositDeriverOptions { Bridge = d.Bridge });
        var feed = new DepositFeed(deriver, feedDb);
        set.Sequencer.DepositSource = feed;
        UInt256 eth901 = Balance(set, 0, holder), eth902 = Balance(set, 1, holder);

        // --- deposits on L1: ETH -> 902, LST -> 901, ETH -> MintBurn on 901 (refuses ETH: refunded).
        Assert.True((await user.SendAsync(d.Bridge, Bridge.DepositEth(902, holder), EthDeposit)).Succeeded);
        await deployer.SendCheckedAsync(d.Token, AbiValue.EncodeCall("approve(address,uint256)", AbiValue.Address(d.Bridge), AbiValue.Uint(LstDeposit)));
        await deployer.SendCheckedAsync(d.Bridge, Bridge.DepositErc20(901, d.Token, holder, LstDeposit));
        Assert.True((await user.SendAsync(d.Bridge, Bridge.DepositEth(901, SystemAddresses.MintBurn), RefusedDeposit)).Succeeded);
        Assert.Equal(3, await feed.PollAsync());
        Assert.Equal(0, await feed.PollAsync()); // the L1 cursor moved on

        // The verifier's entry point derives the same three transactions.
        List<DerivedDeposit> derived = await deriver.ReadAsync(0, 3);
        Assert.Equal([0UL, 1UL, 2UL], derived.Select(x => x.Index));
        Assert.Equal([902UL, 901UL, 901UL], derived.Select(x => x.Event.ChainId));
        await Assert.ThrowsAsync<InvalidDataException>(() => deriver.ReadAsync(0, 4)); // deposit 3 does not exist yet

        // --- superblock 1 executes them at the start of the destination blocks, in queue order.
        set.Sequencer.BuildNext(1_700_000_001);
        Assert.Equal([derived[1].Transaction.Hash, derived[2].Transaction.Hash], DepositHashes(set.Block(0, 1)));
        Assert.Equal([derived[0].Transaction.Hash], DepositHashes(set.Block(1, 1)));
        Assert.Equal(eth902 + EthDeposit, Balance(set, 1, holder));   // the right rollup ...
        Assert.Equal(eth901, Balance(set, 0, holder));                // ... and not the other
        Assert.Equal(LstDeposit, Lst(set, 0, holder));
        Assert.Equal(UInt256.Zero, Lst(set, 1, holder));
        Assert.Equal(UInt256.Zero, BalanceOf(set, 0, SystemAddresses.MintBurn) - PredeployOptions.DefaultEthReserve); // refused
        foreach (Receipt r in Receipts(set, 0, 1).Concat(Receipts(set, 1, 1))) Assert.True(r.Success);

        // --- executed once: the next superblock, a restart of the sequencer and of the feed change nothing.
        set.Sequencer.BuildNext(1_700_000_002);
        Assert.Empty(DepositHashes(set.Block(0, 2)));
        feed.Dispose();
        set.Reopen();
        feed = new DepositFeed(deriver, feedDb);
        set.Sequencer.DepositSource = feed;
        Assert.Equal(0, await feed.PollAsync());
        set.Sequencer.BuildNext(1_700_000_003);
        Assert.Empty(DepositHashes(set.Block(0, 3)));
        Assert.Empty(DepositHashes(set.Block(1, 3)));
        Assert.Equal(eth902 + EthDeposit, Balance(set, 1, holder));
        Assert.Equal(LstDeposit, Lst(set, 0, holder));
        // A replayed deposit (a protocol transaction with an executed index) is refused by L2Bridge itself.
        Assert.Equal(3UL, Deposits.NextIndex(set.Sequencer.Chains.Select(c => c.Store.OpenHeadState().World)));

        // --- withdrawals on L2: 0.4 ETH from 902, 200 LST from 901, both to L1Recipient.
        Transaction wEth = set.Send(1, 2, SystemAddresses.L2Bridge, EthWithdrawal, L2BridgeAbi.Withdraw(Address.Zero, L1Recipient, EthWithdrawal), 200_000);
        Transaction wLst = set.Send(0, 2, SystemAddresses.L2Bridge, UInt256.Zero, L2BridgeAbi.Withdraw(SystemAddresses.CrossRollupToken, L1Recipient, LstWithdrawal), 200_000);
        set.Sequencer.BuildNext(1_700_000_004);
        L2Withdrawal ethW = Assert.Single(WithdrawalProver.FromTransaction(set.Sequencer.Chains[1], wEth.Hash));
        L2Withdrawal lstW = Assert.Single(WithdrawalProver.FromTransaction(set.Sequencer.Chains[0], wLst.Hash));
        L2Withdrawal refund = Assert.Single(WithdrawalProver.FromTransaction(set.Sequencer.Chains[0], derived[2].Transaction.Hash));
        Assert.Equal((Address.Zero, EthWithdrawal, holder), (ethW.Withdrawal.Token, ethW.Withdrawal.Amount, ethW.Withdrawal.From));
        Assert.Equal((d.Token, LstWithdrawal), (lstW.Withdrawal.Token, lstW.Withdrawal.Amount));
        Assert.Equal((user.Address, RefusedDeposit, SystemAddresses.L2Bridge), (refund.Withdrawal.To, refund.Withdrawal.Amount, refund.Withdrawal.From));
        // Independent check of the recorded key: keccak256(abi.encode(chainid, nonce, from, to, token, amount)) read back from the slot.
        Assert.Equal(UInt256.One, set.Sequencer.Chains[1].Store.OpenHeadState().World.GetStorage(SystemAddresses.L2Bridge,
            new UInt256(ethW.Withdrawal.Slot(902, L2BridgeAbi.WithdrawalsBaseSlot).ToArray())));

        // Property: deposits minus withdrawals = the L2 supply the bridge put out (ETH out of the reserves, LST minted).
        AssertSupply(set, ethIn: EthDeposit + RefusedDeposit, ethOut: EthWithdrawal + RefusedDeposit, lstIn: LstDeposit, lstOut: LstWithdrawal);

        // --- one superbatch covering blocks 1..4 commits to queue position 3.
        using var poster = new BatchPoster(l1, set.Sequencer.Superblocks, new MemoryKeyValueStore(), new BatchPosterOptions { Inbox = d.Inbox, SequencerKey = sequencerKey });
        PostedSuperbatch posted = (await poster.PostNextAsync())!;
        Assert.Equal((0UL, 1UL, 4UL), (posted.Index, posted.FirstHeight, posted.LastHeight));
        SuperbatchRecord record = SharedInbox.DecodeSuperbatch(await l1.CallAsync(d.Inbox, SharedInbox.Superbatch(0)));
        Assert.Equal(3UL, record.DepositCount);
        Assert.Equal(3UL, poster.Progress.DepositCount);

        // --- too early: the superbatch is not final.
        (ulong index, byte[] call) = (await WithdrawalProver.BuildFinalizeCallAsync(l1, d.Inbox, set.Sequencer.Chains[1], ethW))!.Value;
        Assert.Equal(0UL, index);
        L1Exception early = await Assert.ThrowsAsync<L1Exception>(() => user.SendAsync(d.Bridge, call));
        Assert.StartsWith(Hex.Encode(AbiValue.Selector("NotFinalized(uint256)")), early.RevertData ?? early.Message);

        // --- after the window: paid once.
        await Task.Delay(TimeSpan.FromSeconds(window + 1));
        // Blocks with a timestamp past the window (an instant-mining L1 runs ahead of the clock by a second a block).
        for (int i = 0; i < 60 && Word(await l1.CallAsync(d.Inbox, SharedInbox.IsFinalized(0))) == 0; i++)
            await user.SendCheckedAsync(user.Address, [], UInt256.One);
        Assert.Equal(1UL, Word(await l1.CallAsync(d.Inbox, SharedInbox.IsFinalized(0))));
        await user.SendCheckedAsync(d.Bridge, call);
        await user.SendCheckedAsync(d.Bridge, (await WithdrawalProver.BuildFinalizeCallAsync(l1, d.Inbox, set.Sequencer.Chains[0], lstW))!.Value.Calldata);
        L1Receipt refunded = await user.SendCheckedAsync(d.Bridge, (await WithdrawalProver.BuildFinalizeCallAsync(l1, d.Inbox, set.Sequencer.Chains[0], refund))!.Value.Calldata);
        Assert.Contains(refunded.Logs, log => log.Topics[0] == AbiValue.EventTopic("WithdrawalFinalized(uint256,bytes32,address,address,uint256)")
            && log.Topics[3] == new Hash256(user.Address.ToUInt256().ToBigEndian()));
        Assert.Equal(EthWithdrawal, await EthBalance(l1, L1Recipient));
        Assert.Equal(LstWithdrawal, new UInt256(await l1.CallAsync(d.Token, AbiValue.EncodeCall("balanceOf(address)", AbiValue.Address(L1Recipient)))));
        // L1 side of the property: the bridge holds deposits minus paid withdrawals.
        Assert.Equal(EthDeposit + RefusedDeposit - EthWithdrawal - RefusedDeposit, await EthBalance(l1, d.Bridge));
        Assert.Equal(LstDeposit - LstWithdrawal, new UInt256(await l1.CallAsync(d.Token, AbiValue.EncodeCall("balanceOf(address)", AbiValue.Address(d.Bridge)))));

        // --- a replay and a wrong proof are refused; nothing more is paid.
        L1Exception replay = await Assert.ThrowsAsync<L1Exception>(() => user.SendAsync(d.Bridge, call));
        Assert.StartsWith(Hex.Encode(AbiValue.Selector("AlreadyFinalized(bytes32)")), replay.RevertData ?? replay.Message);
        Withdrawal inflated = ethW.Withdrawal with { Amount = ethW.Withdrawal.Amount + Ether };
        AccountProof proof = set.Sequencer.Chains[1].GetProof(set.Block(1, 4).Header, SystemAddresses.L2Bridge, [new UInt256(ethW.Withdrawal.Slot(902, L2BridgeAbi.WithdrawalsBaseSlot).ToArray())]);
        // The true proof of the true slot, presented for another withdrawal: the slot it proves is not the one checked.
        await Assert.ThrowsAsync<L1Exception>(() => user.SendAsync(d.Bridge, Bridge.FinalizeWithdrawal(0, 902, inflated, proof.AccountProofNodes, proof.StorageProofs[0].Proof)));
        // The honest proof of the inflated withdrawal's own slot proves it absent.
        L1Exception absent = await Assert.ThrowsAsync<L1Exception>(() => user.SendAsync(d.Bridge, WithdrawalProver.BuildFinalizeCall(set.Sequencer.Chains[1], 0, 4, inflated)));
        Assert.StartsWith(Hex.Encode(AbiValue.Selector("WithdrawalNotRecorded(bytes32,bytes32)")), absent.RevertData ?? absent.Message);
        Assert.Equal(EthWithdrawal, await EthBalance(l1, L1Recipient));
        feed.Dispose();
    }

    /// <summary>Σ over rollups of (reserve at genesis - L2Bridge balance) and of LST totalSupply equal deposits - withdrawals.</summary>
    public static void AssertSupply(L2Set set, UInt256 ethIn, UInt256 ethOut, UInt256 lstIn, UInt256 lstOut)
    {
        UInt256 ethOutOfReserve = UInt256.Zero, lst = UInt256.Zero;
        for (int r = 0; r < L2Set.ChainIds.Length; r++)
        {
            ethOutOfReserve += PredeployOptions.DefaultEthReserve - BalanceOf(set, r, SystemAddresses.L2Bridge);
            lst += new UInt256(set.Sequencer.Chains[r].Store.OpenHeadState().World.GetStorage(SystemAddresses.CrossRollupToken, new UInt256(2)).ToBigEndian());
        }
        Assert.Equal(ethIn - ethOut, ethOutOfReserve);
        Assert.Equal(lstIn - lstOut, lst);
    }

    private static IEnumerable<Hash256> DepositHashes(Block b) => b.Transactions.Where(DepositDeriver.IsDeposit).Select(t => t.Hash);

    private static IReadOnlyList<Receipt> Receipts(L2Set set, int rollup, ulong height) => set.Sequencer.Chains[rollup].GetBlock(height)!.Receipts;

    private static UInt256 Balance(L2Set set, int rollup, Address a) => BalanceOf(set, rollup, a);

    private static UInt256 BalanceOf(L2Set set, int rollup, Address a) => set.Sequencer.Chains[rollup].Store.OpenHeadState().World.GetBalance(a);

    private static UInt256 Lst(L2Set set, int rollup, Address a) =>
        set.Sequencer.Chains[rollup].Store.OpenHeadState().World.GetStorage(SystemAddresses.CrossRollupToken, Lockstep.SystemContracts.MessageTreesLayout.MappingSlot(a, UInt256.Zero));

    public static async Task<UInt256> EthBalance(JsonRpcL1Client l1, Address a)
    {
        string hex = (await l1.RequestAsync("eth_getBalance", [a.ToString(), "latest"])).GetString()!;
        return UInt256.Parse(System.Numerics.BigInteger.Parse("0" + hex[2..], NumberStyles.HexNumber).ToString(CultureInfo.InvariantCulture));
    }

    private static ulong Word(byte[] output) => BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24));
}
