using System.Net.Http.Json;
using System.Text.Json;
using Lockstep.Devnet;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Transactions;
using Lockstep.Verifier;

namespace Lockstep.Explorer.Tests;

/// <summary>
/// A devnet whose poster forges a state root (<c>--inject-fault forge-state-root@2</c>, issue 6): the devnet deploys its
/// inbox with an arbiter (dev account 0, 0.1 ETH flag bond), its verifier flags the forged root with the bond, the
/// in-process arbiter re-executes and upholds, L1 rejects and slashes, and the standby sequencer resumes with the real
/// roots; the explorer then shows the recovered superblocks.
/// </summary>
public class DevnetArbiterTests
{
    [Fact]
    public async Task A_forged_root_on_a_devnet_is_upheld_by_its_arbiter_and_the_standby_resumes_with_the_real_roots()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-arbiter-devnet-" + Guid.NewGuid().ToString("N")[..8]);
        var lines = new List<string>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Devnet.Devnet devnet = await Devnet.Devnet.StartAsync(new DevnetOptions
        {
            DataDir = dir, BasePort = 0, PostEverySeconds = 1, Faults = DevnetFaults.Parse("forge-state-root@2"), LoggerFactory = new ListLoggerFactory(lines),
        });
        try
        {
            Assert.NotNull(devnet.Arbiter);
            Assert.Equal(devnet.Accounts[0].Address, devnet.Arbiter!.Address);
            // Superblocks 1 and 2: one plain transfer each (instant cadence); the poster forges rollup B's root (its default) in the superbatch covering 2.
            for (ulong n = 0; n < 2; n++) await SendAsync(http, devnet, n, devnet.Accounts[5].Address);

            SetVerifier? verifier = null;
            for (DateTime end = DateTime.UtcNow.AddSeconds(150); ; await Task.Delay(250))
            {
                bool upheld;
                lock (lines) upheld = lines.Any(l => l.StartsWith("arbiter: flag on superbatch", StringComparison.Ordinal) && l.Contains(" upheld:", StringComparison.Ordinal));
                verifier = devnet.Verifier;
                // Done when the arbiter upheld, the set recovered, and the verifier follows again past block 2.
                if (upheld && devnet.Recoveries.Count > 0 && verifier is not null && verifier.Progress.Halted is null && verifier.Progress.ReplicaHeight >= 2)
                    break;
                if (DateTime.UtcNow > end)
                {
                    string log;
                    lock (lines) log = string.Join("\n", lines);
                    Assert.Fail($"no upheld flag and recovery after 150 s; verifier {verifier?.Progress}; log:\n{log}");
                }
            }
            // The submitter was slashed; the resumed L1 history re-executes to the devnet's own blocks (verdicts ok).
            byte[] bond = await devnet.L1Client!.CallAsync(devnet.L1Contracts!.Registry, SequencerRegistry.Bonds(devnet.SequencerL1Account.Address));
            Assert.Equal(UInt256.Zero, new UInt256(bond.AsSpan(0, 32)));
            for (int r = 0; r < devnet.Rollups.Count; r++)
                Assert.Equal(devnet.Rollups[r].Chain.GetBlock(2)!.Hash, verifier!.Chains[r].GetBlock(2)!.Hash);
            Assert.Contains(verifier!.Verdicts.Recent, v => v.Kind == VerdictKind.StateRootMismatch && v.ActionSucceeded);
            // The explorer lists each superblock once, with the blocks the rollups hold now.
            JsonElement state = await http.GetFromJsonAsync<JsonElement>(new Uri(devnet.Explorer.Url, "api/state"));
            var heights = state.GetProperty("superblocks").EnumerateArray().Select(s => s.GetProperty("height").GetUInt64()).ToList();
            Assert.Equal(heights.Distinct().Count(), heights.Count);
        }
        finally
        {
            await devnet.DisposeAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task SendAsync(HttpClient http, Devnet.Devnet devnet, ulong nonce, Address to)
    {
        Transaction tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(devnet.Rollups[0].Chain.ChainId), Nonce = nonce,
            MaxPriorityFeePerGas = new UInt256(1_000_000_000), MaxFeePerGas = new UInt256(10_000_000_000), GasLimit = 21_000, To = to, Value = UInt256.One,
        }.Sign(devnet.Accounts[4].PrivateKey);
        using HttpResponseMessage response = await http.PostAsJsonAsync(devnet.Rollups[0].Server.Url,
            new { jsonrpc = "2.0", id = 1, method = "eth_sendRawTransaction", @params = new object[] { Hex.Encode(tx.Encode()) } });
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("error", out JsonElement error), error.ToString());
        for (DateTime end = DateTime.UtcNow.AddSeconds(20); devnet.Rollups[0].Chain.Head.Number <= nonce; await Task.Delay(50))
            if (DateTime.UtcNow > end) Assert.Fail($"transfer {nonce} not included after 20 s");
    }
}
