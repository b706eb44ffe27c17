using CsCheck;
using Lockstep.Execution;
using Lockstep.Primitives;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>Random workloads over three rollups: burns, ETH burns and triggers, some deliveries skipped.</summary>
public class PropertyTests
{
    /// <summary>One step: 0 = burn LST, 1 = burn ETH, 2 = trigger; source index, destination offset, amount, user, skip.</summary>
    private sealed record Step(int Kind, int Source, int DestinationOffset, int Amount, int User, bool Skip);

    private static readonly Gen<Step> GenStep = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[1, 5_000], Gen.Int[0, 1], Gen.Int[0, 9],
        (kind, source, offset, amount, user, skip) => new Step(kind, source, offset, amount, user, skip < 2));

    [Fact]
    public void Roots_are_equal_exactly_for_the_pairs_whose_messages_were_all_delivered_and_supply_is_conserved()
    {
        GenStep.Array[1, 14].Sample(steps =>
        {
            var set = new RollupSet(3);
            Address receiver = BridgeTests.DeployReceiver(set);
            UInt256 ethEach = new(1_000_000);
            foreach (ulong id in set.Ids)
            {
                set[id].State.AddBalance(Alice, ethEach);
                set[id].State.AddBalance(Bob, ethEach);
                set[id].State.CommitTransaction();
            }
            var broken = new HashSet<(ulong, ulong)>();
            UInt256 lstInFlight = UInt256.Zero, ethInFlight = UInt256.Zero;

            foreach (Step step in steps)
            {
                ulong source = set.Ids[step.Source], destination = set.Ids[(step.Source + 1 + step.DestinationOffset) % 3];
                Address user = step.User == 0 ? Alice : Bob;
                UInt256 amount = new((ulong)step.Amount);
                TransactionResult r = step.Kind switch
                {
                    0 => set.Send(source, user, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, amount, destination, Carol)),
                    1 => set.Send(source, user, SystemAddresses.MintBurn, SystemCalldata.BurnEth(destination, Carol), amount),
                    _ => set.Send(source, user, SystemAddresses.Messenger, SystemCalldata.Trigger(destination, receiver, Call("record(uint256)", ("uint256", Big((ulong)step.Amount))), new UInt256(100_000))),
                };
                if (!r.Success)
                {
                    // Only an unaffordable token burn may fail (the user holds no LST on that rollup yet).
                    Assert.Equal(0, step.Kind);
                    Assert.Empty(r.Logs);
                    continue;
                }
                CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(r.Logs, source));
                Assert.Equal(destination, m.Destination);
                bool owedBefore = broken.Contains((source, destination));
                if (step.Skip || owedBefore)
                {
                    // Strict order: once a message is skipped every later one on the pair is refused.
                    if (owedBefore) Assert.False(set.Deliver(m).Success);
                    broken.Add((source, destination));
                    if (step.Kind == 0) lstInFlight += amount;
                    if (step.Kind == 1) ethInFlight += amount;
                }
                else
                {
                    set.DeliverAll([m]);
                }

                foreach (ulong x in set.Ids)
                foreach (ulong y in set.Ids)
                    if (x != y) Assert.Equal(!broken.Contains((x, y)), set.InvariantHolds(x, y));
                set.AssertTreesMatchRecords();
            }

            UInt256 supply = UInt256.Zero, eth = UInt256.Zero;
            foreach (ulong id in set.Ids)
            {
                supply += set.LstSupply(id);
                eth += set[id].State.GetBalance(Alice) + set[id].State.GetBalance(Bob) + set[id].State.GetBalance(Carol);
            }
            Assert.Equal(InitialLst + InitialLst, supply + lstInFlight);
            Assert.Equal(new UInt256(6_000_000), eth + ethInFlight);
        }, iter: 40);
    }
}
