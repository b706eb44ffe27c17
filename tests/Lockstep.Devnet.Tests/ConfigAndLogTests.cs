using System.Text.Json;
using Lockstep.Cli;
using Lockstep.Testing;

namespace Lockstep.Devnet.Tests;

/// <summary>
/// `lockstep devnet` configuration (issue 7): a JSON file with the flags' names, LOCKSTEP_DEVNET_* variables and flags,
/// in that order of precedence (flags win), checked through `--print-config`; structured logs in text and JSON;
/// the console progress display.
/// </summary>
public sealed class ConfigAndLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lockstep-devnet-config-").FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs `lockstep devnet ARGS` with exactly the LOCKSTEP_DEVNET_* variables given; returns exit code and output.</summary>
    private static (int Code, string Output) Devnet(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Toolchain.LockstepDll);
        psi.ArgumentList.Add("devnet");
        foreach (string a in args) psi.ArgumentList.Add(a);
        // The test runner's own environment must not leak settings in.
        foreach (string k in psi.Environment.Keys.Where(k => k.StartsWith("LOCKSTEP_DEVNET_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(k);
        foreach ((string k, string v) in env) psi.Environment[k] = v;
        using var p = System.Diagnostics.Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "lockstep devnet --print-config did not exit");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static JsonElement PrintConfig(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        (int code, string output) = Devnet(env, [.. args, "--print-config"]);
        Assert.True(code == 0, $"exit {code}: {output}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private string WriteConfig(string name, string json)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void NoSettings_PrintsTheDocumentedDefaults()
    {
        JsonElement c = PrintConfig(new Dictionary<string, string>());
        Assert.Equal(2, c.GetProperty("rollups").GetInt32());
        Assert.Equal(901, c.GetProperty("chain-id").GetInt32());
        Assert.Equal(9545, c.GetProperty("port").GetInt32());
        Assert.Equal(60, c.GetProperty("challenge-window").GetInt32());
        Assert.False(c.GetProperty("no-l1").GetBoolean());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("data-dir").ValueKind);
        Assert.Equal("information", c.GetProperty("log-level").GetString());
        Assert.Equal("text", c.GetProperty("log-format").GetString());
    }

    [Fact]
    public void Precedence_FlagsOverEnvironmentOverFileOverDefaults()
    {
        string file = WriteConfig("devnet.json", """
            // comments are allowed
            { "rollups": 5, "port": 7000, "data-dir": "from-file", "block-time": 2, "no-l1": true, "log-level": "debug", }
            """);
        var env = new Dictionary<string, string> { ["LOCKSTEP_DEVNET_ROLLUPS"] = "4", ["LOCKSTEP_DEVNET_PORT"] = "7100", ["LOCKSTEP_DEVNET_LOG_FORMAT"] = "json" };
        JsonElement c = PrintConfig(env, "--config", file, "--rollups", "3");
        Assert.Equal(3, c.GetProperty("rollups").GetInt32());              // flag over env and file
        Assert.Equal(7100, c.GetProperty("port").GetInt32());              // env over file
        Assert.Equal("json", c.GetProperty("log-format").GetString());     // env over default
        Assert.Equal("from-file", c.GetProperty("data-dir").GetString());  // file over default
        Assert.Equal(2, c.GetProperty("block-time").GetDouble());
        Assert.True(c.GetProperty("no-l1").GetBoolean());
        Assert.Equal("debug", c.GetProperty("log-level").GetString());
        Assert.Equal(901, c.GetProperty("chain-id").GetInt32());           // nobody set it

        // LOCKSTEP_DEVNET_CONFIG names the file when --config does not.
        JsonElement viaEnv = PrintConfig(new Dictionary<string, string> { ["LOCKSTEP_DEVNET_CONFIG"] = file });
        Assert.Equal(5, viaEnv.GetProperty("rollups").GetInt32());
        Assert.Equal(7000, viaEnv.GetProperty("port").GetInt32());
    }

    [Fact]
    public void BadSettings_ExitCode2_NamingTheirSource()
    {
        var none = new Dictionary<string, string>();
        (int code, string output) = Devnet(none, "--config", WriteConfig("typo.json", """{ "rolups": 3 }"""), "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("unknown key 'rolups'", output);
        (code, output) = Devnet(none, "--config", WriteConfig("devnet.toml", "rollups = 3"), "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("only JSON config files", output);
        (code, output) = Devnet(none, "--config", WriteConfig("range.json", """{ "rollups": 1 }"""), "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("range.json: rollups must be an integer in [2, 64]", output);
        (code, output) = Devnet(new Dictionary<string, string> { ["LOCKSTEP_DEVNET_PORT"] = "http" }, "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("LOCKSTEP_DEVNET_PORT must be an integer", output);
        (code, output) = Devnet(none, "--log-format", "xml", "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("--log-format must be text or json", output);
    }

    [Fact]
    public void InjectFault_FromFlagEnvironmentOrFile_AndBadSpecsRefusedByName()
    {
        var none = new Dictionary<string, string>();
        Assert.Equal(JsonValueKind.Null, PrintConfig(none).GetProperty("inject-fault").ValueKind); // honest by default
        Assert.Equal("drop-mint@2", PrintConfig(none, "--inject-fault", "drop-mint@2").GetProperty("inject-fault").GetString());
        Assert.Equal("mint-without-burn@3:902,forge-state-root@5",
            PrintConfig(new Dictionary<string, string> { ["LOCKSTEP_DEVNET_INJECT_FAULT"] = "Mint-Without-Burn@3:902, forge-state-root@5" }).GetProperty("inject-fault").GetString());
        string file = WriteConfig("faults.json", """{ "inject-fault": "reorder-messages@4" }""");
        Assert.Equal("reorder-messages@4", PrintConfig(none, "--config", file).GetProperty("inject-fault").GetString());

        (int code, string output) = Devnet(none, "--inject-fault", "explode@3", "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("--inject-fault: fault 'explode@3': unknown kind 'explode'", output);
        (code, output) = Devnet(none, "--inject-fault", "drop-mint@0", "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("the height must be a superblock number of at least 1", output);
        (code, output) = Devnet(new Dictionary<string, string> { ["LOCKSTEP_DEVNET_INJECT_FAULT"] = "drop-mint" }, "--print-config");
        Assert.Equal(2, code);
        Assert.Contains("LOCKSTEP_DEVNET_INJECT_FAULT: fault 'drop-mint': expected KIND@HEIGHT", output);
    }

    [Fact]
    public void InjectFault_IsRefused_OnAnL1ThatIsNotADevelopmentChain_AndOnAChainOutsideTheSet()
    {
        // anvil posing as a public testnet (Sepolia's chain id 11155111): the devnet must refuse before touching it.
        using var anvil = new System.Diagnostics.Process
        {
            StartInfo = new System.Diagnostics.ProcessStartInfo(ExternalTools.Require(Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
                "anvil is missing: run `cd tools && npm ci` (the dev-mode check needs an L1 with a chosen chain id)"),
                ["--host", "127.0.0.1", "--port", "0", "--chain-id", "11155111"]) { RedirectStandardOutput = true, RedirectStandardError = true },
        };
        anvil.Start();
        try
        {
            string? url = null;
            for (string? line; url is null && (line = anvil.StandardOutput.ReadLine()) is not null;)
                if (System.Text.RegularExpressions.Regex.Match(line, @"Listening on (127\.0\.0\.1:\d+)") is { Success: true } m) url = "http://" + m.Groups[1].Value;
            Assert.NotNull(url);
            _ = anvil.StandardOutput.ReadToEndAsync();
            // anvil's account 0 would deploy the contracts: the refusal comes first, so nothing is deployed.
            (int code, string output) = Devnet(new Dictionary<string, string>(), "--port", "0", "--data-dir", Path.Combine(_dir, "refused"), "--l1-rpc", url!,
                "--l1-key", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "--inject-fault", "drop-mint@2");
            Assert.Equal(1, code);
            Assert.Contains("--inject-fault is refused: the L1 at", output);
            Assert.Contains("has chain id 11155111, not a development chain", output);
            Assert.False(File.Exists(Path.Combine(_dir, "refused", "l1-deployment.json")), "contracts were deployed before the refusal");
        }
        finally
        {
            anvil.Kill();
            anvil.WaitForExit(5_000);
        }

        (int c2, string o2) = Devnet(new Dictionary<string, string>(), "--port", "0", "--no-l1", "--inject-fault", "drop-mint@2:950");
        Assert.Equal(1, c2);
        Assert.Contains("chain 950 is not a rollup of this set (901..902)", o2);
    }

    [Fact]
    public void RepeatedMessages_PassTheFirst_HoldCopiesWithinTheWindow_ThenCountThem()
    {
        // The poster retries twice a second: after a slashing the L1 refuses every round with the same text.
        DateTime now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var r = new RepeatedMessages(TimeSpan.FromSeconds(30), () => now);
        Assert.True(r.ShouldWrite("eth_estimateGas: execution reverted", out int held));
        Assert.Equal(0, held);
        for (int i = 0; i < 5; i++)
        {
            now = now.AddSeconds(0.5);
            Assert.False(r.ShouldWrite("eth_estimateGas: execution reverted", out _));
        }
        now = now.AddSeconds(30);
        Assert.True(r.ShouldWrite("eth_estimateGas: execution reverted", out held));
        Assert.Equal(5, held);
        now = now.AddSeconds(1);
        Assert.False(r.ShouldWrite("eth_estimateGas: execution reverted", out _));
        Assert.True(r.ShouldWrite("L1 unreachable", out held)); // another text passes at once, with the count of the one before
        Assert.Equal(1, held);
    }

    [Fact]
    public void Logs_JsonFormat_OneObjectPerLine_AndLevelsFilter()
    {
        string dir = Path.Combine(_dir, "json");
        using (DevnetProcess devnet = DevnetProcess.Start(2, dir, "--no-l1", "--log-format", "json"))
        {
            Assert.Equal(0, devnet.Terminate(TimeSpan.FromSeconds(30)));
            JsonElement started = Lines(devnet.Output).Single(l => l.GetProperty("Message").GetString()!.StartsWith("devnet started", StringComparison.Ordinal));
            Assert.Equal("Information", started.GetProperty("LogLevel").GetString());
            Assert.Equal("Lockstep.Devnet", started.GetProperty("Category").GetString());
            Assert.Equal(2, started.GetProperty("State").GetProperty("Rollups").GetInt32()); // a structured field, not only text
            Assert.Contains(Lines(devnet.Output), l => l.GetProperty("Message").GetString() == "shutting down");
        }
        using (DevnetProcess quiet = DevnetProcess.Start(2, Path.Combine(_dir, "quiet"), "--no-l1", "--log-level", "warning"))
        {
            Assert.Equal(0, quiet.Terminate(TimeSpan.FromSeconds(30)));
            Assert.DoesNotContain("devnet started", quiet.Output);
            Assert.Contains("Devnet ready", quiet.Output); // the banner is not a log line: always printed
        }
    }

    private static List<JsonElement> Lines(string output)
    {
        var lines = new List<JsonElement>();
        foreach (string line in output.Split('\n'))
            if (line.TrimStart().StartsWith("{\"", StringComparison.Ordinal))
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        return lines;
    }

    [Fact]
    public void ConsoleProgress_DrawsABarInPlace_AndErasesIt_OrNothingWhenOff()
    {
        var w = new StringWriter();
        using (var p = new ConsoleProgress(w, "blocks", 10))
        {
            p.Report(5);
            Assert.StartsWith("blocks [###############...............] 5/10 (50%", p.Render());
            p.Report(20); // more than the total: the bar stays full
            Assert.StartsWith("blocks [##############################] 10/10 (100%", p.Render());
        }
        string drawn = w.ToString();
        Assert.StartsWith("\rblocks [", drawn);
        Assert.EndsWith("\r", drawn); // erased: the next output starts at column 0
        Assert.DoesNotContain("\n", drawn);

        using var off = new ConsoleProgress(null, "blocks", 10);
        off.Report(3);
        Assert.False(off.Enabled);
        Assert.Equal(3, off.Done);

        var spin = new StringWriter();
        using (var s = new ConsoleProgress(spin, "deploying", 0)) Assert.Matches(@"^[|/\\-] deploying \(\d+ s\)$", s.Render());
        Assert.Contains("deploying", spin.ToString());
    }
}
