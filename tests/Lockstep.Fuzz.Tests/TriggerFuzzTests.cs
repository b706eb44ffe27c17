using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;
using Lockstep.Transactions;
using Lockstep.Workload;
using Lockstep.Workload.Tests;
using Xunit.Abstractions;

namespace Lockstep.Fuzz.Tests;

/// <summary>
/// Random message payloads and gas limits through <c>Messenger.trigger</c> (and random burns), built superblock by
/// superblock in process (seeded): destinations in and outside the set, targets among the system contracts, the token
/// and random addresses, payloads of random bytes or token calls, gas limits from 0 to 2^256-1. Every bundle ends
/// Included, IncludedReverted, Rejected or Invalid; no build throws; after every superblock every outbox root equals
/// its inbox root and each superblock's gas stays within the block gas limit (execution bounded by gas on every path).
/// </summary>
public sealed class TriggerFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_triggers_and_gas_limits_keep_outbox_equal_to_inbox()
    {
        var rng = new Random(1_002);
        using var set = new SpamSet(honestSenders: 8, adversaries: 0, slotsPerRollup: 200, protection: null);
        var outcomes = new Dictionary<BundleOutcome, int>();
        UInt256[] gasLimits =
        [
            UInt256.Zero, UInt256.One, new(21_000), new(50_000), new(1_000_000), new(19_999_999), new(20_000_000), new(20_000_001),
            new(30_000_000), new(ulong.MaxValue), UInt256.Parse("340282366920938463463374607431768211456"), UInt256.MaxValue,
        ];
        for (int superblock = 0; superblock < 25; superblock++)
        {
            for (int k = 0; k < 40; k++)
            {
                int rollup = rng.Next(SpamSet.Rollups);
                DevAccount from = set.Honest[rng.Next(set.Honest.Count)];
                ulong nonce = set.Sequencer.Chains[rollup].Pool.GetPendingNonce(from.Address);
                ulong destination = rng.Next(8) switch { 0 => 0, 1 => 424242, 2 => set.ChainIds[rollup], _ => set.ChainIds[rng.Next(set.ChainIds.Count)] };
                Address target = rng.Next(6) switch
                {
                    0 => SystemAddresses.CrossRollupToken,
                    1 => SystemAddresses.MintBurn,
                    2 => SystemAddresses.Messenger,
                    3 => SystemAddresses.ProtocolSender,
                    _ => Address.FromUInt256(new UInt256((ulong)rng.NextInt64())),
                };
                byte[] payload = rng.Next(3) switch
                {
                    0 => SystemCalldata.Transfer(from.Address, new UInt256((ulong)rng.Next())),
                    1 => SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256((ulong)rng.Next(1, 1000)), set.ChainIds[rng.Next(set.ChainIds.Count)], from.Address),
                    _ => RandomBytes(rng, rng.Next(0, 300)),
                };
                byte[] data = rng.Next(5) == 0
                    ? SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256((ulong)rng.Next(1, 1000)), destination, from.Address)
                    : SystemCalldata.Trigger(destination, target, payload, gasLimits[rng.Next(gasLimits.Length)]);
                Address to = data.AsSpan(0, 4).SequenceEqual(SystemCalldata.Burn(Address.Zero, UInt256.One, 1, Address.Zero).AsSpan(0, 4)) ? SystemAddresses.MintBurn : SystemAddresses.Messenger;
                Transaction tx = WorkloadGenerator.Eip1559(set.ChainIds[rollup], nonce, to, UInt256.Zero, (ulong)rng.Next(30_000, 2_000_000),
                    UInt256.Parse("100000000000"), UInt256.Parse("1000000000"), data);
                PreparedTransaction p = WorkloadGenerator.Sign(rollup, WorkloadKind.CrossCall, from, tx);
                set.Sequencer.Chains[rollup].Pool.Add(TransactionDecoder.DecodeUser(p.Raw));
            }
            Superblock sb = set.Build();
            foreach (BundleReport r in sb.Bundles) outcomes[r.Outcome] = outcomes.GetValueOrDefault(r.Outcome) + 1;
            foreach (RollupBlock b in sb.Blocks) Assert.True(b.Built.Block.Header.GasUsed <= b.Built.Block.Header.GasLimit);
            AssertRootsEqual(set);
        }
        output.WriteLine(string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(outcomes.GetValueOrDefault(BundleOutcome.Included) > 0);
        Assert.True(outcomes.GetValueOrDefault(BundleOutcome.Rejected) > 0);
        Assert.True(outcomes.GetValueOrDefault(BundleOutcome.IncludedReverted) > 0);
    }

    private static void AssertRootsEqual(SpamSet set)
    {
        var states = set.Sequencer.Chains.Select(c => c.Store.OpenHeadState()).ToArray();
        for (int x = 0; x < states.Length; x++)
            for (int y = 0; y < states.Length; y++)
            {
                if (x == y) continue;
                Assert.Equal(MessageTreesLayout.ReadOutboxRoot(states[x].World, set.ChainIds[y]), MessageTreesLayout.ReadInboxRoot(states[y].World, set.ChainIds[x]));
            }
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }
}
