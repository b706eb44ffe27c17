using CsCheck;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer.Tests;

/// <summary>
/// Random workloads over 2-4 rollups: random users, amounts, destinations, failing legs (reverting and out-of-gas
/// actions, paused token), nested actions. After every superblock: LST supply and ETH conserved across the set,
/// every outbox root equal to its inbox root, and a replay in which every rejected transaction is replaced by an
/// invalid one (same positions, so the same global order) gives byte-identical blocks: a rejected bundle leaves
/// nothing behind.
/// </summary>
public class PropertyTests
{
    /// <summary>One user operation: kind 0 transfer, 1 burn LST, 2 burn ETH, 3 action ok, 4 action reverts, 5 action out of gas, 6 pause/unpause, 7 nested action.</summary>
    private readonly record struct Op(int Kind, int Rollup, byte User, int DestinationOffset, long Amount, bool Flag);

    private static readonly Gen<Op> GenOp =
        from kind in Gen.Int[0, 7]
        from rollup in Gen.Int[0, 3]
        from user in Gen.Int[1, RollupSet.Users]
        from dest in Gen.Int[1, 3]
        from amount in Gen.Long[1, 2_000_000]
        from flag in Gen.Bool
        select new Op(kind, rollup, (byte)user, dest, amount, flag);

    private static readonly Gen<(int Rollups, Op[][] Superblocks)> GenWorkload =
        from n in Gen.Int[2, 4]
        from blocks in GenOp.Array[1, 10].Array[1, 3]
        select (n, blocks);

    [Fact]
    public void RandomWorkloads_ConserveSupply_KeepTreesEqual_AndRejectedBundlesLeaveNoTrace()
    {
        var outcomes = new int[4];
        int deliveries = 0;
        GenWorkload.Sample(w => Run(w.Rollups, w.Superblocks, outcomes, ref deliveries), iter: 1000, threads: 1,
            print: w => $"{w.Rollups} rollups: " + string.Join(" | ", w.Superblocks.Select(b => string.Join(", ", b))));
        // The workloads really mix every outcome (a generator that never fails a leg would prove nothing).
        Assert.All(outcomes, count => Assert.True(count > 100, $"outcomes {string.Join(",", outcomes)}"));
        Assert.True(deliveries > 1000, $"{deliveries} deliveries");
    }

    private static void Run(int n, Op[][] superblocks, int[] outcomes, ref int deliveries)
    {
        var set = new RollupSet(n);
        var replay = new RollupSet(n);
        UInt256 initialEth = UInt256.Zero;
        for (int r = 0; r < n; r++) initialEth += TrackedEth(set, r);
        UInt256 burnt = UInt256.Zero;
        var paused = new bool[n];

        foreach (Op[] ops in superblocks)
        {
            var candidates = new List<Transaction>[n];
            for (int r = 0; r < n; r++) candidates[r] = new List<Transaction>();
            var nextNonce = new Dictionary<(int, byte), ulong>();
            foreach (Op op in ops)
            {
                int r = op.Rollup % n;
                byte user = op.Kind == 6 ? RollupSet.AdminKey : op.User;
                if (!nextNonce.TryGetValue((r, user), out ulong nonce)) nonce = set.Nonce(r, RollupSet.AddressOf(user));
                nextNonce[(r, user)] = nonce + 1;
                candidates[r].Add(Materialize(set, op, r, user, nonce, n, paused));
            }
            Superblock sb = set.Build(candidates);

            // The replay: same candidate positions, each rejected transaction swapped for one that is invalid (signed
            // for another chain), so the global order is unchanged and only the rejected bundles are missing.
            var replayCandidates = new List<Transaction>[n];
            for (int r = 0; r < n; r++)
            {
                replayCandidates[r] = new List<Transaction>(candidates[r]);
                for (int k = 0; k < replayCandidates[r].Count; k++)
                {
                    Hash256 h = replayCandidates[r][k].Hash;
                    if (sb.Bundles.Any(b => b.TxHash == h && b.Outcome == BundleOutcome.Rejected))
                        replayCandidates[r][k] = Junk(set, r);
                }
            }
            Superblock again = replay.Build(replayCandidates);
            foreach (BundleReport b in sb.Bundles)
            {
                outcomes[(int)b.Outcome]++;
                deliveries += Math.Max(0, b.Legs.Count - 1);
            }
            for (int r = 0; r < n; r++) Assert.Equal(sb.Blocks[r].Built.Block.Hash, again.Blocks[r].Built.Block.Hash);
            foreach (BundleReport b in sb.Bundles)
                if (b.Outcome is BundleOutcome.Rejected or BundleOutcome.Invalid)
                    Assert.DoesNotContain(sb.BlockOf(b.ChainId).Block.Transactions, t => t.Hash == b.TxHash);

            // Conservation across the set.
            UInt256 supply = UInt256.Zero, reserves = UInt256.Zero, eth = UInt256.Zero;
            for (int r = 0; r < n; r++)
            {
                supply += set.TokenSupply(r);
                reserves += set.Eth(r, SystemAddresses.MintBurn);
                eth += TrackedEth(set, r);
                burnt += BurntFees(sb.Blocks[r].Built);
            }
            Assert.Equal(RollupSet.TokenFunding * (ulong)RollupSet.Users, supply);
            Assert.Equal(PredeployOptions.DefaultEthReserve * (ulong)n, reserves);
            Assert.Equal(initialEth, eth + burnt);
            set.AssertTreesMatch();
        }
    }

