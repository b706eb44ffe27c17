using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Trie;

namespace Lockstep.State;

public sealed partial class WorldState
{
    private PatriciaTrie? _accountTrie;
    private Func<Hash256, PatriciaTrie>? _openStorageTrie;
    private Func<PatriciaTrie>? _newStorageTrie;
    private readonly RlpWriter _rlp = new(128);

    /// <summary>
    /// Attaches the tries the state root is computed with: the account trie as of the reader's state, a way to
    /// open an account's storage trie at a root, and optionally a way to make an empty one (so that storage of
    /// new or reset accounts lands in the same node store and can be committed). Without this, all tries live
    /// in memory (genesis, tests).
    /// </summary>
    public void AttachTries(PatriciaTrie accountTrie, Func<Hash256, PatriciaTrie> openStorageTrie, Func<PatriciaTrie>? newStorageTrie = null)
    {
        _accountTrie = accountTrie;
        _openStorageTrie = openStorageTrie;
        _newStorageTrie = newStorageTrie;
    }

    /// <summary>
    /// The storage tries of the accounts held in this state's cache (opened or created by
    /// <see cref="ComputeStateRoot"/>), so a chain store can commit them after computing the root.
    /// </summary>
    public IEnumerable<PatriciaTrie> LoadedStorageTries
    {
        get
        {
            foreach (Account a in _accounts.Values)
                if (a.StorageTrie is PatriciaTrie trie) yield return trie;
        }
    }

    private PatriciaTrie NewStorageTrie() => _newStorageTrie?.Invoke() ?? new PatriciaTrie();

    /// <summary>
    /// The state root (Yellow Paper 4.1) after the committed transactions. Only accounts changed since the
    /// last call are re-encoded: their dirty slots go into their storage tries (keys keccak-hashed, values
    /// RLP of the trimmed big-endian value, zero deletes), then each account's RLP
    /// [nonce, balance, storageRoot, codeHash] goes into the account trie under keccak(address).
    /// Call between transactions (after <see cref="CommitTransaction"/>).
    /// </summary>
    public Hash256 ComputeStateRoot()
    {
        // The root computation forgets dirty slots and resets storage tries, which a bundle revert could not undo.
        if (_inBundle) throw new InvalidOperationException("the state root cannot be computed while a bundle is open");
        _accountTrie ??= new PatriciaTrie();
        Span<byte> key = stackalloc byte[32];
        Span<byte> addressBytes = stackalloc byte[20];
        Span<byte> slot = stackalloc byte[32];
        foreach (Account a in _dirty)
        {
            a.Dirty = false;
            if (a.AddressHash.IsZero)
            {
                a.Address.CopyTo(addressBytes);
                a.AddressHash = Keccak256.Compute(addressBytes);
            }
            a.AddressHash.CopyTo(key);
            if (!a.Exists)
            {
                _accountTrie.Delete(key);
                a.StorageTrie = null;
                a.StorageRoot = Keccak256.EmptyTrieRoot;
                a.StorageResetPending = false;
                a.DirtySlots?.Clear();
                continue;
            }

            if (a.StorageResetPending)
            {
                a.StorageTrie = NewStorageTrie();
                a.StorageResetPending = false;
            }
            if (a.DirtySlots is { Count: > 0 })
            {
                var trie = (PatriciaTrie?)a.StorageTrie;
                if (trie is null)
                {
                    trie = a.StorageRoot == Keccak256.EmptyTrieRoot || _openStorageTrie is null
                        ? NewStorageTrie()
                        : _openStorageTrie(a.StorageRoot);
                    a.StorageTrie = trie;
                }
                foreach (UInt256 k in a.DirtySlots)
                {
                    k.WriteBigEndian(slot);
                    Keccak256.Compute(slot, key);
                    UInt256 v = a.Storage[k];
                    if (v.IsZero) trie.Delete(key);
                    else
                    {
                        _rlp.Reset();
                        _rlp.WriteUInt256(v);
                        trie.Set(key, _rlp.Written);
                    }
                }
                a.DirtySlots.Clear();
                a.StorageRoot = trie.RootHash;
                a.AddressHash.CopyTo(key);
            }
            else if (a.StorageTrie is PatriciaTrie t)
            {
                a.StorageRoot = t.RootHash;
            }

            _rlp.Reset();
            _rlp.StartList().WriteUInt64(a.Nonce).WriteUInt256(a.Balance).WriteHash(a.StorageRoot).WriteHash(a.CodeHash).EndList();
            _accountTrie.Set(key, _rlp.Written);
        }
        _dirty.Clear();
        return _accountTrie.RootHash;
    }

    /// <summary>The account as the trie would store it now (for dumps and tests); false when it does not exist.</summary>
    public bool TryGetAccountState(in Address address, out AccountState state)
    {
        Account a = GetOrLoad(address);
        state = new AccountState(a.Nonce, a.Balance, a.StorageRoot, a.CodeHash);
        return a.Exists;
    }
}
