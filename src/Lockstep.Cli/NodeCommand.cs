using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Rpc;
using Lockstep.Storage;
using Lockstep.TxPool;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep node</c>: one rollup chain alone, like anvil: funded dev accounts, blocks on demand or on an
/// interval, JSON-RPC over HTTP and WebSocket. Prints the accounts and "RPC listening on URL" once ready; exits
/// cleanly on SIGINT/SIGTERM (the block in progress is committed or not started, never half written).
/// </summary>
public static class NodeCommand
{
    /// <summary>Usage text of the node command.</summary>
    public const string Usage = """
        usage: lockstep node [options]
          --port N            RPC port (default 8545; 0 picks a free port)
          --host ADDR         listen address (default 127.0.0.1; anything else is reachable from the network)
          --chain-id N        chain id of the dev genesis (default 31337)
          --data-dir DIR      keep the chain in DIR and resume from it on restart (default: a temp dir deleted on exit)
          --genesis FILE      geth genesis JSON instead of the dev genesis
          --block-time S      a block every S seconds (default: a block as soon as transactions arrive)
          --no-mining         blocks only through evm_mine (needs --admin)
          --accounts N        dev accounts to fund and print (default 10)
          --mnemonic WORDS    dev account mnemonic (default: test test ... junk)
          --admin             enable evm_mine, evm_setNextBlockTimestamp, evm_increaseTime (loopback clients only)
          --max-body BYTES    largest request body (default 5242880)
          --max-batch N       largest batch (default 1000)
          --logs-range N      most blocks per eth_getLogs (default 10000)
          --pool-per-sender N most pooled transactions per sender, and the largest nonce gap (default 1024)
          --pool-size N       most pooled transactions in total (default 100000)
        """;

