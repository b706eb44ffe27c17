using Lockstep.Primitives;

namespace Lockstep.L1Contracts.Tests;

/// <summary>
/// L2 states of a rollup set with MessageTrees roots: outboxRoot[Y] on X and inboxRoot[X] on Y both hold the root of
/// the X-to-Y messages (equal when honest). Pair (x, y) has messages unless <c>(x + y + seed) % 5 == 0</c>, so some
/// slots are absent and proved by exclusion.
/// </summary>
internal sealed class RollupSet
{
    public IReadOnlyList<ulong> ChainIds { get; }
    public L2StateBuilder[] States { get; }

    public RollupSet(IReadOnlyList<ulong> chainIds, int seed, int filler = 150)
    {
        ChainIds = chainIds;
        int n = chainIds.Count;
        States = new L2StateBuilder[n];
        for (int i = 0; i < n; i++) States[i] = new L2StateBuilder().WithFiller(filler, seed * 100 + i).SetAccount(MessageTreesLayout.Address, 1, UInt256.Zero);
        for (int x = 0; x < n; x++)
            for (int y = 0; y < n; y++)
            {
                if (x == y || (x + y + seed) % 5 == 0) continue;
                Hash256 root = Keccak256.Compute(AbiValue.Encode(AbiValue.Uint((ulong)seed), AbiValue.Uint(chainIds[x]), AbiValue.Uint(chainIds[y])));
                States[x].SetStorage(MessageTreesLayout.Address, MessageTreesLayout.OutboxRootSlot(chainIds[y]), root);
                States[y].SetStorage(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot(chainIds[x]), root);
            }
    }

    /// <summary>A dropped or forged mint: rollup y's inboxRoot for x no longer equals x's outboxRoot for y.</summary>
    public RollupSet ForgeInbox(int y, int x, Hash256 value)
    {
        States[y].SetStorage(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot(ChainIds[x]), value);
        return this;
    }

    public Hash256[] Roots
    {
        get
        {
            var roots = new Hash256[States.Length];
            for (int i = 0; i < roots.Length; i++) roots[i] = States[i].Root;
            return roots;
        }
    }

    /// <summary>The shared fraud proof's calldata for outbox on x vs inbox on y.</summary>
    public byte[] Challenge(ulong index, int x, int y)
    {
        var (accountX, storageX) = States[x].Prove(MessageTreesLayout.Address, MessageTreesLayout.OutboxRootSlot(ChainIds[y]));
        var (accountY, storageY) = States[y].Prove(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot(ChainIds[x]));
        return SharedInbox.Challenge(index, ChainIds[x], ChainIds[y], accountX, storageX, accountY, storageY);
    }

    /// <summary>Eager-mode proofs for every rollup and every other rollup of the set.</summary>
    public List<RollupProofs> EagerProofs()
    {
        var result = new List<RollupProofs>();
        for (int i = 0; i < States.Length; i++)
        {
            var outbox = new List<IReadOnlyList<byte[]>>();
            var inbox = new List<IReadOnlyList<byte[]>>();
            for (int j = 0; j < States.Length; j++)
            {
                if (i == j) { outbox.Add([]); inbox.Add([]); continue; }
                outbox.Add(States[i].Prove(MessageTreesLayout.Address, MessageTreesLayout.OutboxRootSlot(ChainIds[j])).StorageProof);
                inbox.Add(States[i].Prove(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot(ChainIds[j])).StorageProof);
            }
            result.Add(new RollupProofs(States[i].Prove(MessageTreesLayout.Address, Hash256.Zero).AccountProof, outbox, inbox));
        }
        return result;
    }
}
