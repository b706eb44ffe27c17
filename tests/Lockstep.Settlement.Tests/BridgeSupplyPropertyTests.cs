using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;

namespace Lockstep.Settlement.Tests;

/// <summary>Property (issue 5): after every superblock of random deposits and withdrawals, deposits - withdrawals = L2 supply.</summary>
public class BridgeSupplyPropertyTests
{
    private sealed class ListSource : IDepositSource
    {
        public readonly List<DepositTransaction> Items = new();

        public IReadOnlyList<DepositTransaction> Pending(ulong nextIndex, int max)
        {
            var r = new List<DepositTransaction>();
            foreach (DepositTransaction d in Items) if (d.Index >= nextIndex && r.Count < max) r.Add(d);
            return r;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Deposits_minus_withdrawals_equal_the_L2_supply(int seed)
    {
        var rng = new Random(seed);
        Address l1Token = Address.FromNumber(0x70c3);
        using var set = new L2Set(predeploy: new PredeployOptions { L1Token = l1Token });
        var source = new ListSource();
        set.Sequencer.DepositSource = source;
        UInt256 ethIn = UInt256.Zero, ethOut = UInt256.Zero, lstIn = UInt256.Zero, lstOut = UInt256.Zero;
        var lstHeld = new UInt256[2]; // LST of user 2 on each rollup
        ulong index = 0;
        for (int round = 0; round < 6; round++)
        {
            for (int k = rng.Next(0, 5); k > 0; k--)
            {
                int rollup = rng.Next(2);
                bool lst = rng.Next(2) == 0;
                UInt256 amount = new((ulong)rng.Next(1, 1_000_000));
                var e = new DepositQueuedEvent(L2Set.ChainIds[rollup], index++, set.Users[0].Address, set.Users[2].Address, lst ? l1Token : Address.Zero, amount, []);
                source.Items.Add(new DepositTransaction(e.DepositIndex, e.ChainId, DepositDeriver.ToSystemTransaction(e, 1)));
                if (lst) { lstIn += amount; lstHeld[rollup] += amount; } else ethIn += amount;
            }
            for (int r = 0; r < 2; r++)
            {
                if (rng.Next(2) == 0) continue;
                UInt256 eth = new((ulong)rng.Next(1, 1000));
                set.Send(r, 2, SystemAddresses.L2Bridge, eth, L2BridgeAbi.Withdraw(Address.Zero, set.Users[0].Address, eth), 200_000);
                ethOut += eth;
            }
            set.Sequencer.BuildNext(1_700_000_000 + set.Sequencer.Height + 1);
            // LST withdrawals from what the previous superblocks delivered.
            for (int r = 0; r < 2; r++)
            {
                if (lstHeld[r].IsZero) continue;
                UInt256 part = lstHeld[r] / new UInt256(2) + UInt256.One;
                set.Send(r, 2, SystemAddresses.L2Bridge, UInt256.Zero, L2BridgeAbi.Withdraw(SystemAddresses.CrossRollupToken, set.Users[0].Address, part), 200_000);
                lstHeld[r] -= part;
                lstOut += part;
            }
            set.Sequencer.BuildNext(1_700_000_000 + set.Sequencer.Height + 1);
            BridgeScenario.AssertSupply(set, ethIn, ethOut, lstIn, lstOut);
        }
        Assert.Equal(index, Deposits.NextIndex(set.Sequencer.Chains.Select(c => c.Store.OpenHeadState().World)));
    }
}
