using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// A user whose bundle the cheating build rejected (its 901 -> 902 delivery failed on the cheated inbox) had sent a later
/// transaction that then waited in the pool behind the nonce gap. The rebuild re-includes the rejected one at its height
/// AND the queued one at the height where an honest run includes it (the pool's arrival watermark recorded at that
/// selection): the result is the honest run, block hashes included.
/// </summary>
public class QueuedBehindRejectedTests
{
    private static readonly UInt256 Amount = new(123_456_789);

    private static void Step(RecoverySet s, ulong height)
    {
        Address user6 = RecoverySet.Accounts[6].Address;
        if (height <= 3)
        {
            s.Send(0, 4, SystemAddresses.MintBurn, Amount, SystemCalldata.BurnEth(902, user6), 400_000);
            s.Send(0, 5, SystemAddresses.MintBurn, Amount, SystemCalldata.BurnEth(902, user6), 400_000);
        }
        else if (height == 4) s.Send(0, 4, SystemAddresses.MintBurn, Amount, SystemCalldata.BurnEth(902, user6), 400_000); // rejected by the cheater
        else if (height == 5) s.Send(0, 4, user6, Amount); // queued behind it in the cheating run
    }

    private static void Run(RecoverySet s)
    {
        for (ulong h = 1; h <= 6; h++)
        {
            Step(s, h);
            s.Set.BuildNext(RecoverySet.GenesisTime + h);
        }
    }

    [Fact]
    public async Task The_later_nonce_is_rebuilt_at_its_honest_height()
    {
        await using RecoverySet honest = RecoverySet.Open();
        Run(honest);
        await using RecoverySet cheat = RecoverySet.Open(null, new InjectedFault(FaultKind.DropMint, 3));
        Run(cheat);
        // The cheating run: the burn of height 4 was rejected, the transfer of height 5 never selected.
        Assert.Equal(1, cheat.Set.Chains[0].Pool.Count);
        Assert.Equal(0, cheat.Set.Chains[0].Pool.PendingCount);

        RecoveryReport report = cheat.Set.RecoverTo(2);

        Assert.Empty(report.Dropped);
        Assert.Equal(0, cheat.Set.Chains[0].Pool.Count);
        Assert.Equal(RecoverySet.Snapshot(honest.Set), RecoverySet.Snapshot(cheat.Set));
        for (int r = 0; r < 2; r++)
            for (ulong n = 1; n <= 6; n++)
                Assert.Equal(honest.Set.Chains[r].GetBlock(n)!.Hash, cheat.Set.Chains[r].GetBlock(n)!.Hash);
    }
}
