using Lockstep.Chain;
using Lockstep.Devnet;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Workload.Tests;

/// <summary>
/// A devnet's rollup set in process (same geneses as <c>lockstep devnet</c>) behind a manual <see cref="SharedSequencer"/>
/// over an in-memory store: the builder under honest load and failing-bundle spam, superblock by superblock.
/// </summary>
internal sealed class SpamSet : IDisposable
{
    public const int Rollups = 2;

    private static readonly IReadOnlyList<DevAccount> AllAccounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 200);
    private ulong _timestamp = 1;

    public SpamSet(int honestSenders, int adversaries, int slotsPerRollup, BundleAdmissionOptions? protection, IKeyValueStore? admissionStore = null)
    {
        Honest = [.. AllAccounts.Take(honestSenders)];
        Adversaries = [.. AllAccounts.Skip(honestSenders).Take(adversaries)];
        var options = new DevnetOptions { DataDir = "unused", Rollups = Rollups, Accounts = honestSenders + adversaries };
        IReadOnlyList<Genesis> geneses = Devnet.Devnet.CreateGeneses(options, [.. Honest, .. Adversaries]);
        Admission = protection is null ? null : new BundleAdmission(protection, admissionStore);
        Sequencer = new SharedSequencer(new MemoryKeyValueStore(), geneses,
            g => new TxPoolOptions { ChainId = g.ChainId, BlockGasLimit = g.GasLimit, MaxPerSender = 1024, MaxNonceGap = 1024, MaxTotal = 100_000 },
            new SharedSequencerOptions { Cadence = SuperblockCadence.Manual, MaxTransactionsPerRollup = slotsPerRollup, Admission = Admission },
            ownsDb: true);
        ChainIds = [.. Sequencer.Chains.Select(c => c.ChainId)];
    }

    public IReadOnlyList<DevAccount> Honest { get; }
    public IReadOnlyList<DevAccount> Adversaries { get; }
    public BundleAdmission? Admission { get; }
    public SharedSequencer Sequencer { get; }
    public IReadOnlyList<ulong> ChainIds { get; }

    public void Add(PreparedTransaction tx)
    {
        TxPoolResult r = Sequencer.Chains[tx.Rollup].Pool.Add(TransactionDecoder.DecodeUser(tx.Raw));
        if (!r.Accepted) throw new InvalidOperationException($"pool refused {tx.Kind} {tx.Hash}: {r.Message}");
    }

    public bool InPool(PreparedTransaction tx) => Sequencer.Chains[tx.Rollup].Pool.Contains(tx.Hash);

    public Superblock Build() => Sequencer.BuildNext(_timestamp++);

    public void Dispose() => Sequencer.Dispose();
}
