using System.Collections;
using System.Reflection;
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
        World.AttachTries(_accountTrie, root => new PatriciaTrie(nodes, root));
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
        foreach (PatriciaTrie storage in StorageTries(World))
        {
            if (ReferenceEquals(storage.Store, _nodes))
            {
                storage.Commit();
                continue;
            }
            // WorldState builds the storage trie of a new (or reset) account in memory, outside the store we
            // attached. Copy it into the store so its root can be reopened. See the report: WorldState should
            // take a factory for new storage tries too.
            if (storage.IsEmpty) continue;
            var copy = new PatriciaTrie(_nodes);
            foreach (KeyValuePair<byte[], byte[]> kv in storage.ToList()) copy.Set(kv.Key, kv.Value);
            Hash256 copied = copy.Commit();
            if (copied != storage.RootHash) throw new InvalidOperationException("copied storage trie has a different root");
        }
        Hash256 committed = _accountTrie.Commit();
        if (committed != root) throw new InvalidOperationException("account trie commit disagrees with the computed state root");
        return root;
    }

    // WorldState keeps each account's storage trie in its internal account cache and has no public way to list
    // them; this is the one place that reaches in (by reflection), until it exposes them.
    private static readonly FieldInfo AccountsField = typeof(WorldState).GetField("_accounts", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new MissingFieldException(nameof(WorldState), "_accounts");

    private static IEnumerable<PatriciaTrie> StorageTries(WorldState world)
    {
        var accounts = (IDictionary)AccountsField.GetValue(world)!;
        FieldInfo? trieField = null;
        foreach (object account in accounts.Values)
        {
            trieField ??= account.GetType().GetField("StorageTrie", BindingFlags.Public | BindingFlags.Instance)
                ?? throw new MissingFieldException("Account", "StorageTrie");
            if (trieField.GetValue(account) is PatriciaTrie trie) yield return trie;
        }
    }
}
