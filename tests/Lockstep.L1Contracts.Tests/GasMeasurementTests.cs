using System.Text.Json;
using Lockstep.Execution;
using Lockstep.Primitives;
using Xunit.Abstractions;

namespace Lockstep.L1Contracts.Tests;

/// <summary>
/// L1 gas of submit (by rollups, data bytes and mode) and of a fraud proof on our EVM (Cancun rules: calldata 16 gas per
/// non-zero byte, 4 per zero byte; no EIP-7623 floor). The numbers are printed for docs/l1-contracts.md; the assertions
/// check the shape (linear in data, bounded by the block gas limit).
/// </summary>
public class GasMeasurementTests(ITestOutputHelper output)
{
    private static ulong CalldataGas(byte[] data)
    {
        ulong gas = 0;
        foreach (byte b in data) gas += b == 0 ? 4UL : 16UL;
        return gas;
    }

    private (ulong Total, ulong Calldata) MeasureSubmit(int rollups, int dataBytes, bool eager)
    {
        var ids = Enumerable.Range(0, rollups).Select(i => 1000UL + (ulong)i).ToList();
        var l1 = new L1Fixture(chainIds: ids, eager: eager);
        l1.Bond(L1Fixture.SequencerA);
        var set = new RollupSet(ids, seed: 1, filler: 300);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, dataBytes: dataBytes, eager: eager ? set.EagerProofs() : null)));
        // Steady state: the second superbatch (the counter slot is already non-zero).
        SuperbatchSubmission s = l1.NextSuperbatch(set.Roots, blocks: 10, dataBytes: dataBytes, eager: eager ? set.EagerProofs() : null);
        byte[] calldata = s.EncodeCalldata();
        TransactionResult r = l1.Submit(L1Fixture.SequencerA, s);
        L1Fixture.Ok(r);
        return ((ulong)r.GasUsed, CalldataGas(calldata));
    }

    [Fact]
    public void Submit_gas_by_rollups_and_data()
    {
        output.WriteLine("| rollups | data bytes per rollup | mode | gas used | of which calldata | execution (minus 21000 and calldata) |");
        output.WriteLine("| ---: | ---: | --- | ---: | ---: | ---: |");
        foreach (int rollups in new[] { 1, 2, 4, 8 })
        {
            ulong previous = 0;
            foreach (int bytes in new[] { 0, 1_000, 10_000, 100_000 })
            {
                var (total, calldata) = MeasureSubmit(rollups, bytes, eager: false);
                output.WriteLine($"| {rollups} | {bytes} | lazy | {total} | {calldata} | {total - 21000 - calldata} |");
                Assert.True(total > previous);
                previous = total;
                Assert.True(total < 30_000_000);
            }
        }
        foreach (int rollups in new[] { 2, 4 })
        {
            var (total, calldata) = MeasureSubmit(rollups, 1_000, eager: true);
            output.WriteLine($"| {rollups} | 1000 | eager | {total} | {calldata} | {total - 21000 - calldata} |");
        }
    }

    [Fact]
    public void Challenge_gas()
    {
        foreach (int filler in new[] { 150, 10_000 })
        {
            var l1 = new L1Fixture();
            l1.Bond(L1Fixture.SequencerA);
            var bad = new RollupSet(l1.ChainIds, seed: 2, filler: filler).ForgeInbox(1, 0, Keccak256.EmptyHash);
            L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(bad.Roots)));
            byte[] calldata = bad.Challenge(0, 0, 1);
            TransactionResult r = l1.Send(L1Fixture.Challenger, l1.Inbox, calldata);
            L1Fixture.Ok(r);
            output.WriteLine($"challenge, {filler} accounts per rollup: {r.GasUsed} gas ({calldata.Length} calldata bytes, {CalldataGas(calldata)} calldata gas), slash included");
            Assert.InRange((ulong)r.GasUsed, 50_000UL, 1_000_000UL);
        }
    }

    [Fact]
    public void Submit_gas_on_a_prague_l1_pays_the_calldata_floor()
    {
        // EIP-7623 (Prague): gas used = max(standard, 21000 + 10 * tokens), tokens = zero bytes + 4 * non-zero bytes.
        foreach (string fork in new[] { "cancun", "prague" })
        {
            using var anvil = new Anvil(fork);
            Address deployer = Anvil.Accounts[0], sequencer = Anvil.Accounts[1];
            ulong[] ids = [101, 102];
            Address Deploy(string name, byte[] args) => Anvil.ContractAddress(anvil.Send(deployer, null, [.. Testing.ContractArtifact.Load(name).Bytecode, .. args]));
            Address registry = Deploy("L1SequencerRegistry", SequencerRegistry.EncodeConstructorArgs(L1Fixture.MinBond, 3600, 1000, 5000));
            Address inbox = Deploy("L1SharedInbox", new SharedInboxConfig(registry, ids, 3600).EncodeConstructorArgs());
            Assert.True(Anvil.Succeeded(anvil.Send(deployer, registry, SequencerRegistry.SetInbox(inbox))));
            Assert.True(Anvil.Succeeded(anvil.Send(sequencer, registry, SequencerRegistry.Bond(), L1Fixture.MinBond)));
            var set = new RollupSet(ids, seed: 1);
            Hash256 parent = Hash256.Zero;
            for (ulong index = 0; index < 2; index++)
            {
                var batches = new List<RollupBatch>();
                for (int i = 0; i < 2; i++)
                {
                    byte[] data = new byte[10_000];
                    new Random((int)index * 2 + i).NextBytes(data);
                    batches.Add(new RollupBatch(index * 10 + 1, index * 10 + 10, set.Roots[i], data));
                }
                var s = new SuperbatchSubmission(index, parent, 0, batches);
                byte[] calldata = s.EncodeCalldata();
                JsonElement receipt = anvil.Send(sequencer, inbox, calldata);
                Assert.True(Anvil.Succeeded(receipt));
                parent = s.ComputeHash(ids, Hash256.Zero);
                if (index == 0) continue;
                ulong zero = (ulong)calldata.Count(b => b == 0), nonZero = (ulong)calldata.Length - zero;
                ulong floor = 21_000 + 10 * (zero + 4 * nonZero);
                ulong used = Anvil.GasUsed(receipt);
                output.WriteLine($"{fork}: submit of 2 rollups x 10000 bytes: {used} gas (EIP-7623 floor {floor})");
                if (fork == "prague") Assert.Equal(Math.Max(floor, used), used);
                else Assert.True(used < floor);
            }
        }
    }
}
