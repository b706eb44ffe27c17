using System.Net.Http.Json;
using System.Text.Json;
using Lockstep.Devnet.Explorer;
using Lockstep.Primitives;

namespace Lockstep.Explorer.Tests;

/// <summary>
/// The explorer's L1 panels (issue 7) and the L1 metrics against the fixture's embedded L1: every figure the API
/// shows is checked against the L1 itself over JSON-RPC (the submitting transaction's receipt and log, the inbox's
/// superbatch(), challengeWindow() and isFinalized() views), never against the watcher's own bookkeeping.
/// </summary>
[Collection(DevnetCollection.Name)]
public class ExplorerL1Tests(DevnetFixture f)
{
    private async Task<JsonElement> StateAsync() => await f.Http.GetFromJsonAsync<JsonElement>(new Uri(f.Devnet.Explorer.Url, "api/state"));

    private async Task<JsonElement> L1Async(string method, params object[] args) => await f.Devnet.L1!.Client.RequestAsync(method, args);

    /// <summary>eth_call to the inbox with calldata from the Solidity signature (selector = keccak(signature)[0..4]).</summary>
    private async Task<byte[]> InboxCallAsync(string signature, params ulong[] args)
    {
        byte[] data = new byte[4 + 32 * args.Length];
        Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature)).ToArray().AsSpan(0, 4).CopyTo(data);
        for (int i = 0; i < args.Length; i++) new UInt256(args[i]).ToBigEndian().CopyTo(data, 4 + 32 * i);
        var call = new Dictionary<string, string> { ["to"] = f.Devnet.L1!.Deployment.Inbox.ToString(), ["data"] = Hex.Encode(data) };
        return Hex.Decode((await L1Async("eth_call", call, "latest")).GetString()!);
    }

    private static ulong Word(byte[] output, int index) => (ulong)new UInt256(output.AsSpan(32 * index, 32));

    private async Task<JsonElement> WaitForSuperbatchAsync(Func<JsonElement, bool> match, string what)
    {
        for (DateTime end = DateTime.UtcNow.AddSeconds(45); ;)
        {
            JsonElement l1 = (await StateAsync()).GetProperty("l1");
            foreach (JsonElement b in l1.GetProperty("superbatches").EnumerateArray())
                if (match(b)) return b;
            if (DateTime.UtcNow > end) Assert.Fail($"no superbatch {what} after 45 s: {l1}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task L1Panel_ShowsTheSuperbatchCoveringTheBridge_AsTheL1RecordsIt_ThenFinal()
    {
        JsonElement receipt = await f.RpcAsync(0, "eth_getTransactionReceipt", f.BridgeTx.ToString());
        ulong height = Convert.ToUInt64(receipt.GetProperty("blockNumber").GetString(), 16);
        JsonElement sb = await WaitForSuperbatchAsync(
            b => b.GetProperty("firstSuperblock").GetUInt64() <= height && height <= b.GetProperty("lastSuperblock").GetUInt64(), $"covering superblock {height}");
        ulong index = sb.GetProperty("index").GetUInt64();

        JsonElement l1 = (await StateAsync()).GetProperty("l1");
        Assert.Equal(900UL, l1.GetProperty("chainId").GetUInt64());
        Assert.Equal(f.Devnet.L1!.Deployment.Inbox.ToString(), l1.GetProperty("inbox").GetString());
        Assert.Equal(DevnetFixture.ChallengeWindow, l1.GetProperty("challengeWindow").GetUInt64());
        Assert.Equal(DevnetFixture.ChallengeWindow, Word(await InboxCallAsync("challengeWindow()"), 0));

        // The L1 transaction: mined, to the inbox, in the block shown, with the SuperbatchSubmitted log of this index.
        JsonElement l1Receipt = await L1Async("eth_getTransactionReceipt", sb.GetProperty("l1TxHash").GetString()!);
        Assert.Equal("0x1", l1Receipt.GetProperty("status").GetString());
        Assert.Equal(f.Devnet.L1.Deployment.Inbox.ToString(), l1Receipt.GetProperty("to").GetString());
        Assert.Equal(sb.GetProperty("l1Block").GetUInt64(), Convert.ToUInt64(l1Receipt.GetProperty("blockNumber").GetString(), 16));
        string topic0 = Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(
            "SuperbatchSubmitted(uint256,bytes32,address,bytes32,uint256,bytes32,(uint256,uint64,uint64,bytes32,bytes32)[])")).ToString();
        JsonElement log = l1Receipt.GetProperty("logs").EnumerateArray().Single(l => l.GetProperty("topics")[0].GetString() == topic0);
        Assert.Equal(index, (ulong)UInt256.Parse(log.GetProperty("topics")[1].GetString()!));
        Assert.Equal(sb.GetProperty("hash").GetString(), log.GetProperty("topics")[2].GetString());

        // The window: superbatch(index) = (hash, submitter, submittedAt, depositCount); ends at submittedAt + window.
        byte[] record = await InboxCallAsync("superbatch(uint256)", index);
        Assert.Equal(sb.GetProperty("hash").GetString(), new Hash256(record.AsSpan(0, 32)).ToString());
        Assert.Equal(Word(record, 2), sb.GetProperty("submittedAt").GetUInt64());
        Assert.Equal(Word(record, 2) + DevnetFixture.ChallengeWindow, sb.GetProperty("windowEnd").GetUInt64());

        // Finality follows the inbox: shown final only once isFinalized(index) says so.
        JsonElement final = await WaitForSuperbatchAsync(b => b.GetProperty("index").GetUInt64() == index && b.GetProperty("finality").GetString() == "final", $"#{index} final");
        Assert.Equal(1UL, Word(await InboxCallAsync("isFinalized(uint256)", index), 0));
        Assert.Equal(sb.GetProperty("l1TxHash").GetString(), final.GetProperty("l1TxHash").GetString());

        // Nobody challenged: no dispute, no slashing, no rejected superbatch.
        Assert.Equal(0, l1.GetProperty("challenges").GetArrayLength());
        Assert.Equal(0, l1.GetProperty("slashings").GetArrayLength());
        Assert.DoesNotContain(l1.GetProperty("superbatches").EnumerateArray(), b => b.GetProperty("finality").GetString() == "rejected");
    }

    [Fact]
    public async Task PostingLag_IsMeasured_AndVerifierVerdicts_ReachMetricsAndThePanel()
    {
        await WaitForSuperbatchAsync(_ => true, "at all");
        // The poster's receipt may land a moment after the watcher sees the log: poll the counter.
        IReadOnlyList<Sample> samples = [];
        for (DateTime end = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < end; await Task.Delay(200))
        {
            samples = PrometheusText.Parse(await f.Http.GetStringAsync(f.Devnet.Explorer.MetricsUrl)).Samples;
            if (PrometheusText.Value(samples, "lockstep_l1_posting_lag_seconds_count") >= 1) break;
        }
        double posted = PrometheusText.Value(samples, "lockstep_l1_superbatches_posted_total");
        double lagCount = PrometheusText.Value(samples, "lockstep_l1_posting_lag_seconds_count");
        Assert.True(lagCount >= 1, "no posting lag observed");
        Assert.True(lagCount <= posted, $"{lagCount} lags for {posted} superbatches");
        // Posting waits at most PostEverySeconds (1 s) plus an L1 block (1 s): far below a minute even on a busy machine.
        double sum = PrometheusText.Value(samples, "lockstep_l1_posting_lag_seconds_sum");
        Assert.InRange(sum / lagCount, 0.0, 60.0);
        Assert.True(PrometheusText.Value(samples, "lockstep_l1_unposted_superblocks") >= 0);

        // The verifier's hooks: a verdict counts in the metrics and shows in the explorer. The in-process verifier
        // reports its own verdicts too, so this one has a label of its own.
        f.Devnet.Metrics.OnVerifierVerdict("hook-test");
        f.Devnet.ExplorerFeed.AddVerdict(new ExplorerVerdict(0, f.ChainA, "hook-test", "from the test", 1_700_000_000));
        samples = PrometheusText.Parse(await f.Http.GetStringAsync(f.Devnet.Explorer.MetricsUrl)).Samples;
        Assert.Equal(1, PrometheusText.Value(samples, "lockstep_verifier_verdicts_total", ("verdict", "hook-test")));
        JsonElement verdict = (await StateAsync()).GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("verdict").GetString() == "hook-test");
        Assert.Equal(f.ChainA, verdict.GetProperty("chainId").GetUInt64());
        Assert.Equal("from the test", verdict.GetProperty("detail").GetString());
    }
}
