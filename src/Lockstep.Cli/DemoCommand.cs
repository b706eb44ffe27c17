using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep demo</c>: runs the seed's scenario against a RUNNING devnet over JSON-RPC and narrates each step with
/// what it checks (DemoScenario.cs): LST and ETH bridged A -> B in one superblock, a failing mint whose burn is
/// excluded, a cross-rollup call, and the rollups' roots on L1. Exit code 0 when every check holds, 1 otherwise.
/// </summary>
public static class DemoCommand
{
    /// <summary>The flags, as printed by <c>lockstep demo --help</c>.</summary>
    public const string Usage = """
        usage: lockstep demo [--devnet FILE | --rpc URL] [options]
          --devnet FILE    the devnet's devnet.json (rollups, L1, dev keys)
          --rpc URL        RPC URL of any rollup of the set; the rest is asked from it (default http://127.0.0.1:9545)
          --mnemonic WORDS dev account mnemonic with --rpc (default: test test ... junk); account 0 must administer LST
          --timeout S      longest wait for a receipt (default 30) and 4x that for the superbatch on L1
        Runs against a running `lockstep devnet`; every step prints what it checks ("ok" or "FAIL"); exit code 1 if
        any check fails. The demo pauses LST on the second rollup for one step (and unpauses it).
        """;

    /// <summary>Runs the demo; returns the exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run("demo", Usage, args, Settings.Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
        var wait = TimeSpan.FromSeconds(s.Timeout);
        DemoScenario scenario;
        try
        {
            scenario = s.DevnetFile is not null
                ? DemoScenario.FromDescription(File.ReadAllText(s.DevnetFile), wait)
                : await DemoScenario.FromRpcAsync(new Uri(s.Rpc), s.Mnemonic, wait).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or Settlement.L1Exception or UriFormatException)
        {
            Console.Error.WriteLine($"lockstep demo: cannot reach the devnet ({(s.DevnetFile ?? s.Rpc)}): {e.Message}");
            Console.Error.WriteLine("start one first: dotnet run -c Release --project src/Lockstep.Cli -- devnet");
            return 1;
        }
        using (scenario)
            return await scenario.RunAsync(Console.Out).ConfigureAwait(false) ? 0 : 1;
    }

    private sealed class Settings
    {
        public string? DevnetFile;
        public string Rpc = "http://127.0.0.1:" + Devnet.DevnetOptions.DefaultBasePort;
        public string Mnemonic = DevAccounts.TestMnemonic;
        public double Timeout = 30;
        public bool Help;

        public static Settings Parse(string[] args)
        {
            var s = new Settings();
            bool rpcGiven = false;
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "--devnet": s.DevnetFile = Value(); break;
                    case "--rpc": s.Rpc = Value(); rpcGiven = true; break;
                    case "--mnemonic": s.Mnemonic = Value(); break;
                    case "--timeout": s.Timeout = CommandLine.ParseSeconds(a, Value()); break;
                    case "-h" or "--help": s.Help = true; break;
                    default: throw new ArgumentException($"unknown option '{a}'");
                }
            }
            if (rpcGiven && s.DevnetFile is not null) throw new ArgumentException("--devnet and --rpc exclude each other");
            if (!Uri.TryCreate(s.Rpc, UriKind.Absolute, out Uri? u) || (u.Scheme != "http" && u.Scheme != "https"))
                throw new ArgumentException($"--rpc: '{s.Rpc}' is not an http(s) URL");
            return s;
        }
    }
}

/// <summary>The L1 side of the set as the demo needs it: the chain and the shared inbox.</summary>
internal sealed record DemoL1(DemoChain Chain, Address Inbox);

/// <summary>ABI of the calls the demo makes (docs/protocol.md, docs/l1-contracts.md); selectors from the signatures.</summary>
internal static class DemoAbi
{
    public static readonly Address MintBurn = Address.FromHex("0x0000000000000000000000000000000000001001");
    public static readonly Address Messenger = Address.FromHex("0x0000000000000000000000000000000000001002");
    public static readonly Address MessageTrees = Address.FromHex("0x0000000000000000000000000000000000001003");
    public static readonly Address Lst = Address.FromHex("0x0000000000000000000000000000000000001004");
    public static readonly Address ProtocolSender = Address.FromHex("0x0000000000000000000000000000000000001000");

    public static byte[] Burn(Address token, UInt256 amount, ulong destination, Address to) =>
        AbiValue.EncodeCall("burn(address,uint256,uint256,address)", AbiValue.Address(token), AbiValue.Uint(amount), AbiValue.Uint(destination), AbiValue.Address(to));
    public static byte[] BurnEth(ulong destination, Address to) => AbiValue.EncodeCall("burnETH(uint256,address)", AbiValue.Uint(destination), AbiValue.Address(to));
    public static byte[] Trigger(ulong destination, Address target, byte[] data, ulong gasLimit) =>
        AbiValue.EncodeCall("trigger(uint256,address,bytes,uint256)", AbiValue.Uint(destination), AbiValue.Address(target), AbiValue.Bytes(data), AbiValue.Uint(gasLimit));
    public static byte[] BalanceOf(Address who) => AbiValue.EncodeCall("balanceOf(address)", AbiValue.Address(who));
    public static byte[] TotalSupply() => AbiValue.EncodeCall("totalSupply()");
    public static byte[] SetPaused(bool paused) => AbiValue.EncodeCall("setPaused(bool)", AbiValue.Bool(paused));
    public static byte[] OutboxRoot(ulong destination) => AbiValue.EncodeCall("outboxRoot(uint256)", AbiValue.Uint(destination));
    public static byte[] InboxRoot(ulong source) => AbiValue.EncodeCall("inboxRoot(uint256)", AbiValue.Uint(source));
    public static byte[] Record(ulong value) => AbiValue.EncodeCall("record(uint256)", AbiValue.Uint(value));
    public static byte[] NoArgs(string signature) => AbiValue.EncodeCall(signature);

    // L1SharedInbox: the rest of its views are in Lockstep.L1Contracts.SharedInbox.
    public static byte[] ChallengeWindow() => AbiValue.EncodeCall("challengeWindow()");
}
