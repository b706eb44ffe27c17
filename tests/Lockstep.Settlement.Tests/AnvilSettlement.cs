using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// What most poster tests start from: a fresh anvil with the L1 contracts deployed (sequencer bonded) and a fresh
/// <see cref="L2Set"/> (two rollups unless given) with nothing sealed yet. Disposes both.
/// </summary>
internal sealed class AnvilSettlement : IDisposable
{
    private static readonly BatchPosterOptions Defaults = new() { Inbox = Address.Zero, SequencerKey = [] }; // for its default timings

    public AnvilNode Anvil { get; }
    public L2Set Set { get; }
    public Address Inbox { get; }
    public Address Bridge { get; }

    public AnvilSettlement(ulong[]? chainIds = null)
    {
        Anvil = new AnvilNode();
        try
        {
            (_, Inbox, Bridge) = Anvil.DeployL1(chainIds ?? L2Set.ChainIds);
            Set = new L2Set(chainIds: chainIds);
        }
        catch
        {
            Anvil.Dispose();
            throw;
        }
    }

    /// <summary>The parts most tests name: <c>var (anvil, set, inbox) = l1;</c>.</summary>
    public void Deconstruct(out AnvilNode anvil, out L2Set set, out Address inbox) => (anvil, set, inbox) = (Anvil, Set, Inbox);

    /// <summary>anvil's JSON-RPC client.</summary>
    public JsonRpcL1Client L1 => Anvil.Client;

    /// <summary>
    /// A poster of <see cref="Set"/>'s superblocks to <see cref="Inbox"/>, signed with <paramref name="key"/> (the bonded
    /// sequencer unless given), over <paramref name="client"/> (anvil unless given); unset timings are the defaults.
    /// </summary>
    public BatchPoster Poster(IKeyValueStore? db = null, byte[]? key = null, IL1Client? client = null, int confirmations = 1,
        TimeSpan? stuckAfter = null, TimeSpan? pollInterval = null) =>
        new(client ?? Anvil.Client, Set.Sequencer.Superblocks, db ?? new MemoryKeyValueStore(), new BatchPosterOptions
        {
            Inbox = Inbox, SequencerKey = key ?? AnvilNode.SequencerKey, Confirmations = confirmations,
            StuckAfter = stuckAfter ?? Defaults.StuckAfter, PollInterval = pollInterval ?? Defaults.PollInterval,
        });

    /// <summary>The inbox's superbatch count.</summary>
    public ulong SuperbatchCount() => InboxHistory.Count(L1, Inbox);

    /// <summary><see cref="InboxHistory.AssertL1History"/> for this inbox and set.</summary>
    public void AssertL1History(ulong lastHeight) => InboxHistory.AssertL1History(L1, Inbox, Set, lastHeight);

    public void Dispose()
    {
        Set.Dispose();
        Anvil.Dispose();
    }
}
