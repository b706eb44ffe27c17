using System.Text.Json;

namespace Lockstep.Devnet.Tests;

/// <summary>
/// Issue 4's "What it must show" over JSON-RPC, as a dapp would: `lockstep devnet` runs as a child process and the
/// ethers scripts in tests/js/devnet drive it (e2e.mjs: canonical burn/mint, failing mints, A -> B -> C actions,
/// replay, security; restart-check.mjs: everything survives SIGTERM and a restart on the same data dir).
/// </summary>
public sealed class DevnetEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lockstep-devnet-e2e-").FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public void ThreeRollups_EndToEnd_ThenSurvivesRestart()
    {
        string dataDir = Path.Combine(_dir, "data");
        string summary = Path.Combine(_dir, "summary.json");
        using (DevnetProcess devnet = DevnetProcess.Start(3, dataDir))
        {
            AssertDescription(devnet.DescriptionPath, 3);
            string output = ScriptRunner.AssertPasses(devnet, "e2e.mjs", devnet.DescriptionPath, summary);
            // Every scenario ran (a step that is silently missing would otherwise pass).
            foreach (string step in new[] { "1. canonical", "2a. paused", "2b. mint cap", "2c. reverting", "2d. out-of-gas", "2e. a burn the user cannot afford",
                         "3a. A -> B -> C", "3b. A -> B -> C with C failing", "3c. replaying", "3d. ETH", "4a. messageSender cannot be faked", "4. security", "5. after everything" })
                Assert.Contains("- " + step, output);
            Assert.Equal(0, devnet.Terminate(TimeSpan.FromSeconds(30)));
        }
        using (DevnetProcess restarted = DevnetProcess.Start(3, dataDir))
        {
            ScriptRunner.AssertPasses(restarted, "restart-check.mjs", restarted.DescriptionPath, summary);
            Assert.Equal(0, restarted.Terminate(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public void TwoRollups_CanonicalCaseAndFailingMints()
    {
        using DevnetProcess devnet = DevnetProcess.Start(2, Path.Combine(_dir, "data2"));
        AssertDescription(devnet.DescriptionPath, 2);
        string output = ScriptRunner.AssertPasses(devnet, "e2e.mjs", devnet.DescriptionPath);
        Assert.Contains("- 1. canonical", output);
        Assert.Contains("- 2a. paused", output);
        // The superblocks of that run are settled on the embedded L1 with the rollups' own state roots.
        ScriptRunner.AssertPasses(devnet, "settlement-check.mjs", devnet.DescriptionPath);
    }

    /// <summary>devnet.json as documented (issue 4, DevnetCommand): chain ids 901.., RPC URLs, dev keys with one 0x prefix.</summary>
    private static void AssertDescription(string path, int rollups)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement r = doc.RootElement.GetProperty("rollups");
        Assert.Equal(rollups, r.GetArrayLength());
        for (int i = 0; i < rollups; i++)
        {
            Assert.Equal(901 + i, r[i].GetProperty("chainId").GetInt32());
            Assert.StartsWith("http://", r[i].GetProperty("rpc").GetString());
            Assert.Equal("0x0000000000000000000000000000000000001001", r[i].GetProperty("contracts").GetProperty("MintBurn").GetString());
        }
        // The standard mnemonic's account 0 key (anvil/Hardhat publish it), written with exactly one 0x prefix.
        JsonElement account0 = doc.RootElement.GetProperty("devAccounts")[0];
        Assert.Equal("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", account0.GetProperty("address").GetString()!.ToLowerInvariant());
        Assert.Equal("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", account0.GetProperty("privateKey").GetString()!.ToLowerInvariant());
    }
}