    private static Transaction Materialize(RollupSet set, Op op, int r, byte user, ulong nonce, int n, bool[] paused)
    {
        int d = (r + op.DestinationOffset % (n - 1) + (op.DestinationOffset % (n - 1) == 0 ? n - 1 : 0)) % n;
        if (d == r) d = (r + 1) % n;
        ulong dest = set.ChainIds[d];
        Address to = RollupSet.User((byte)(op.Amount % RollupSet.Users + 1));
        UInt256 milli = new UInt256((ulong)op.Amount) * new UInt256(1_000_000_000_000_000); // amount in 1e-3 units: up to 2000 tokens/ether
        switch (op.Kind)
        {
            case 0:
                return set.Call(r, user, to, [], new UInt256((ulong)op.Amount), 21_000, nonce);
            case 1: // may exceed the balance (reverts on the source); fails on the destination when the token is paused there
                return set.Call(r, user, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, milli * 1000, dest, to), gas: 400_000, explicitNonce: nonce);
            case 2: // beyond 1000 ether: not affordable, invalid
                return set.Call(r, user, SystemAddresses.MintBurn, SystemCalldata.BurnEth(dest, to), milli, 400_000, nonce);
            case 3:
            case 4:
            case 5:
                byte[] call = op.Kind == 3 ? RollupSet.ProbeRecord : op.Kind == 4 ? RollupSet.ProbeFail("no") : RollupSet.ProbeExhaust;
                return set.Call(r, user, SystemAddresses.Messenger, SystemCalldata.Trigger(dest, RollupSet.Probe, call, new UInt256(150_000)), gas: 600_000, explicitNonce: nonce);
            case 6:
                paused[r] = !paused[r];
                return set.Call(r, user, SystemAddresses.CrossRollupToken, RollupSet.Abi("setPaused(bool)", paused[r]), gas: 100_000, explicitNonce: nonce);
            default:
                // Nested: action on dest relays to the next rollup (back to the source when n == 2), which records or fails.
                ulong third = set.ChainIds[(d + 1) % n];
                byte[] last = op.Flag ? RollupSet.ProbeRecord : RollupSet.ProbeFail("nested no");
                byte[] relay = RollupSet.ProbeRelay(third, RollupSet.Probe, last, 150_000);
                return set.Call(r, user, SystemAddresses.Messenger, SystemCalldata.Trigger(dest, RollupSet.Probe, relay, new UInt256(500_000)), gas: 1_000_000, explicitNonce: nonce);
        }
    }

    private static Transaction Junk(RollupSet set, int r) =>
        new Transaction { Type = TxType.DynamicFee, ChainId = new UInt256(set.ChainIds[r] + 1000), GasLimit = 21_000, MaxFeePerGas = new UInt256(10_000_000_000), To = RollupSet.User(1) }
            .Sign(RollupSet.Key(1));

    /// <summary>ETH held by every account a workload can pay (users, admin, coinbase, probe); MintBurn's reserve excluded.</summary>
    private static UInt256 TrackedEth(RollupSet set, int r)
    {
        UInt256 sum = set.Eth(r, RollupSet.AddressOf(RollupSet.AdminKey)) + set.Eth(r, RollupSet.Coinbase) + set.Eth(r, RollupSet.Probe);
        for (byte u = 1; u <= RollupSet.Users; u++) sum += set.Eth(r, RollupSet.User(u));
        return sum;
    }

    /// <summary>EIP-1559 base fee burnt in a block: base fee times the gas of its user transactions (system transactions pay no fee).</summary>
    private static UInt256 BurntFees(BuiltBlock built)
    {
        ulong userGas = 0, previous = 0;
        for (int i = 0; i < built.Receipts.Count; i++)
        {
            ulong gas = built.Receipts[i].CumulativeGasUsed - previous;
            previous = built.Receipts[i].CumulativeGasUsed;
            if (!built.Block.Transactions[i].IsSystem) userGas += gas;
        }
        return built.Block.Header.BaseFeePerGas!.Value * userGas;
    }
}
