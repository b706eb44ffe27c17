using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.State;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Benchmarks;

/// <summary>
/// Superblock build throughput: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*Superblock*'</c>.
/// Each invocation builds one superblock over <see cref="Rollups"/> fresh rollups (system contracts predeployed) with
/// <see cref="TxsPerRollup"/> user transactions per rollup, from 100 senders per rollup: plain ETH transfers, or
/// cross-rollup pairs (<c>MintBurn.burnETH</c> on rollup i, the 0x7F <c>mint</c> delivery on rollup i+1, in the same
/// superblock). Senders are given (the pool recovered them at admission, as in the ERC20 flow); the end-of-block
/// tree fold (one 0x7F <c>MessageTrees.fold()</c> per block with messages) and the state roots of every block are
/// included in the time (Seal). Issue 4's figure: (pair time / transfer time) / 2, the same number of user transactions.
/// <see cref="StateAccounts"/> gives every rollup that many more accounts in genesis: 0 is a fresh devnet; 100,000 is a
/// small production rollup, whose state trie makes every account update dearer (a transfer updates two accounts of its
/// rollup, a pair one on each side: the same two updates as one transfer). The interleaved flow
/// (<c>-- pair-cost</c>, <see cref="Flows.PairCostFlow"/>) measures the ratio with both workloads in one process, for
/// several state sizes.
/// </summary>
[Config(typeof(InProcessConfig))]
public class SuperblockBenchmarks
{
    /// <summary>
    /// In process (no generated project to build on a busy machine), one superblock per invocation. 15 warm-ups: with
    /// 2, the workload run first (pairs) was measured while its methods were still being re-jitted by tiered
    /// compilation (2-rollup pairs 133 +- 41 ms against ~50 ms once tiered).
    /// </summary>
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1).WithWarmupCount(15).WithIterationCount(9).WithInvocationCount(1).WithUnrollFactor(1));
    }

    private const int Senders = 100;
    private static readonly Dictionary<UInt256, UInt256> NoStorage = [];
    private static readonly UInt256 Ether = UInt256.Parse("1000000000000000000000");

    /// <summary>Rollups in the set.</summary>
    [Params(2, 4, 8)]
    public int Rollups { get; set; }

    /// <summary>"transfer" or "pair".</summary>
    [Params("transfer", "pair")]
    public string Workload { get; set; } = "transfer";

    /// <summary>
    /// Accounts in each rollup's genesis besides the senders and the system contracts (0: a fresh devnet). Not a
    /// BenchmarkDotNet parameter: a 100,000-account genesis per rollup takes about a second to prepare, before every
    /// iteration; the pair-cost flow sweeps state sizes with both workloads in one process.
    /// </summary>
    public int StateAccounts { get; set; }

    /// <summary>User transactions per rollup.</summary>
    public int TxsPerRollup { get; set; } = 500;

    private RollupInput[] _inputs = [];
    private readonly SuperblockBuilder _builder = new() { MaxRecoveryParallelism = 1 };

    [IterationSetup]
    public void Setup()
    {
        _inputs = Prepare(Rollups, Workload == "pair", TxsPerRollup, StateAccounts);
        CollectSetupGarbage();
    }

    [Benchmark]
    public Superblock Build() => BuildIncluded(_builder, _inputs);

    /// <summary>The setup's garbage (fresh genesis states) collected before a build, so a collection inside it is its own.</summary>
    public static void CollectSetupGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Builds the superblock of <paramref name="inputs"/>; throws unless every bundle was included (a build that
    /// rejected some would not be the workload measured).</summary>
    public static Superblock BuildIncluded(SuperblockBuilder builder, RollupInput[] inputs)
    {
        Superblock sb = builder.Build(inputs, new SuperblockAttributes { Timestamp = 1_700_000_002 });
        foreach (BundleReport r in sb.Bundles)
            if (r.Outcome != BundleOutcome.Included) throw new InvalidOperationException($"{r.Outcome}: {r.Reason}");
        return sb;
    }

    /// <summary>
    /// Fresh genesis states and candidate lists for one superblock; <paramref name="stateAccounts"/> more accounts (one wei,
    /// nonce 1, at addresses no transaction touches) in each rollup's genesis.
    /// </summary>
    public static RollupInput[] Prepare(int rollups, bool pairs, int txsPerRollup, int stateAccounts = 0)
    {
        var chainIds = new ulong[rollups];
        for (int i = 0; i < rollups; i++) chainIds[i] = 901 + (ulong)i;
        var inputs = new RollupInput[rollups];
        for (int i = 0; i < rollups; i++)
        {
            var alloc = new Dictionary<Address, GenesisAccount>();
            var senders = new Address[Senders];
            for (int s = 0; s < Senders; s++)
            {
                senders[s] = Address.FromNumber(0x5e000000u + (uint)s);
                alloc[senders[s]] = new GenesisAccount(Ether, 0, [], new Dictionary<UInt256, UInt256>());
            }
            for (int a = 0; a < stateAccounts; a++)
                alloc[Address.FromNumber(0x3c000000u + (uint)a)] = new GenesisAccount(UInt256.One, 1, [], NoStorage);
            var genesis = Predeploys.Apply(new Genesis
            {
                ChainId = chainIds[i], London = true, Shanghai = true, Cancun = true, GasLimit = 300_000_000,
                BaseFeePerGas = new UInt256(1_000_000_000), Timestamp = 1_700_000_000, Alloc = alloc,
            }, chainIds);
            var state = new WorldState();
            BlockHeader parent = genesis.CreateBlock(state).Header;
            var txs = new Transaction[txsPerRollup];
            var txSenders = new Address[txsPerRollup];
            ulong destination = chainIds[(i + 1) % rollups];
            for (int k = 0; k < txsPerRollup; k++)
            {
                int s = k % Senders;
                // Each transfer/pair pays a fresh recipient, so every one writes a new account (as in the ERC20 flow).
                Address recipient = Address.FromNumber(0x7e000000u + (uint)(i * txsPerRollup + k));
                txSenders[k] = senders[s];
                txs[k] = new Transaction
                {
                    Type = TxType.DynamicFee, ChainId = new UInt256(chainIds[i]), Nonce = (ulong)(k / Senders),
                    MaxPriorityFeePerGas = UInt256.One, MaxFeePerGas = new UInt256(10_000_000_000),
                    GasLimit = pairs ? 200_000UL : 21_000UL,
                    To = pairs ? SystemAddresses.MintBurn : recipient,
                    Value = new UInt256(1000),
                    Data = pairs ? SystemCalldata.BurnEth(destination, recipient) : [],
                };
            }
            inputs[i] = new RollupInput { ChainId = chainIds[i], Parent = parent, State = state, Transactions = txs, Senders = txSenders };
        }
        return inputs;
    }
}
