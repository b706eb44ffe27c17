namespace Lockstep.Cli;

/// <summary>The <c>lockstep</c> command: one verb per job (statetest, node, devnet).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "statetest") return StateTestCommand.Run(args[1..]);
        if (args[0] == "node") return NodeCommand.Run(args[1..]);
        if (args[0] == "devnet") return DevnetCommand.Run(args[1..]);
        if (args[0] == "bench") return BenchCommand.Run(args[1..]);
        if (args[0] == "demo") return DemoCommand.Run(args[1..]);
        if (args[0] == "verify") return VerifyCommand.Run(args[1..]);
        Console.Error.WriteLine($"lockstep: unknown command '{args[0]}'");
        Console.Error.WriteLine(Usage);
        return 2;
    }

    private const string Usage = """
        usage: lockstep <command> [options]

        commands:
          statetest PATH... [--fork Cancun] [--summary]   run Ethereum GeneralStateTests files or folders
                                                  (--summary prints only failing cases)
          node [--port 8545] [--data-dir DIR] ...     run one chain with JSON-RPC, like anvil (node --help)
          devnet [--rollups 2] [--data-dir DIR] ...   run a rollup set with its shared sequencer (devnet --help)
          bench [--rollups 2] [--txs N] [--mix ...]   drive a devnet with a signed workload, check invariants (bench --help)
          demo [--devnet FILE | --rpc URL]          run the seed's scenario against a running devnet and narrate it
          verify --l1-rpc URL --inbox ADDR --genesis FILE...   follow a rollup set from L1, re-execute, prove fraud (verify --help)
        """;
}
