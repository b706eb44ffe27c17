using Lockstep.Execution;
using Lockstep.Primitives;

namespace Lockstep.L1Contracts.Tests;

/// <summary>L1SequencerRegistry: bonds, the round-robin leader schedule, unbonding delay and slashing access.</summary>
public class RegistryTests
{
    private static Address Leader(L1Fixture l1) => Address.FromUInt256(l1.CallWord(l1.Registry, SequencerRegistry.CurrentLeader()));

    [Fact]
    public void A_bond_below_the_minimum_is_refused_and_a_single_bonded_sequencer_is_always_leader()
    {
        var l1 = new L1Fixture(epochLength: 3);
        Assert.Equal(Address.Zero, Leader(l1));
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.Bond(), L1Fixture.MinBond - UInt256.One), "BondTooSmall(uint256,uint256)");
        l1.Bond(L1Fixture.SequencerA);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(L1Fixture.SequencerA, Leader(l1));
            l1.Chain.BlockNumber++;
        }
        // A top-up of any size is accepted once bonded.
        L1Fixture.Ok(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.Bond(), UInt256.One));
        TransactionResult bond = l1.Call(l1.Registry, SequencerRegistry.Bonds(L1Fixture.SequencerA));
        Assert.Equal(L1Fixture.MinBond + UInt256.One, new UInt256(bond.Output.AsSpan(0, 32)));
    }

    [Fact]
    public void The_leader_rotates_round_robin_per_epoch_in_bonding_order()
    {
        const ulong epoch = 4;
        var l1 = new L1Fixture(epochLength: epoch);
        Address c = Address.FromHex("0x000000000000000000000000000000000000c0c1");
        l1.Fund(c, L1Fixture.OneEther * new UInt256(10));
        Address[] order = [L1Fixture.SequencerA, L1Fixture.SequencerB, c];
        foreach (Address s in order) l1.Bond(s);
        Assert.Equal(order, SequencerRegistry.DecodeAddressArray(l1.Call(l1.Registry, SequencerRegistry.ActiveSequencers()).Output));
        for (ulong block = 100; block < 130; block++)
        {
            l1.Chain.BlockNumber = block;
            // The documented rule: active[(block.number / epochLength) % active.length].
            Assert.Equal(order[(block / epoch) % 3], Leader(l1));
        }
    }

    [Fact]
    public void Unbonding_leaves_the_schedule_at_once_and_pays_only_after_the_delay()
    {
        var l1 = new L1Fixture(window: 1000);
        l1.Bond(L1Fixture.SequencerA);
        l1.Bond(L1Fixture.SequencerB);
        ulong requestedAt = l1.Chain.Timestamp;
        L1Fixture.Ok(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.RequestUnbond()));
        for (int i = 0; i < 5; i++, l1.Chain.BlockNumber += 1000) Assert.Equal(L1Fixture.SequencerB, Leader(l1));
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.Bond(), L1Fixture.MinBond), "Unbonding(address)");
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.WithdrawBond()), "UnbondDelayNotOver(uint256,uint256)");
        ulong unbondableAt = (ulong)new UInt256(l1.Call(l1.Registry, SequencerRegistry.Bonds(L1Fixture.SequencerA)).Output.AsSpan(32, 32));
        Assert.Equal(requestedAt + 1000, unbondableAt);
        l1.Chain.Timestamp = unbondableAt - 1; // one second inside the 1000 s delay
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.WithdrawBond()), "UnbondDelayNotOver(uint256,uint256)");
        l1.Chain.Timestamp = unbondableAt;
        UInt256 before = l1.Balance(L1Fixture.SequencerA);
        L1Fixture.Ok(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.WithdrawBond()));
        Assert.Equal(before + L1Fixture.MinBond, l1.Balance(L1Fixture.SequencerA)); // gas price is zero in the harness
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.WithdrawBond()), "NotUnbonding(address)");
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerB, l1.Registry, SequencerRegistry.WithdrawBond()), "NotUnbonding(address)");
    }

    [Fact]
    public void Only_the_inbox_slashes_and_the_inbox_is_set_once()
    {
        var l1 = new L1Fixture();
        l1.Bond(L1Fixture.SequencerA);
        byte[] slash = AbiValue.EncodeCall("slash(address,address)", AbiValue.Address(L1Fixture.SequencerA), AbiValue.Address(L1Fixture.Challenger));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Registry, slash), "OnlyInbox()");
        L1Fixture.Reverts(l1.Send(L1Fixture.Deployer, l1.Registry, SequencerRegistry.SetInbox(L1Fixture.Deployer)), "InboxAlreadySet()");
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Registry, SequencerRegistry.SetInbox(L1Fixture.Challenger)), "OnlyDeployer()");
    }
}
