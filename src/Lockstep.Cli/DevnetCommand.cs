using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
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
        Environment: LOCKSTEP_DEVNET_ROLLUPS, LOCKSTEP_DEVNET_PORT, LOCKSTEP_DEVNET_DATA_DIR and
        LOCKSTEP_DEVNET_BLOCK_TIME give defaults that flags override.
        """;

    /// <summary>Runs the devnet until SIGINT/SIGTERM; returns the process exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run("devnet", Usage, args, Settings.Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
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
        };
        Devnet.Devnet devnet;
        try
        {
            devnet = await Devnet.Devnet.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or RocksDbSharp.RocksDbException)
        {
            Console.Error.WriteLine($"lockstep devnet: cannot start: {e.Message}");
            return 1;
        }
        devnet.Sequencer.Failed += e => Console.Error.WriteLine($"superblock failed: {e}");
        devnet.PosterFailed += e => Console.Error.WriteLine($"L1 posting failed (will retry): {e.Message}");
        PrintBanner(devnet, temporary, s);

        await CommandLine.WaitForShutdownSignalAsync().ConfigureAwait(false);

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
        Console.WriteLine($"Data dir:    {Path.GetFullPath(devnet.Options.DataDir)}{(temporary ? " (temporary, deleted on exit)" : "")}");
        Console.WriteLine($"Explorer:    {devnet.Explorer.Url}");
        Console.WriteLine($"Metrics:     {devnet.Explorer.MetricsUrl}  (Prometheus text format)");
        CommandLine.WarnIfExposed(s.Host);
        Console.WriteLine($"Description: {devnet.DescriptionPath}");
        Console.WriteLine("Devnet ready");
        Console.Out.Flush();
    }

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

        public static Settings Parse(string[] args)
        {
            var s = new Settings();
            // Environment first, flags override (documented in Usage).
            if (Environment.GetEnvironmentVariable("LOCKSTEP_DEVNET_ROLLUPS") is { Length: > 0 } r) s.Rollups = CommandLine.ParseInt("LOCKSTEP_DEVNET_ROLLUPS", r, 2, 64);
            if (Environment.GetEnvironmentVariable("LOCKSTEP_DEVNET_PORT") is { Length: > 0 } p) s.Port = CommandLine.ParseInt("LOCKSTEP_DEVNET_PORT", p, 0, 65535);
            if (Environment.GetEnvironmentVariable("LOCKSTEP_DEVNET_DATA_DIR") is { Length: > 0 } d) s.DataDir = d;
            if (Environment.GetEnvironmentVariable("LOCKSTEP_DEVNET_BLOCK_TIME") is { Length: > 0 } bt) s.BlockTime = CommandLine.ParseSeconds("LOCKSTEP_DEVNET_BLOCK_TIME", bt);
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "--rollups": s.Rollups = CommandLine.ParseInt(a, Value(), 2, 64); break;
                    case "--chain-id":
                        s.ChainId = CommandLine.ParseChainId(a, Value());
                        break;
                    case "--port": s.Port = CommandLine.ParseInt(a, Value(), 0, 65535); break;
                    case "--explorer-port": s.ExplorerPort = CommandLine.ParseInt(a, Value(), 0, 65535); break;
                    case "--host":
                        s.Host = CommandLine.ParseHost(a, Value());
                        break;
                    case "--data-dir": s.DataDir = Value(); break;
                    case "--block-time": s.BlockTime = CommandLine.ParseSeconds(a, Value()); break;
                    case "--accounts": s.Accounts = CommandLine.ParseInt(a, Value(), 1, 1000); break;
                    case "--mnemonic": s.Mnemonic = Value(); break;
                    case "--no-l1": s.NoL1 = true; break;
                    case "--l1-port": s.L1Port = CommandLine.ParseInt(a, Value(), 0, 65535); break;
                    case "--challenge-window": s.ChallengeWindow = (ulong)CommandLine.ParseInt(a, Value(), 1, int.MaxValue); break;
                    case "-h" or "--help": s.Help = true; break;
                    default: throw new ArgumentException($"unknown option '{a}'");
                }
            }
            if (s.Port != 0 && s.Port + s.Rollups - 1 > 65535) throw new ArgumentException($"--port {s.Port} leaves no room for {s.Rollups} rollups");
            return s;
        }


    }
}
