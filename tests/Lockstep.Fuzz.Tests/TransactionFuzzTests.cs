using System.Diagnostics;
using System.Text.Json;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;
using Lockstep.Workload;
using Xunit.Abstractions;

namespace Lockstep.Fuzz.Tests;

/// <summary>
/// Random transactions over <c>eth_sendRawTransaction</c> against a running devnet (seeded): signed transactions
/// with random nonces, gas, fees, values, recipients (system contracts included) and calldata, mixed with corrupted
/// encodings (bit flips, truncations, appended bytes, wrong chain id). Every answer is a hash or a JSON-RPC error;
/// afterwards every accepted transaction is accounted for (receipt, or a lockstep status, or still pending), the
/// sequencer never failed, every outbox root equals its inbox root and the LST supply is unchanged.
/// </summary>
[Collection("devnet")]
public sealed class TransactionFuzzTests(DevnetFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Random_valid_and_invalid_transactions_leave_the_set_consistent()
    {
        var rng = new Random(8_2026);
        Devnet.Devnet devnet = fixture.Devnet;
        ulong[] chainIds = [.. devnet.Sequencer.Chains.Select(c => c.ChainId)];
        Uri[] endpoints = [.. devnet.Rollups.Select(r => r.Server.Url)];
        var clients = endpoints.Select(u => new RpcClient(u)).ToArray();
        var accepted = new List<(int Rollup, Hash256 Hash)>();
        int refused = 0;
        var watch = Stopwatch.StartNew();
        Address[] targets = [SystemAddresses.MintBurn, SystemAddresses.Messenger, SystemAddresses.MessageTrees, SystemAddresses.CrossRollupToken,
            SystemAddresses.ProtocolSender, Address.Zero, Address.FromNumber(1), Address.FromNumber(4), Address.FromNumber(0x0a)];
        try
        {
            for (int i = 0; i < 600 && watch.Elapsed < TimeSpan.FromSeconds(40); i++)
            {
                int rollup = rng.Next(chainIds.Length);
                DevAccount from = devnet.Accounts[rng.Next(devnet.Accounts.Count)];
                ulong pending = devnet.Sequencer.Chains[rollup].Pool.GetPendingNonce(from.Address);
                ulong nonce = rng.Next(10) switch { 0 => 0, 1 => pending + (ulong)rng.Next(1, 5), 2 => ulong.MaxValue - (ulong)rng.Next(2), _ => pending };
                Address? to = rng.Next(10) switch
                {
                    0 => null,
                    < 5 => targets[rng.Next(targets.Length)],
                    _ => Address.FromUInt256(new UInt256((ulong)rng.NextInt64())),
                };
                byte[] data = new byte[rng.Next(5) == 0 ? rng.Next(0, 600) : rng.Next(0, 70)];
                rng.NextBytes(data);
                if (rng.Next(3) == 0 && to == SystemAddresses.Messenger)
                    data = SystemCalldata.Trigger(chainIds[rng.Next(chainIds.Length)], Address.FromUInt256(new UInt256((ulong)rng.NextInt64())), data, new UInt256((ulong)rng.Next(0, 30_000_000)));
                ulong gas = rng.Next(6) switch { 0 => 0, 1 => 20_999, 2 => 60_000_000, _ => (ulong)rng.Next(21_000, 3_000_000) };
                UInt256 tip = new((ulong)rng.Next(0, 3) * 1_000_000_000UL);
                UInt256 maxFee = rng.Next(8) == 0 ? UInt256.One : UInt256.Parse("100000000000");
                UInt256 value = rng.Next(8) switch { 0 => UInt256.Parse("100000000000000000000000000"), < 4 => new UInt256((ulong)rng.Next()), _ => UInt256.Zero };
                ulong chainId = rng.Next(20) == 0 ? 1UL : chainIds[rollup];
                Transaction tx = WorkloadGenerator.Eip1559(chainId, nonce, to, value, gas, maxFee, tip, data).Sign(from.PrivateKey);
                byte[] raw = tx.Encode();
                switch (rng.Next(8))
                {
                    case 0: raw[rng.Next(raw.Length)] ^= (byte)(1 << rng.Next(8)); break;
                    case 1: raw = raw[..rng.Next(raw.Length)]; break;
                    case 2: raw = [.. raw, .. new byte[] { (byte)rng.Next(256) }]; break;
                }
                RpcAnswer a = await clients[rollup].CallRawAsync("eth_sendRawTransaction", $"[\"{Hex.Encode(raw)}\"]");
                if (a.Ok) accepted.Add((rollup, Hash256.FromHex(a.Result.GetString()!)));
                else refused++;
            }
            output.WriteLine($"{accepted.Count} accepted, {refused} refused in {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.True(accepted.Count > 50 && refused > 50, $"the mix should have both: {accepted.Count} accepted, {refused} refused");

            // Every accepted transaction ends in a block, in a lockstep status, or is still waiting in the pool (a nonce gap).
            await Task.Delay(2_000);
            int included = 0, resolved = 0, waiting = 0;
            foreach ((int rollup, Hash256 hash) in accepted)
            {
                JsonElement receipt = await clients[rollup].CallAsync("eth_getTransactionReceipt", $"[\"{hash}\"]");
                if (receipt.ValueKind == JsonValueKind.Object) { included++; continue; }
                JsonElement status = await clients[rollup].CallAsync("lockstep_getMessageStatus", $"[\"{hash}\"]");
                if (status.ValueKind == JsonValueKind.Object && status.GetProperty("status").GetString() != "pending") { resolved++; continue; }
                Assert.True(devnet.Sequencer.Chains[rollup].Pool.Contains(hash), $"accepted transaction {hash} on {chainIds[rollup]} is nowhere: no receipt, no status, not in the pool");
                waiting++;
            }
            output.WriteLine($"{included} included, {resolved} rejected or invalid, {waiting} still waiting (nonce gaps)");
            lock (fixture.Failures) Assert.Empty(fixture.Failures);

            UInt256 supply = UInt256.Zero;
            for (int i = 0; i < devnet.Accounts.Count; i++) supply += devnet.Options.TokenPerAccount;
            InvariantReport inv = await InvariantChecker.CheckAsync(endpoints, chainIds, [], [], supply, null, TimeSpan.Zero);
            Assert.True(inv.Ok, string.Join("\n", inv.Violations));
        }
        finally
        {
            foreach (RpcClient c in clients) c.Dispose();
        }
    }
}
