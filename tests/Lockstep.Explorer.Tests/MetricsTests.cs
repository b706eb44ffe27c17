using System.Net;
using Lockstep.Primitives;

namespace Lockstep.Explorer.Tests;

[Collection(DevnetCollection.Name)]
public class MetricsTests(DevnetFixture f)
{
    private async Task<IReadOnlyList<Sample>> ScrapeAsync()
    {
        using HttpResponseMessage r = await f.Http.GetAsync(f.Devnet.Explorer.MetricsUrl);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The content type Prometheus negotiates for the text format.
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", r.Content.Headers.ContentType!.ToString());
        return PrometheusText.Parse(await r.Content.ReadAsStringAsync()).Samples;
    }

    [Fact]
    public async Task Metrics_ParseAsPrometheusText_WithTheNamedFamiliesAndTypes()
    {
        using HttpResponseMessage r = await f.Http.GetAsync(f.Devnet.Explorer.MetricsUrl);
        (IReadOnlyDictionary<string, string> types, IReadOnlyList<Sample> samples) = PrometheusText.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal("histogram", types["lockstep_superblock_build_seconds"]);
        Assert.Equal("counter", types["lockstep_superblocks_total"]);
        Assert.Equal("counter", types["lockstep_transactions_total"]);
        Assert.Equal("counter", types["lockstep_bundles_total"]);
        Assert.Equal("gauge", types["lockstep_pool_transactions"]);
        Assert.Equal("histogram", types["lockstep_rpc_request_duration_seconds"]);
        Assert.Equal("histogram", types["lockstep_l1_posting_lag_seconds"]);
        Assert.Equal("counter", types["lockstep_l1_superbatches_posted_total"]);
        Assert.Equal("gauge", types["lockstep_l1_unposted_superblocks"]);
        Assert.Equal("counter", types["lockstep_verifier_verdicts_total"]);
        Assert.Equal(10, types.Count);

        // The fixture's scenario: one rejected bundle, a delivery on B, both rollups' pools drained.
        Assert.Equal(1, PrometheusText.Value(samples, "lockstep_bundles_total", ("outcome", "rejected")));
        Assert.True(PrometheusText.Value(samples, "lockstep_bundles_total", ("outcome", "included")) >= 2);
        string b = f.ChainB.ToString();
        Assert.True(PrometheusText.Value(samples, "lockstep_transactions_total", ("rollup", "rollup-b"), ("chain_id", b), ("kind", "system")) >= 1);
        Assert.Equal(0, PrometheusText.Value(samples, "lockstep_pool_transactions", ("rollup", "rollup-a"), ("chain_id", f.ChainA.ToString()), ("state", "pending")));
        Assert.Equal(PrometheusText.Value(samples, "lockstep_superblocks_total"), PrometheusText.Value(samples, "lockstep_superblock_build_seconds_count"));
        Assert.True(PrometheusText.Value(samples, "lockstep_superblock_build_seconds_sum") > 0);
        Assert.True(PrometheusText.Value(samples, "lockstep_rpc_request_duration_seconds_count", ("rollup", "rollup-a"), ("method", "lockstep_getMessageStatus")) >= 2);
    }

    [Fact]
    public async Task Counters_Move_AfterATransaction()
    {
        string b = f.ChainB.ToString();
        (string, string)[] userOnB = [("rollup", "rollup-b"), ("chain_id", b), ("kind", "user")];
        (string, string)[] userOnA = [("rollup", "rollup-a"), ("chain_id", f.ChainA.ToString()), ("kind", "user")];
        (string, string)[] sendOnB = [("rollup", "rollup-b"), ("method", "eth_sendRawTransaction")];
        IReadOnlyList<Sample> before = await ScrapeAsync();

        // A plain ETH transfer on B from dev account 2.
        Hash256 tx = await f.SendAsync(1, 2, f.Devnet.Accounts[3].Address, [], UInt256.One, 21_000);
        await f.WaitForStatusAsync(1, tx);
        IReadOnlyList<Sample> after = await ScrapeAsync();

        double Delta(string name, params (string, string)[] labels) => PrometheusText.Value(after, name, labels) - PrometheusText.Value(before, name, labels);
        Assert.Equal(1, Delta("lockstep_transactions_total", userOnB));
        Assert.Equal(0, Delta("lockstep_transactions_total", userOnA));
        Assert.Equal(1, Delta("lockstep_bundles_total", ("outcome", "included")));
        Assert.Equal(0, Delta("lockstep_bundles_total", ("outcome", "rejected")));
        Assert.Equal(1, Delta("lockstep_rpc_request_duration_seconds_count", sendOnB));
        double sealedNow = Delta("lockstep_superblocks_total");
        Assert.True(sealedNow >= 1);
        Assert.Equal(sealedNow, Delta("lockstep_superblock_build_seconds_count"));
    }

    [Fact]
    public async Task ExplorerPort_RefusesOtherMethodsAndPaths()
    {
        using HttpResponseMessage post = await f.Http.PostAsync(f.Devnet.Explorer.MetricsUrl, new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using HttpResponseMessage missing = await f.Http.GetAsync(new Uri(f.Devnet.Explorer.Url, "nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using HttpResponseMessage page = await f.Http.GetAsync(f.Devnet.Explorer.Url);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.Contains("<table id=\"superblocks\">", await page.Content.ReadAsStringAsync());
    }
}
