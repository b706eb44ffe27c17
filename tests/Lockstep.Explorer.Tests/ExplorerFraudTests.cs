using System.Net.Http.Json;
using System.Text.Json;
using Lockstep.Devnet;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Testing;
using Lockstep.Transactions;
using Microsoft.Playwright;

namespace Lockstep.Explorer.Tests;

/// <summary>
/// A devnet whose sequencer really cheats (issue 7, <c>--inject-fault drop-mint@2</c>): superblock 2 carries a bridged
/// burn A -> B whose mint on B the sequencer leaves out. The devnet's own in-process verifier replays the superbatch from
/// the embedded L1, finds outboxRoot(B) on A different from inboxRoot(A) on B, and proves it on L1 with dev account 1's
/// key; the inbox rejects that superbatch and every later one and slashes the sequencer. Plays it once and waits until
/// the L1 watcher has seen the slashing.
/// </summary>
public sealed class FraudDevnetFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-explorer-fraud-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The cheating devnet.</summary>
    public Devnet.Devnet Devnet { get; private set; } = null!;

    /// <summary>HTTP client for the RPC servers and the explorer.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The bridged burn on A whose mint the sequencer dropped (superblock 2).</summary>
    public Hash256 CheatedBurn { get; private set; }

    /// <summary>The explorer's state once the slashing was seen.</summary>
    public JsonElement State { get; private set; }

    /// <summary>The superblock the fault is armed at.</summary>
    public const ulong FaultHeight = 2;

    /// <summary>Chain ids of rollup A and B.</summary>
    public ulong ChainA => Devnet.Rollups[0].Chain.ChainId;

    /// <inheritdoc cref="ChainA"/>
    public ulong ChainB => Devnet.Rollups[1].Chain.ChainId;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // A 60 s window (the devnet default) leaves the verifier time to replay and prove even on a loaded machine.
        Devnet = await Lockstep.Devnet.Devnet.StartAsync(new DevnetOptions
        {
            DataDir = _dir, BasePort = 0, PostEverySeconds = 1,
            Faults = DevnetFaults.Parse($"drop-mint@{FaultHeight}"),
        });
        Assert.NotNull(Devnet.Faults);

        // Superblock 1: a plain transfer (instant cadence: one superblock per arrival here). Superblock 2: the burn.
        Hash256 plain = await SendAsync(0, 4, 0, Devnet.Accounts[5].Address, [], UInt256.One, 21_000);
        Assert.Equal(1UL, await BlockOfAsync(0, plain));
        CheatedBurn = await SendAsync(0, 2, 0, SystemAddresses.MintBurn,
            SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.Parse("5000000000000000000"), ChainB, Devnet.Accounts[2].Address));
        Assert.Equal(FaultHeight, await BlockOfAsync(0, CheatedBurn));

        for (DateTime end = DateTime.UtcNow.AddSeconds(150); ;)
        {
            JsonElement state = await Http.GetFromJsonAsync<JsonElement>(new Uri(Devnet.Explorer.Url, "api/state"));
            JsonElement l1 = state.GetProperty("l1");
            if (l1.GetProperty("slashings").GetArrayLength() > 0 && l1.GetProperty("challenges").GetArrayLength() >= 2)
            {
                State = state.Clone();
                return;
            }
            if (DateTime.UtcNow > end) Assert.Fail($"no slashing on L1 after 150 s; verdicts {state.GetProperty("verdicts")}, L1 panel {l1}");
            await Task.Delay(250);
        }
    }

    private async Task<Hash256> SendAsync(int rollup, int from, ulong nonce, Address to, byte[] data, UInt256 value = default, ulong gas = 1_000_000)
    {
        Transaction tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(Devnet.Rollups[rollup].Chain.ChainId), Nonce = nonce,
            MaxPriorityFeePerGas = new UInt256(1_000_000_000), MaxFeePerGas = new UInt256(10_000_000_000),
            GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(Devnet.Accounts[from].PrivateKey);
        Assert.Equal(tx.Hash.ToString(), (await RpcAsync(rollup, "eth_sendRawTransaction", Hex.Encode(tx.Encode()))).GetString());
        return tx.Hash;
    }

    private async Task<ulong> BlockOfAsync(int rollup, Hash256 tx)
    {
        for (DateTime end = DateTime.UtcNow.AddSeconds(20); ;)
        {
            JsonElement r = await RpcAsync(rollup, "eth_getTransactionReceipt", tx.ToString());
            if (r.ValueKind == JsonValueKind.Object)
            {
                Assert.Equal("0x1", r.GetProperty("status").GetString());
                return Convert.ToUInt64(r.GetProperty("blockNumber").GetString(), 16);
            }
            if (DateTime.UtcNow > end) Assert.Fail($"{tx} not included after 20 s");
            await Task.Delay(50);
        }
    }

    /// <summary>One JSON-RPC call to rollup <paramref name="rollup"/>; fails the test on an error.</summary>
    public async Task<JsonElement> RpcAsync(int rollup, string method, params object[] args)
    {
        using HttpResponseMessage response = await Http.PostAsJsonAsync(Devnet.Rollups[rollup].Server.Url, new { jsonrpc = "2.0", id = 1, method, @params = args });
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.TryGetProperty("error", out JsonElement error)) Assert.Fail($"{method}: {error}");
        return body.GetProperty("result").Clone();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Devnet.DisposeAsync();
        Http.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>
