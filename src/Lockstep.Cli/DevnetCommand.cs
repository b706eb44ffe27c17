using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lockstep.Devnet;
using Lockstep.Sequencer;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep devnet</c>: a rollup set in one process (N rollups, the shared sequencer, a JSON-RPC server per
/// rollup) with funded dev accounts and the system contracts; writes <c>devnet.json</c> describing it.
/// </summary>
public static class DevnetCommand
{
    /// <summary>The flags, as printed by <c>lockstep devnet --help</c>.</summary>
    public const string Usage = """
        usage: lockstep devnet [options]
          --rollups N          rollups in the set (default 2, at least 2)
          --chain-id N         chain id of the first rollup; rollup i gets N + i (default 901)
          --port N             RPC port of the first rollup; rollup i listens on N + i (default 9545; 0: free ports)
          --explorer-port N    port of the explorer page and /metrics (default: --port minus 1; 0: a free port)
          --host ADDR          listen address (default 127.0.0.1; anything else is reachable from the network)
          --data-dir DIR       keep the set in DIR and resume from it on restart (default: a temp dir deleted on exit)
          --block-time S       a superblock every S seconds (default: as soon as transactions arrive)
          --accounts N         dev accounts funded on every rollup (default 10)
          --mnemonic WORDS     dev account mnemonic (default: test test ... junk)
          --l1-port N          RPC port of the embedded L1 (default 8545; a free port with --port 0)
          --challenge-window S challenge window of the L1 inbox in seconds (default 60)
          --no-l1              run the rollups without the embedded L1 and the batch poster
          --l1-rpc URL         settle on an external L1 (anvil, a testnet) instead of the embedded one
          --l1-key HEX         with --l1-rpc: a funded L1 key that deploys the contracts at first start
          --l1-inbox ADDR      with --l1-rpc: the deployed L1SharedInbox (sequencer bonded); also --l1-bridge,
          --l1-bridge ADDR       --l1-token, --l1-registry
          --l1-confirmations K read deposits from L1 blocks at least K deep (default 0)
          --inject-fault SPEC  dev mode only: make the sequencer cheat on purpose, e.g. drop-mint@2 (kinds drop-mint,
                               mint-without-burn, reorder-messages, forge-state-root; KIND@HEIGHT[:CHAINID], comma
                               separated); refused unless the L1 is a development chain (embedded, anvil 31337, 1337)
          --log-level LEVEL    trace, debug, information (default), warning, error, critical or none
          --log-format FORMAT  text (default: one line per event) or json (one JSON object per line)
          --config FILE        read settings from a JSON file: {"rollups": 3, "data-dir": "d", "no-l1": true, ...}
          --print-config       print the settings in effect (as a config file) and exit
        Every option is also an environment variable: LOCKSTEP_DEVNET_<OPTION> with dashes as underscores
        (LOCKSTEP_DEVNET_DATA_DIR=d, LOCKSTEP_DEVNET_NO_L1=true; LOCKSTEP_DEVNET_CONFIG=FILE for --config).
        Precedence: flags, then environment, then the config file, then the defaults.
        """;

    /// <summary>Runs the devnet until SIGINT/SIGTERM; returns the process exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run("devnet", Usage, args, Settings.Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
        if (s.PrintConfig)
        {
            Console.WriteLine(s.ToJson());
            return 0;
        }
        using Microsoft.Extensions.Logging.ILoggerFactory logs = CommandLine.CreateLoggerFactory(s.LogLevel, s.LogFormat);
        bool temporary = s.DataDir is null;
        string dataDir = s.DataDir ?? Path.Combine(Path.GetTempPath(), "lockstep-devnet-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new DevnetOptions
        {
            Rollups = s.Rollups,
            FirstChainId = s.ChainId,
            Host = s.Host,
            BasePort = s.Port,
            ExplorerPort = s.ExplorerPort,
            DataDir = dataDir,
            Cadence = s.BlockTime is null ? SuperblockCadence.Instant : SuperblockCadence.Interval,
            BlockTime = TimeSpan.FromSeconds(s.BlockTime ?? 1),
            Accounts = s.Accounts,
            Mnemonic = s.Mnemonic,
            EmbeddedL1 = !s.NoL1,
            L1Port = s.L1Port,
            ChallengeWindowSeconds = s.ChallengeWindow,
            L1Rpc = s.L1Rpc,
            L1DeployerKey = s.L1Key is null ? null : Lockstep.Primitives.Hex.Decode(s.L1Key),
            L1Inbox = s.L1Inbox, L1Bridge = s.L1Bridge, L1Token = s.L1Token, L1Registry = s.L1Registry,
            L1Confirmations = s.L1Confirmations,
            Faults = s.Faults,
            LoggerFactory = logs,
        };
        Devnet.Devnet devnet;
        try
        {
            // The first start deploys the L1 contracts and bonds the sequencer: seconds on a busy machine.
            using (ConsoleProgress.Indeterminate(options.EmbeddedL1 ? "starting the rollups and the embedded L1" : "starting the rollups"))
                devnet = await Devnet.Devnet.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or RocksDbSharp.RocksDbException)
        {
            Console.Error.WriteLine($"lockstep devnet: cannot start: {e.Message}");
            return 1;
        }
        // Failures of the sequencer and the poster are logged by the devnet (Devnet.Logging.cs).
        using (CommandLine.ShutdownSignal signal = CommandLine.ShutdownSignal.Register())
        {
            PrintBanner(devnet, temporary, s); // ends with "Devnet ready": the handlers must already be in place
            await signal.Task.ConfigureAwait(false);
        }

        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(devnet.Log, "shutting down");
        Console.WriteLine("shutting down");
        await devnet.DisposeAsync().ConfigureAwait(false);
        if (temporary)
        {
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
        return 0;
    }

    private static void PrintBanner(Devnet.Devnet devnet, bool temporary, Settings s)
    {
        Console.WriteLine($"lockstep devnet: {devnet.Rollups.Count} rollups, one shared sequencer");
        Console.WriteLine();
        Console.WriteLine("Rollups");
        Console.WriteLine("==================");
        foreach (DevnetRollup r in devnet.Rollups)
            Console.WriteLine($"{r.Name,-10} chain id {r.Chain.ChainId,-8} {r.Server.Url.ToString().TrimEnd('/')}  (ws {r.Server.WebSocketUrl.ToString().TrimEnd('/')})  head {r.Chain.Head.Number}");
        Console.WriteLine();
        if (devnet.L1 is { } l1)
        {
            Console.WriteLine($"L1 (embedded) chain id {l1.Chain.ChainId,-8} {l1.Url.ToString().TrimEnd('/')}  challenge window {devnet.Options.ChallengeWindowSeconds} s");
            foreach (KeyValuePair<string, string> kv in devnet.Describe().L1!.Contracts) Console.WriteLine($"  {kv.Key,-17} {kv.Value}");
            Console.WriteLine();
        }
        else if (devnet.Describe().L1 is { } external)
        {
            Console.WriteLine($"L1 (external) chain id {external.ChainId,-8} {external.Rpc}  challenge window of the deployment");
            foreach (KeyValuePair<string, string> kv in external.Contracts) Console.WriteLine($"  {kv.Key,-17} {kv.Value}");
            Console.WriteLine();
        }
        else Console.WriteLine("L1: none (--no-l1): superblocks are not posted");
        Console.WriteLine("System contracts (same address on every rollup)");
        Console.WriteLine("==================");
        foreach (KeyValuePair<string, string> kv in devnet.Describe().Rollups[0].Contracts) Console.WriteLine($"{kv.Key,-17} {kv.Value}");
        Console.WriteLine();
        Console.WriteLine("Dev accounts (10000 ETH on every rollup; LST on the first rollup; account 0 administers LST)");
        Console.WriteLine("==================");
        for (int i = 0; i < devnet.Accounts.Count; i++)
            Console.WriteLine($"({i}) {devnet.Accounts[i].Address}  {devnet.Accounts[i].PrivateKeyHex}");
        Console.WriteLine();
        Console.WriteLine($"Mnemonic:    {s.Mnemonic}");
        Console.WriteLine($"Superblocks: {(s.BlockTime is double t ? $"every {t} s" : "instant (as transactions arrive)")}");
        if (devnet.Faults is { } faults)
            Console.WriteLine($"Faults:      {DevnetFaults.Format(faults.Faults)}  (dev mode: the sequencer cheats on purpose; the verifier should catch it)");
        Console.WriteLine($"Data dir:    {Path.GetFullPath(devnet.Options.DataDir)}{(temporary ? " (temporary, deleted on exit)" : "")}");
        Console.WriteLine($"Explorer:    {devnet.Explorer.Url}");
        Console.WriteLine($"Metrics:     {devnet.Explorer.MetricsUrl}  (Prometheus text format)");
        CommandLine.WarnIfExposed(s.Host);
        Console.WriteLine($"Description: {devnet.DescriptionPath}");
        Console.WriteLine("Devnet ready");
        Console.Out.Flush();
    }

    /// <summary>The settings of one run, from defaults, a config file, the environment and the flags (in that order).</summary>
    private sealed class Settings
    {
        public int Rollups = 2;
        public ulong ChainId = DevnetOptions.DefaultFirstChainId;
        public int Port = DevnetOptions.DefaultBasePort;
        public int? ExplorerPort;
        public IPAddress Host = IPAddress.Loopback;
        public string? DataDir;
        public double? BlockTime;
        public int Accounts = 10;
        public string Mnemonic = Node.DevAccounts.TestMnemonic;
        public bool Help;
        public bool NoL1;
        public int? L1Port;
        public ulong ChallengeWindow = 60;
        public Uri? L1Rpc;
        public string? L1Key;
        public Lockstep.Primitives.Address? L1Inbox, L1Bridge, L1Token, L1Registry;
        public ulong L1Confirmations;
        public IReadOnlyList<InjectedFault>? Faults;
        public Microsoft.Extensions.Logging.LogLevel LogLevel = Microsoft.Extensions.Logging.LogLevel.Information;
        public string LogFormat = "text";
        public bool PrintConfig;

        /// <summary>The options a config file and the environment may set (every flag but --config, --help, --print-config).</summary>
        private static readonly string[] Keys =
            ["rollups", "chain-id", "port", "explorer-port", "host", "data-dir", "block-time", "accounts", "mnemonic", "l1-port",
             "challenge-window", "no-l1", "log-level", "log-format",
             "l1-rpc", "l1-key", "l1-inbox", "l1-bridge", "l1-token", "l1-registry", "l1-confirmations", "inject-fault"];

        private static string EnvName(string key) => "LOCKSTEP_DEVNET_" + key.ToUpperInvariant().Replace('-', '_');

        public static Settings Parse(string[] args)
        {
            var s = new Settings();
            // 1. The config file (--config wins over LOCKSTEP_DEVNET_CONFIG), 2. the environment, 3. the flags.
            string? config = Environment.GetEnvironmentVariable("LOCKSTEP_DEVNET_CONFIG") is { Length: > 0 } c ? c : null;
            for (int i = 0; i < args.Length - 1; i++)
                if (args[i] == "--config") config = args[i + 1];
            if (config is not null) s.ApplyFile(config);
            foreach (string key in Keys)
                if (Environment.GetEnvironmentVariable(EnvName(key)) is { Length: > 0 } value)
                    s.Apply("--" + key, value, EnvName(key));
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                switch (a)
                {
                    case "-h" or "--help": s.Help = true; break;
                    case "--print-config": s.PrintConfig = true; break;
                    case "--no-l1": s.NoL1 = true; break;
                    case "--config": // read above
                        if (++i >= args.Length) throw new ArgumentException("--config needs a value");
                        break;
                    default:
                        if (!a.StartsWith("--", StringComparison.Ordinal) || Array.IndexOf(Keys, a[2..]) < 0) throw new ArgumentException($"unknown option '{a}'");
                        s.Apply(a, i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value"), a);
                        break;
                }
            }
            if (s.Port != 0 && s.Port + s.Rollups - 1 > 65535) throw new ArgumentException($"--port {s.Port} leaves no room for {s.Rollups} rollups");
            return s;
        }

        /// <summary>Sets option <paramref name="flag"/> from text; <paramref name="source"/> names it in errors (flag, variable or file key).</summary>
        private void Apply(string flag, string value, string source)
        {
            switch (flag)
            {
                case "--rollups": Rollups = CommandLine.ParseInt(source, value, 2, 64); break;
                case "--chain-id": ChainId = CommandLine.ParseChainId(source, value); break;
                case "--port": Port = CommandLine.ParseInt(source, value, 0, 65535); break;
                case "--explorer-port": ExplorerPort = CommandLine.ParseInt(source, value, 0, 65535); break;
                case "--host": Host = CommandLine.ParseHost(source, value); break;
                case "--data-dir": DataDir = value; break;
                case "--block-time": BlockTime = CommandLine.ParseSeconds(source, value); break;
                case "--accounts": Accounts = CommandLine.ParseInt(source, value, 1, 1000); break;
                case "--mnemonic": Mnemonic = value; break;
                case "--l1-port": L1Port = CommandLine.ParseInt(source, value, 0, 65535); break;
                case "--challenge-window": ChallengeWindow = (ulong)CommandLine.ParseInt(source, value, 1, int.MaxValue); break;
                case "--no-l1": NoL1 = CommandLine.ParseBool(source, value); break;
                case "--l1-rpc":
                    L1Rpc = Uri.TryCreate(value, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https" ? u : throw new ArgumentException($"{source} must be an http(s) URL");
                    break;
                case "--l1-key": L1Key = value; break;
                case "--l1-inbox": L1Inbox = ParseAddress(source, value); break;
                case "--l1-bridge": L1Bridge = ParseAddress(source, value); break;
                case "--l1-token": L1Token = ParseAddress(source, value); break;
                case "--l1-registry": L1Registry = ParseAddress(source, value); break;
                case "--l1-confirmations": L1Confirmations = (ulong)CommandLine.ParseInt(source, value, 0, 10_000); break;
                case "--inject-fault":
                    try { Faults = DevnetFaults.Parse(value); }
                    catch (ArgumentException e) { throw new ArgumentException($"{source}: {e.Message}"); }
                    break;
                case "--log-level": LogLevel = CommandLine.ParseLogLevel(source, value); break;
                case "--log-format":
                    LogFormat = value is "text" or "json" ? value : throw new ArgumentException($"{source} must be text or json");
                    break;
                default: throw new ArgumentException($"unknown option '{flag}'");
            }
        }

        private static Lockstep.Primitives.Address ParseAddress(string source, string value)
        {
            try { return Lockstep.Primitives.Address.FromHex(value); }
            catch (FormatException) { throw new ArgumentException($"{source} must be a 20-byte hex address"); }
            catch (ArgumentException) { throw new ArgumentException($"{source} must be a 20-byte hex address"); }
        }

        private void ApplyFile(string path)
        {
            if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--config {path}: only JSON config files (.json) are read");
            JsonDocument doc;
            try { doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                throw new ArgumentException($"--config {path}: {e.Message}");
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ArgumentException($"--config {path}: not a JSON object");
                foreach (JsonProperty p in doc.RootElement.EnumerateObject())
                {
                    if (Array.IndexOf(Keys, p.Name) < 0) throw new ArgumentException($"--config {path}: unknown key '{p.Name}' (keys are the flags without dashes: {string.Join(", ", Keys)})");
                    string value = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Number => p.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => throw new ArgumentException($"--config {path}: '{p.Name}' must be a string, number or boolean"),
                    };
                    Apply("--" + p.Name, value, $"{path}: {p.Name}");
                }
            }
        }

        /// <summary>The settings in effect, as a config file (every key).</summary>
        public string ToJson()
        {
            var o = new System.Text.Json.Nodes.JsonObject
            {
                ["rollups"] = Rollups, ["chain-id"] = ChainId, ["port"] = Port, ["explorer-port"] = ExplorerPort, ["host"] = Host.ToString(),
                ["data-dir"] = DataDir, ["block-time"] = BlockTime, ["accounts"] = Accounts, ["mnemonic"] = Mnemonic, ["l1-port"] = L1Port,
                ["challenge-window"] = ChallengeWindow, ["no-l1"] = NoL1, ["log-level"] = LogLevel.ToString().ToLowerInvariant(), ["log-format"] = LogFormat,
                ["l1-rpc"] = L1Rpc?.ToString(), ["l1-key"] = L1Key, ["l1-inbox"] = L1Inbox?.ToString(), ["l1-bridge"] = L1Bridge?.ToString(),
                ["l1-token"] = L1Token?.ToString(), ["l1-registry"] = L1Registry?.ToString(), ["l1-confirmations"] = L1Confirmations,
                ["inject-fault"] = Faults is null ? null : DevnetFaults.Format(Faults),
            };
            return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }
    }
}
