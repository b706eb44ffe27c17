using System.Text.Json;
using Lockstep.Devnet;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Testing;

namespace Lockstep.Workload.Tests;

/// <summary>
/// The builder protection survives a restart (issue 8: "a failed bundle costs its sender something or is
/// rate-limited"; a restart must not hand a spammer a fresh burst): the buckets are kept in the sequencer's database.
/// </summary>
[Collection(DevnetCollection.Name)]
public sealed class AdmissionRestartTests
{
    [Fact]
    public void Buckets_are_read_back_from_the_store_and_full_ones_are_deleted()
    {
        var store = new MemoryKeyValueStore();
        var options = new BundleAdmissionOptions { RejectionBurst = 2, RefillPerSuperblock = 0.5 };
        Address spammer = Address.FromHex("0x00000000000000000000000000000000000abcde");
        using (var set = new SpamSet(honestSenders: 1, adversaries: 1, slotsPerRollup: 20, options, store))
        {
            spammer = set.Adversaries[0].Address;
            WorkloadSpec spam = new()
            {
                ChainIds = set.ChainIds, Honest = set.Honest, Transactions = 0, Mix = WorkloadMix.Default, Token = SystemAddresses.CrossRollupToken,
            };
            for (int i = 0; i < 2; i++)
            {
                PreparedTransaction bad = WorkloadGenerator.CreateFailing(spam, 0, set.Adversaries[0], i);
                set.Add(bad);
                Assert.Contains(set.Build().Bundles, r => r.TxHash == bad.Hash && r.Outcome == BundleOutcome.Rejected);
            }
            Assert.True(set.Admission!.IsHeld(spammer));
        }
        // The table holds exactly the spammer: 20-byte key, tokens 0 as a big-endian double.
        KeyValuePair<byte[], byte[]> entry = Assert.Single(store.Iterate([]));
        Assert.Equal(spammer.ToArray(), entry.Key);
        Assert.Equal(0.0, System.Buffers.Binary.BinaryPrimitives.ReadDoubleBigEndian(entry.Value));

        var reopened = new BundleAdmission(options, store);
        Assert.True(reopened.IsHeld(spammer));
        Assert.Equal(0.0, reopened.TokensOf(spammer));

        // A corrupt entry is named, not guessed at.
        var corrupt = new MemoryKeyValueStore();
        corrupt.Put(spammer.ToArray(), [1, 2, 3]);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => new BundleAdmission(options, corrupt));
        Assert.Contains("bundle admission table", e.Message);
    }

    [Fact]
    public async Task A_devnet_restarted_from_its_data_directory_keeps_holding_the_spammer()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-admission-restart-" + Guid.NewGuid().ToString("N")[..8]);
        // Burst 2, and refills so slow (100 busy superblocks per token) that only a reset could let the spammer in again.
        DevnetOptions Options() => new()
        {
            DataDir = dir, BasePort = 0, EmbeddedL1 = false, Accounts = 3,
            Admission = new BundleAdmissionOptions { RejectionBurst = 2, RefillPerSuperblock = 0.01 },
            ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"),
        };
        try
        {
            IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 3);
            DevAccount honest = accounts[0], spammer = accounts[2];
            int attempt = 0;
            PreparedTransaction Failing(ulong[] chainIds) => WorkloadGenerator.CreateFailing(new WorkloadSpec
            {
                ChainIds = chainIds, Honest = [honest], Transactions = 0, Mix = WorkloadMix.Default, Token = SystemAddresses.CrossRollupToken,
            }, 0, spammer, attempt++);

            await using (Devnet.Devnet first = await Devnet.Devnet.StartAsync(Options()))
            {
                ulong[] chainIds = [.. first.Sequencer.Chains.Select(c => c.ChainId)];
                using var rpc = new RpcClient(first.Rollups[0].Server.Url, 2);
                for (int i = 0; i < 2; i++)
                {
                    PreparedTransaction bad = Failing(chainIds);
                    await SendAsync(rpc, bad);
                    Assert.Equal("rejected", await WaitResolvedAsync(rpc, bad.Hash));
                }
            }

            await using Devnet.Devnet second = await Devnet.Devnet.StartAsync(Options());
            {
                ulong[] chainIds = [.. second.Sequencer.Chains.Select(c => c.ChainId)];
                using var rpc = new RpcClient(second.Rollups[0].Server.Url, 2);
                PreparedTransaction third = Failing(chainIds);
                await SendAsync(rpc, third);
                // Busy superblocks go by (honest transfers included); the spammer's attempt waits in the pool, held.
                for (ulong nonce = 0; nonce < 3; nonce++)
                {
                    PreparedTransaction plain = WorkloadGenerator.Sign(0, WorkloadKind.Plain, honest, WorkloadGenerator.Eip1559(chainIds[0], nonce,
                        Address.FromHex("0x00000000000000000000000000000000000c0ffe"), UInt256.One, WorkloadGenerator.PlainGas,
                        UInt256.Parse("100000000000"), UInt256.Parse("1000000000"), []));
                    await SendAsync(rpc, plain);
                    Assert.Equal("included", await WaitResolvedAsync(rpc, plain.Hash));
                }
                JsonElement status = await rpc.CallAsync("lockstep_getMessageStatus", $"[\"{third.Hash}\"]");
                Assert.Equal("pending", status.GetProperty("status").GetString());
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task SendAsync(RpcClient rpc, PreparedTransaction tx)
    {
        RpcAnswer sent = await rpc.CallRawAsync("eth_sendRawTransaction", $"[\"{tx.RawHex}\"]");
        Assert.True(sent.Ok, $"{tx.Kind} refused: {sent.Error}");
    }

    private static async Task<string> WaitResolvedAsync(RpcClient rpc, Hash256 hash)
    {
        for (DateTime end = DateTime.UtcNow.AddSeconds(30); ;)
        {
            JsonElement s = await rpc.CallAsync("lockstep_getMessageStatus", $"[\"{hash}\"]");
            string status = s.ValueKind == JsonValueKind.Object ? s.GetProperty("status").GetString()! : "unknown";
            if (status is not ("pending" or "unknown")) return status;
            if (DateTime.UtcNow > end) return status;
            await Task.Delay(50);
        }
    }
}