/// The explorer's challenge and slashing panels after a real fraud (<see cref="FraudDevnetFixture"/>), every figure
/// checked against the L1's own records: the challenge transaction's receipt and its FraudProven / SuperbatchesRejected /
/// SequencerSlashed logs, the inbox's <c>superbatchCount()</c> and the registry's <c>bonds(sequencer)</c>.
/// </summary>
public class ExplorerFraudTests(FraudDevnetFixture f) : IClassFixture<FraudDevnetFixture>
{
    private static Hash256 Topic(string signature) => Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature));

    private async Task<JsonElement> L1Async(string method, params object[] args) => await f.Devnet.L1!.Client.RequestAsync(method, args);

    private async Task<byte[]> L1CallAsync(Address to, string signature, params byte[][] words)
    {
        byte[] data = [.. Topic(signature).ToArray()[..4], .. words.SelectMany(w => w)];
        return Hex.Decode((await L1Async("eth_call", new Dictionary<string, string> { ["to"] = to.ToString(), ["data"] = Hex.Encode(data) }, "latest")).GetString()!);
    }

    private static byte[] AddressWord(Address a) => [.. new byte[12], .. a.ToArray()];

    private static UInt256 Word(byte[] output, int index) => new(output.AsSpan(32 * index, 32));

    [Fact]
    public async Task ChallengeAndSlashingPanels_ShowTheProvenFraud_AsTheL1RecordsIt()
    {
        JsonElement l1 = f.State.GetProperty("l1");
        Address sequencer = f.Devnet.SequencerL1Account.Address;
        Address challenger = f.Devnet.Accounts[1].Address; // the devnet verifier's challenger key

        // The verifier's verdict: the cross-rollup roots of A -> B differ.
        Assert.Contains(f.State.GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("verdict").GetString() == "cross_root_mismatch");

        JsonElement proof = l1.GetProperty("challenges").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "fraud-proof");
        JsonElement rejection = l1.GetProperty("challenges").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "rejected");
        JsonElement slashing = Assert.Single(l1.GetProperty("slashings").EnumerateArray());
        ulong index = proof.GetProperty("index").GetUInt64();
        Assert.Equal(index, rejection.GetProperty("index").GetUInt64());
        Assert.Equal(index, slashing.GetProperty("index").GetUInt64());
        Assert.Equal(sequencer.ToString(), slashing.GetProperty("sequencer").GetString());
        Assert.Equal(challenger.ToString(), slashing.GetProperty("challenger").GetString());
        string challengeTx = proof.GetProperty("l1TxHash").GetString()!;
        Assert.Equal(challengeTx, slashing.GetProperty("l1TxHash").GetString()); // one transaction proved, rejected, slashed

        // The L1 transaction: mined, sent by the challenger to the inbox, with the three events as the panels show them.
        JsonElement receipt = await L1Async("eth_getTransactionReceipt", challengeTx);
        Assert.Equal("0x1", receipt.GetProperty("status").GetString());
        Assert.Equal(challenger.ToString(), receipt.GetProperty("from").GetString());
        Assert.Equal(f.Devnet.L1!.Deployment.Inbox.ToString(), receipt.GetProperty("to").GetString());
        JsonElement[] logs = [.. receipt.GetProperty("logs").EnumerateArray()];
        JsonElement fraud = logs.Single(l => l.GetProperty("topics")[0].GetString() == Topic("FraudProven(uint256,uint256,uint256,bytes32,bytes32,address)").ToString());
        Assert.Equal(new UInt256(index), UInt256.Parse(fraud.GetProperty("topics")[1].GetString()!));
        byte[] fraudData = Hex.Decode(fraud.GetProperty("data").GetString()!);
        // chainX = A (its outbox toward B holds the burn), chainY = B (its inbox from A lacks the mint).
        Assert.Equal(new UInt256(f.ChainA), Word(fraudData, 0));
        Assert.Equal(new UInt256(f.ChainB), Word(fraudData, 1));
        Assert.NotEqual(Word(fraudData, 2), Word(fraudData, 3));
        Assert.Contains(new Hash256(fraudData.AsSpan(64, 32)).ToString(), proof.GetProperty("detail").GetString());
        JsonElement rejected = logs.Single(l => l.GetProperty("topics")[0].GetString() == Topic("SuperbatchesRejected(uint256,uint256,address)").ToString());
        ulong toExclusive = (ulong)Word(Hex.Decode(rejected.GetProperty("data").GetString()!), 0);
        Assert.Contains($"superbatches {index}..{toExclusive - 1} rejected", rejection.GetProperty("detail").GetString());
        JsonElement slashed = logs.Single(l => l.GetProperty("topics")[0].GetString() == Topic("SequencerSlashed(uint256,address,address,uint256)").ToString());
        Assert.Equal(Word(Hex.Decode(slashed.GetProperty("data").GetString()!), 0).ToString(), slashing.GetProperty("rewardWei").GetString());
        Assert.True(UInt256.Parse(slashing.GetProperty("rewardWei").GetString()!) > UInt256.Zero, "the challenger earned nothing");

        // The inbox's own view: the live chain was truncated at the proven superbatch.
        Assert.Equal(new UInt256(index), Word(await L1CallAsync(f.Devnet.L1.Deployment.Inbox, "superbatchCount()"), 0));
        // The registry's own view: bonds(sequencer) = (amount 0, unbondableAt, activeIndex 0, slashed true).
        byte[] bond = await L1CallAsync(f.Devnet.L1.Deployment.Registry, "bonds(address)", AddressWord(sequencer));
        Assert.Equal(UInt256.Zero, Word(bond, 0));
        Assert.Equal(UInt256.Zero, Word(bond, 2));
        Assert.Equal(UInt256.One, Word(bond, 3));

        // The superbatch panel: every superbatch from the proven one on shows rejected, the ones before it do not,
        // and the proven one covers the cheated superblock.
        int shown = 0;
        foreach (JsonElement b in l1.GetProperty("superbatches").EnumerateArray())
        {
            ulong i = b.GetProperty("index").GetUInt64();
            string finality = b.GetProperty("finality").GetString()!;
            if (i >= index && i < toExclusive) { Assert.Equal("rejected", finality); shown++; }
            else Assert.NotEqual("rejected", finality);
            if (i == index)
                Assert.InRange(FraudDevnetFixture.FaultHeight, b.GetProperty("firstSuperblock").GetUInt64(), b.GetProperty("lastSuperblock").GetUInt64());
        }
        Assert.True(shown >= 1, "the proven superbatch is not on the panel");
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task Page_ShowsTheChallenge_TheSlashedSequencer_AndTheRejectedSuperbatches()
    {
        const string chromium = "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"{chromium} is missing: install Debian's chromium, or leave the browser tests out with --filter Category!=Browser");
        JsonElement l1 = f.State.GetProperty("l1");
        ulong index = l1.GetProperty("slashings")[0].GetProperty("index").GetUInt64();
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(f.Devnet.Explorer.Url.ToString());

        await Assertions.Expect(page.Locator($"#challenges .challenge[data-kind='fraud-proof'][data-index='{index}']")).ToContainTextAsync($"superbatch #{index}");
        await Assertions.Expect(page.Locator($"#challenges .challenge[data-kind='rejected'][data-index='{index}']")).ToContainTextAsync("rejected");
        ILocator slashing = page.Locator($"#slashings .slashing[data-index='{index}']");
        await Assertions.Expect(slashing).ToContainTextAsync($"sequencer {f.Devnet.SequencerL1Account.Address} slashed");
        await Assertions.Expect(slashing).ToContainTextAsync(f.Devnet.Accounts[1].Address.ToString());
        await Assertions.Expect(page.Locator($"#superbatches tr.superbatch[data-index='{index}']")).ToHaveAttributeAsync("data-finality", "rejected");
        await Assertions.Expect(page.Locator("#verdicts .verdict[data-verdict='cross_root_mismatch']").First).ToBeVisibleAsync();

        // docs/explorer-fraud.png is refreshed on request only (LOCKSTEP_UPDATE_SCREENSHOT=1), so a run leaves the tree clean.
        string shot = Environment.GetEnvironmentVariable("LOCKSTEP_UPDATE_SCREENSHOT") == "1"
            ? Path.Combine(RepoPaths.Root, "docs", "explorer-fraud.png")
            : Path.Combine(Path.GetTempPath(), $"lockstep-explorer-fraud-{Environment.ProcessId}.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is suspiciously small");
    }
}
