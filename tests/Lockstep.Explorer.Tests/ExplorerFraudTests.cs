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

    /// <summary>The devnet's log lines (message text), in order.</summary>
    public List<string> LogLines { get; } = [];

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
            LoggerFactory = new ListLoggerFactory(LogLines),
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

    private Task<byte[]> L1CallAsync(Address to, string signature, params byte[][] words) => L1CallAtAsync("latest", to, signature, words);

    private async Task<byte[]> L1CallAtAsync(string block, Address to, string signature, params byte[][] words)
    {
        byte[] data = [.. Topic(signature).ToArray()[..4], .. words.SelectMany(w => w)];
        return Hex.Decode((await L1Async("eth_call", new Dictionary<string, string> { ["to"] = to.ToString(), ["data"] = Hex.Encode(data) }, block)).GetString()!);
    }

    private static byte[] UintWord(ulong v) => new UInt256(v).ToBigEndian();

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

        // The inbox's own view right after the challenge: the live chain was truncated at the proven superbatch (the
        // devnet then recovers and posts again, so "latest" may already be past it).
        Assert.Equal(new UInt256(index), Word(await L1CallAtAsync(receipt.GetProperty("blockNumber").GetString()!, f.Devnet.L1.Deployment.Inbox, "superbatchCount()"), 0));
        // The registry's own view: bonds(sequencer) = (amount 0, unbondableAt, activeIndex 0, slashed true).
        byte[] bond = await L1CallAsync(f.Devnet.L1.Deployment.Registry, "bonds(address)", AddressWord(sequencer));
        Assert.Equal(UInt256.Zero, Word(bond, 0));
        Assert.Equal(UInt256.Zero, Word(bond, 2));
        Assert.Equal(UInt256.One, Word(bond, 3));

        // The superbatch panel: every superbatch from the proven one on shows rejected, the ones before it do not,
        // and the proven one covers the cheated superblock.
        // (A superbatch submitted after the challenge is the recovered set's: it reuses the index and is live.)
        ulong challengeBlock = Convert.ToUInt64(receipt.GetProperty("blockNumber").GetString(), 16);
        int shown = 0;
        foreach (JsonElement b in l1.GetProperty("superbatches").EnumerateArray())
        {
            ulong i = b.GetProperty("index").GetUInt64();
            string finality = b.GetProperty("finality").GetString()!;
            if (b.GetProperty("l1Block").GetUInt64() > challengeBlock) { Assert.NotEqual("rejected", finality); continue; }
            if (i >= index && i < toExclusive) { Assert.Equal("rejected", finality); shown++; }
            else Assert.NotEqual("rejected", finality);
            if (i == index)
                Assert.InRange(FraudDevnetFixture.FaultHeight, b.GetProperty("firstSuperblock").GetUInt64(), b.GetProperty("lastSuperblock").GetUInt64());
        }
        Assert.True(shown >= 1, "the proven superbatch is not on the panel");
    }

    /// <summary>
    /// Issue 6, "the set resumes with an honest sequencer": after the proven fraud the devnet rewinds to the last good
    /// superbatch, rebuilds the rejected superblocks honestly and its standby sequencer (bonded at deployment) posts
    /// superbatch <c>index</c> again. Checked against L1's own records (the submitter, the roots it holds, the last good
    /// superblock) and the rollups' state: outbox roots equal inbox roots, and the bridged 5 LST whose mint the cheater
    /// dropped is minted (the honest outcome: the genesis balance plus the amount burned on A).
    /// </summary>
    [Fact]
    public async Task AfterTheProvenFraud_TheStandbySequencerResumes_AndTheDroppedMintIsMinted()
    {
        Lockstep.Devnet.Devnet d = f.Devnet;
        ulong index = f.State.GetProperty("l1").GetProperty("slashings")[0].GetProperty("index").GetUInt64();
        Address inbox = d.L1!.Deployment.Inbox, standby = d.StandbyL1Account.Address;
        Assert.NotEqual(d.SequencerL1Account.Address, standby);
        Assert.True(d.StandbyBonded);
        Assert.Equal(standby.ToString(), (await DescriptionAsync()).GetProperty("l1").GetProperty("contracts").GetProperty("StandbySequencer").GetString());

        // The successor's superbatch at the rejected index: submitted by the standby sequencer.
        for (DateTime end = DateTime.UtcNow.AddSeconds(150); ;)
        {
            if ((ulong)Word(await L1CallAsync(inbox, "superbatchCount()"), 0) > index) break;
            if (DateTime.UtcNow > end) Assert.Fail($"no superbatch {index} on L1 150 s after the fraud was proven; recoveries: {d.Recoveries.Count}");
            await Task.Delay(250);
        }
        byte[] record = await L1CallAsync(inbox, "superbatch(uint256)", UintWord(index)); // (hash, submitter, submittedAt, depositCount)
        Assert.Equal(standby, new Address(record.AsSpan(32 + 12, 20)));
        byte[] standbyBond = await L1CallAsync(d.L1.Deployment.Registry, "bonds(address)", AddressWord(standby));
        Assert.NotEqual(UInt256.Zero, Word(standbyBond, 0));

        // The recovery rewound to the last superblock of the last live superbatch, as the inbox records it.
        ulong lastGood = index == 0 ? 0 : (ulong)Word(await L1CallAsync(inbox, "lastBlockOf(uint256,uint256)", UintWord(index - 1), UintWord(f.ChainA)), 0);
        Lockstep.Sequencer.RecoveryReport report = Assert.Single(d.Recoveries);
        Assert.Equal(lastGood, report.LastGoodHeight);
        Assert.Contains(report.Rebuilt, sb => sb.Height == FraudDevnetFixture.FaultHeight);
        Assert.Empty(report.Dropped); // a dropped mint invalidates nobody's transaction
        Assert.False(d.Sequencer.FaultsArmed);

        // The roots L1 holds for the successor's superbatch are the rollups' own, and at that height every outbox root
        // equals its inbox root (the cheat had left B's inbox from A behind A's outbox).
        ulong height = (ulong)Word(await L1CallAsync(inbox, "lastBlockOf(uint256,uint256)", UintWord(index), UintWord(f.ChainA)), 0);
        Assert.True(height >= FraudDevnetFixture.FaultHeight, $"superbatch {index} ends at superblock {height}");
        var worlds = new Lockstep.State.WorldState[2];
        for (int r = 0; r < 2; r++)
        {
            ulong id = d.Rollups[r].Chain.ChainId;
            Assert.Equal(height, (ulong)Word(await L1CallAsync(inbox, "lastBlockOf(uint256,uint256)", UintWord(index), UintWord(id)), 0));
            Lockstep.Chain.Block block = d.Rollups[r].Chain.Store.GetBlock(height)!;
            Assert.Equal(block.Header.StateRoot, new Hash256(await L1CallAsync(inbox, "stateRootOf(uint256,uint256)", UintWord(index), UintWord(id))));
            worlds[r] = d.Rollups[r].Chain.Store.OpenState(block.Header.StateRoot).World;
        }
        Hash256 outAB = MessageTreesLayout.ReadOutboxRoot(worlds[0], f.ChainB), inAB = MessageTreesLayout.ReadInboxRoot(worlds[1], f.ChainA);
        Assert.NotEqual(Hash256.Zero, outAB);
        Assert.Equal(outAB, inAB);
        Assert.Equal(MessageTreesLayout.ReadOutboxRoot(worlds[1], f.ChainA), MessageTreesLayout.ReadInboxRoot(worlds[0], f.ChainB));

        // The burn is included again at the fault height, and its 5 LST are minted on B: account 2 holds its genesis
        // balance plus 5 LST on B and minus 5 LST on A, what an honest sequencer gives.
        JsonElement burn = await f.RpcAsync(0, "eth_getTransactionReceipt", f.CheatedBurn.ToString());
        Assert.Equal("0x1", burn.GetProperty("status").GetString());
        Assert.Equal(FraudDevnetFixture.FaultHeight, Convert.ToUInt64(burn.GetProperty("blockNumber").GetString(), 16));
        UInt256 five = UInt256.Parse("5000000000000000000");
        Address user = d.Accounts[2].Address;
        Assert.Equal(await TokenBalanceAsync(1, user, "0x0") + five, await TokenBalanceAsync(1, user, "latest"));
        Assert.Equal(await TokenBalanceAsync(0, user, "0x0") - five, await TokenBalanceAsync(0, user, "latest"));

        // One log line per step, in order: fraud proven -> rewound -> rebuilt -> posting as the successor.
        string[] lines;
        lock (f.LogLines) lines = [.. f.LogLines];
        int proven = Array.FindIndex(lines, l => l.StartsWith($"fraud proven on L1: the superbatches after superblock {lastGood} were rejected", StringComparison.Ordinal));
        int rewound = Array.FindIndex(lines, l => l.StartsWith($"rewound to superblock {lastGood} ", StringComparison.Ordinal));
        int rebuilt = Array.FindIndex(lines, l => l.StartsWith($"rebuilt {report.Rebuilt.Count} superblocks", StringComparison.Ordinal) && l.EndsWith(", 0 dropped", StringComparison.Ordinal));
        int posting = Array.FindIndex(lines, l => l == $"posting as {standby} (the L1 leader now)");
        Assert.True(proven >= 0 && proven < rewound && rewound < rebuilt && rebuilt < posting, $"recovery log lines missing or out of order:\n{string.Join("\n", lines)}");
    }

    private async Task<UInt256> TokenBalanceAsync(int rollup, Address owner, string block)
    {
        var call = new Dictionary<string, string> { ["to"] = SystemAddresses.CrossRollupToken.ToString(), ["data"] = Hex.Encode(SystemCalldata.BalanceOf(owner)) };
        return new UInt256(Hex.Decode((await f.RpcAsync(rollup, "eth_call", call, block)).GetString()!));
    }

    private async Task<JsonElement> DescriptionAsync() => JsonDocument.Parse(await File.ReadAllTextAsync(f.Devnet.DescriptionPath)).RootElement.Clone();

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
        // After the recovery the same index appears twice: the rejected superbatch and the successor's live one.
        await Assertions.Expect(page.Locator($"#superbatches tr.superbatch[data-index='{index}'][data-finality='rejected']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#verdicts .verdict[data-verdict='cross_root_mismatch']").First).ToBeVisibleAsync();

        // docs/explorer-fraud.png is refreshed on request only (LOCKSTEP_UPDATE_SCREENSHOT=1), so a run leaves the tree clean.
        string shot = Environment.GetEnvironmentVariable("LOCKSTEP_UPDATE_SCREENSHOT") == "1"
            ? Path.Combine(RepoPaths.Root, "docs", "explorer-fraud.png")
            : Path.Combine(Path.GetTempPath(), $"lockstep-explorer-fraud-{Environment.ProcessId}.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is suspiciously small");
    }
}

/// <summary>Collects formatted log messages (thread-safe) so tests can read what the devnet wrote.</summary>
internal sealed class ListLoggerFactory(List<string> lines) : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) { }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines) lines.Add(formatter(state, exception));
    }

    public void Dispose() { }
}