    /// <summary>Runs the node until SIGINT/SIGTERM; returns the exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run("node", Usage, args, Settings.Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
        bool temporary = s.DataDir is null;
        string dataDir = s.DataDir ?? Path.Combine(Path.GetTempPath(), "lockstep-node-" + Guid.NewGuid().ToString("N")[..12]);
        IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(s.Mnemonic, s.Accounts);
        Genesis genesis;
        try
        {
            genesis = s.GenesisFile is null
                ? DevGenesis.Create(s.ChainId ?? DevGenesis.DefaultChainId, accounts.Select(a => a.Address))
                : Genesis.FromJson(File.ReadAllText(s.GenesisFile));
        }
        catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            Console.Error.WriteLine($"lockstep node: cannot read the genesis: {e.Message}");
            return 1;
        }
        if (s.GenesisFile is not null && s.ChainId is ulong id && id != genesis.ChainId)
        {
            Console.Error.WriteLine($"lockstep node: --chain-id {id} differs from the genesis chain id {genesis.ChainId}");
            return 2;
        }

        Directory.CreateDirectory(dataDir);
        RollupChain chain;
        try
        {
            var db = new RocksDbKeyValueStore(Path.Combine(dataDir, "chain"));
            try
            {
                // A dev node serves scripts that fire hundreds of transactions from one account (anvil has no
                // per-sender cap): wider per-sender and nonce-gap limits than the pool's public-chain defaults.
                var pool = new TxPoolOptions
                {
                    ChainId = genesis.ChainId,
                    BlockGasLimit = genesis.GasLimit,
                    MaxPerSender = s.PoolPerSender,
                    MaxNonceGap = (ulong)s.PoolPerSender,
                    MaxTotal = s.PoolTotal,
                };
                chain = new RollupChain(db, genesis, pool, ownsDb: true);
            }
            catch
            {
                db.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or RocksDbSharp.RocksDbException)
        {
            Console.Error.WriteLine($"lockstep node: cannot open the chain in {dataDir}: {e.Message}");
            return 1;
        }

        var producer = new BlockProducer(chain, new ProducerOptions
        {
            Mode = s.NoMining ? ProductionMode.Manual : s.BlockTime is double t ? ProductionMode.Interval : ProductionMode.Instant,
            BlockTime = TimeSpan.FromSeconds(s.BlockTime ?? 1),
        });
        producer.Failed += e => Console.Error.WriteLine($"block production failed: {e}");
        var options = new RpcServerOptions
        {
            Host = s.Host,
            Port = s.Port,
            MaxRequestBytes = s.MaxBody,
            MaxBatchLength = s.MaxBatch,
            MaxLogBlockRange = s.LogsRange,
        };
        var dispatcher = new RpcDispatcher(options);
        var eth = new EthModule(chain, options, [.. accounts.Select(a => a.Address)]) { Signers = accounts };
        eth.Register(dispatcher);
        if (s.Admin) new AdminModule(producer).Register(dispatcher);
        var server = new RpcServer(dispatcher);
        try
        {
            await server.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"lockstep node: cannot listen on {s.Host}:{s.Port}: {e.Message}");
            eth.Dispose();
            producer.Dispose();
            chain.Dispose();
            return 1;
        }
        producer.Start();

        using (CommandLine.ShutdownSignal signal = CommandLine.ShutdownSignal.Register())
        {
            PrintBanner(s, chain, accounts, dataDir, temporary, server.Url); // announces readiness: handlers first
            await signal.Task.ConfigureAwait(false);
        }

        Console.WriteLine("shutting down");
        await server.StopAsync().ConfigureAwait(false);
        producer.Dispose();
        eth.Dispose();
        chain.Dispose();
        if (temporary)
        {
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
        return 0;
    }

    private static void PrintBanner(Settings s, RollupChain chain, IReadOnlyList<DevAccount> accounts, string dataDir, bool temporary, Uri url)
    {
        Console.WriteLine("lockstep node");
        Console.WriteLine();
        Console.WriteLine("Available Accounts");
        Console.WriteLine("==================");
        for (int i = 0; i < accounts.Count; i++) Console.WriteLine($"({i}) {accounts[i].Address} ({(s.GenesisFile is null ? "10000 ETH" : "see genesis")})");
        Console.WriteLine();
        Console.WriteLine("Private Keys");
        Console.WriteLine("==================");
        for (int i = 0; i < accounts.Count; i++) Console.WriteLine($"({i}) {accounts[i].PrivateKeyHex}");
        Console.WriteLine();
        Console.WriteLine($"Mnemonic:    {s.Mnemonic}");
        Console.WriteLine("Derivation:  m/44'/60'/0'/0/");
        Console.WriteLine($"Chain ID:    {chain.ChainId}");
        Console.WriteLine($"Head:        block {chain.Head.Number} {chain.Head.Hash}");
        Console.WriteLine($"Data dir:    {dataDir}{(temporary ? " (temporary, deleted on exit)" : "")}");
        Console.WriteLine($"Blocks:      {(s.NoMining ? "on evm_mine only" : s.BlockTime is double t ? $"every {t} s" : "instant (as transactions arrive)")}");
        if (s.Admin) Console.WriteLine("Admin:       evm_mine, evm_setNextBlockTimestamp, evm_increaseTime (loopback clients only)");
        CommandLine.WarnIfExposed(s.Host);
        Console.WriteLine($"WebSocket:   ws://{url.Authority}");
        Console.WriteLine($"RPC listening on {url.ToString().TrimEnd('/')}");
        Console.Out.Flush();
    }

    private sealed class Settings
    {
        public int Port = 8545;
        public IPAddress Host = IPAddress.Loopback;
        public ulong? ChainId;
        public string? DataDir;
        public string? GenesisFile;
        public double? BlockTime;
        public bool NoMining;
        public int Accounts = 10;
        public string Mnemonic = DevAccounts.TestMnemonic;
        public bool Admin;
        public bool Help;
        public int MaxBody = 5 * 1024 * 1024;
        public int MaxBatch = 1000;
        public ulong LogsRange = 10_000;
        public int PoolPerSender = 1024;
        public int PoolTotal = 100_000;

        public static Settings Parse(string[] args)
        {
            var s = new Settings();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "--port": s.Port = CommandLine.ParseInt(a, Value(), 0, 65535); break;
                    case "--host":
                        s.Host = CommandLine.ParseHost(a, Value());
                        break;
                    case "--chain-id":
                        s.ChainId = CommandLine.ParseChainId(a, Value());
                        break;
                    case "--data-dir": s.DataDir = Value(); break;
                    case "--genesis": s.GenesisFile = Value(); break;
                    case "--block-time":
                        s.BlockTime = CommandLine.ParseSeconds(a, Value());
                        break;
                    case "--no-mining": s.NoMining = true; break;
                    case "--accounts": s.Accounts = CommandLine.ParseInt(a, Value(), 0, 1000); break;
                    case "--mnemonic": s.Mnemonic = Value(); break;
                    case "--admin": s.Admin = true; break;
                    case "--max-body": s.MaxBody = CommandLine.ParseInt(a, Value(), 1024, int.MaxValue - 1); break;
                    case "--max-batch": s.MaxBatch = CommandLine.ParseInt(a, Value(), 1, 1_000_000); break;
                    case "--logs-range": s.LogsRange = (ulong)CommandLine.ParseInt(a, Value(), 1, int.MaxValue); break;
                    case "--pool-per-sender": s.PoolPerSender = CommandLine.ParseInt(a, Value(), 1, 1_000_000); break;
                    case "--pool-size": s.PoolTotal = CommandLine.ParseInt(a, Value(), 1, 10_000_000); break;
                    case "-h" or "--help": s.Help = true; break;
                    default: throw new ArgumentException($"unknown option '{a}'");
                }
            }
            if (s.NoMining && s.BlockTime is not null) throw new ArgumentException("--no-mining and --block-time exclude each other");
            return s;
        }

    }
}
