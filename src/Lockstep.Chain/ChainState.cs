using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Trie;

namespace Lockstep.Chain;

/// <summary>
/// A <see cref="WorldState"/> opened on a committed state root of a <see cref="ChainStore"/>, with the tries it
/// computes its root in attached to the store, so that <see cref="ChainStore.CommitBlock"/> can persist the
/// new state's trie nodes together with the block. Use one instance per block.
/// </summary>
public sealed class ChainState
{
    private readonly PatriciaTrie _accountTrie;
    private readonly PendingNodeStore _nodes;

    internal ChainState(PendingNodeStore nodes, Hash256 stateRoot, Func<Hash256, byte[]?> code)
    {
        _nodes = nodes;
        ParentStateRoot = stateRoot;
        Reader = new TrieStateReader(nodes, stateRoot, code);
        World = new WorldState(Reader);
        _accountTrie = new PatriciaTrie(nodes, stateRoot);
        World.AttachTries(_accountTrie, root => new PatriciaTrie(nodes, root), () => new PatriciaTrie(nodes));
    }

    /// <summary>The state to execute on.</summary>
    public WorldState World { get; }

    /// <summary>The committed state it starts from.</summary>
    public TrieStateReader Reader { get; }

    /// <summary>The state root this state was opened at.</summary>
    public Hash256 ParentStateRoot { get; }

    internal PendingNodeStore Nodes => _nodes;

    /// <summary>
    /// Commits the account trie and every storage trie into the pending node store and returns the state root.
    /// </summary>
    internal Hash256 CommitTries()
    {
        Hash256 root = World.ComputeStateRoot();
        foreach (PatriciaTrie storage in World.LoadedStorageTries)
        {
            // Every storage trie comes from the factories given to AttachTries, so it writes into our store.
            if (!ReferenceEquals(storage.Store, _nodes))
                throw new InvalidOperationException("a storage trie outside the chain's node store cannot be committed");
            storage.Commit();
        }
        Hash256 committed = _accountTrie.Commit();
        if (committed != root) throw new InvalidOperationException("account trie commit disagrees with the computed state root");
        return root;
    }
}
