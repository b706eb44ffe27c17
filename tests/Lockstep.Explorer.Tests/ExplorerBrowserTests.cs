using Lockstep.Testing;
using Microsoft.Playwright;

namespace Lockstep.Explorer.Tests;

/// <summary>
/// The explorer page in headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright for .NET; no
/// browser download). Trait <c>Category=Browser</c>: <c>dotnet test --filter Category!=Browser</c> leaves it out where
/// Chromium cannot be installed; where it runs and Chromium is missing, it fails saying so (never a silent skip).
/// Saves the page to a temp file (to <c>docs/explorer.png</c> with LOCKSTEP_UPDATE_SCREENSHOT=1).
/// </summary>
[Collection(DevnetCollection.Name)]
[Trait("Category", "Browser")]
public class ExplorerBrowserTests(DevnetFixture f)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Page_ShowsBothRollupsBlocks_TheBridgedBundleWithBothLegs_AndTheRejectedBundle()
    {
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing: install Debian's chromium (apt-get install -y chromium), or leave the browser tests out with --filter Category!=Browser");
        using IPlaywright playwright = await Playwright.CreateAsync();
        // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(f.Devnet.Explorer.Url.ToString());

        // Column headers name both rollups; the newest superblock row has a block cell for each.
        await Assertions.Expect(page.Locator($"#superblock-head th[data-chain='{f.ChainA}']")).ToContainTextAsync("rollup-a");
        await Assertions.Expect(page.Locator($"#superblock-head th[data-chain='{f.ChainB}']")).ToContainTextAsync("rollup-b");
        ILocator newest = page.Locator($"#superblocks tr.superblock[data-height='{f.Devnet.Sequencer.Height}']");
        await Assertions.Expect(newest.Locator($"td.block[data-chain='{f.ChainA}']")).ToHaveCountAsync(1);
        await Assertions.Expect(newest.Locator($"td.block[data-chain='{f.ChainB}']")).ToHaveCountAsync(1);

        // The bridged transfer: one bundle, the user's burn on A then the delivery on B.
        ILocator bundle = page.Locator($"#bundles .bundle[data-tx='{f.BridgeTx}']");
        ILocator legs = bundle.Locator(".leg");
        await Assertions.Expect(legs).ToHaveCountAsync(2);
        await Assertions.Expect(legs.Nth(0)).ToHaveAttributeAsync("data-chain", f.ChainA.ToString());
        await Assertions.Expect(legs.Nth(0)).ToContainTextAsync("user tx on rollup-a");
        await Assertions.Expect(legs.Nth(1)).ToHaveAttributeAsync("data-chain", f.ChainB.ToString());
        await Assertions.Expect(legs.Nth(1)).ToContainTextAsync("from rollup-a");

        // The rejected burn with its reason.
        ILocator rejected = page.Locator($"#rejected .rejected[data-tx='{f.RejectedTx}']");
        await Assertions.Expect(rejected.Locator(".reason")).ToContainTextAsync("MintPaused");

        // The L1 panel: superbatches with their L1 transaction, range and window; with the fixture's 3 s window one
        // turns final while the page is open (live), and nothing is challenged or slashed.
        await Assertions.Expect(page.Locator("#superbatches tr.superbatch").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#superbatches tr.superbatch[data-finality='final']").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#l1-info")).ToContainTextAsync($"challenge window {DevnetFixture.ChallengeWindow} s");
        await Assertions.Expect(page.Locator("#challenges")).ToContainTextAsync("none");
        await Assertions.Expect(page.Locator("#slashings")).ToContainTextAsync("none");

        // Live: a new superblock appears without reloading.
        ulong height = f.Devnet.Sequencer.Height;
        await f.SendAsync(0, 4, f.Devnet.Accounts[5].Address, [], Lockstep.Primitives.UInt256.One, 21_000);
        await Assertions.Expect(page.Locator($"#superblocks tr.superblock[data-height='{height + 1}']")).ToHaveCountAsync(1, new() { Timeout = 10_000 });

        // The committed docs/explorer.png is refreshed on request only, so a test run leaves the tree clean.
        string shot = Environment.GetEnvironmentVariable("LOCKSTEP_UPDATE_SCREENSHOT") == "1"
            ? Path.Combine(RepoPaths.Root, "docs", "explorer.png")
            : Path.Combine(Path.GetTempPath(), $"lockstep-explorer-{Environment.ProcessId}.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is suspiciously small");
    }
}
