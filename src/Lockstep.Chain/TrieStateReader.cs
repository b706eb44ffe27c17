using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;
using Lockstep.Trie;

namespace Lockstep.Chain;

/// <summary>
/// The committed state at one state root, read from trie nodes: accounts from the account trie under
/// keccak(address), slots from each account's storage trie under keccak(slot), code by hash. Not thread-safe.
/// </summary>
public sealed class TrieStateReader : IStateReader
{
    private readonly INodeStore _nodes;
    private readonly PatriciaTrie _accounts;
    private readonly Func<Hash256, byte[]?> _code;
    private readonly Dictionary<Address, (bool Exists, AccountState State)> _accountCache = new();
    private readonly Dictionary<Address, PatriciaTrie> _storageTries = new();

    /// <param name="nodes">Where trie nodes are read.</param>
    /// <param name="stateRoot">The state root to read at.</param>
    /// <param name="code">Code by code hash (null when unknown).</param>
    public TrieStateReader(INodeStore nodes, Hash256 stateRoot, Func<Hash256, byte[]?> code)
    {
        _nodes = nodes;
        StateRoot = stateRoot;
        _accounts = new PatriciaTrie(nodes, stateRoot);
        _code = code;
    }

    /// <summary>The root this reader reads at.</summary>
    public Hash256 StateRoot { get; }

    /// <inheritdoc />
    public bool TryGetAccount(in Address address, out AccountState account)
    {
        if (_accountCache.TryGetValue(address, out var cached))
        {
            account = cached.State;
            return cached.Exists;
        }
        Span<byte> buffer = stackalloc byte[32];
        address.CopyTo(buffer[..20]);
        Span<byte> key = stackalloc byte[32];
        Keccak256.Compute(buffer[..20], key);
        bool exists = _accounts.TryGet(key, out ReadOnlySpan<byte> rlp);
        account = exists ? DecodeAccount(rlp) : default;
        _accountCache[address] = (exists, account);
        return exists;
    }

    /// <inheritdoc />
    public UInt256 GetStorage(in Address address, in UInt256 key)
    {
        if (!TryGetAccount(address, out AccountState account) || account.StorageRoot == Keccak256.EmptyTrieRoot) return UInt256.Zero;
        if (!_storageTries.TryGetValue(address, out PatriciaTrie? trie))
        {
            trie = new PatriciaTrie(_nodes, account.StorageRoot);
            _storageTries[address] = trie;
        }
        Span<byte> slot = stackalloc byte[32];
        key.WriteBigEndian(slot);
        Span<byte> hashed = stackalloc byte[32];
        Keccak256.Compute(slot, hashed);
        if (!trie.TryGet(hashed, out ReadOnlySpan<byte> value)) return UInt256.Zero;
        var r = new RlpReader(value);
        return r.ReadUInt256();
    }

    /// <inheritdoc />
    public byte[] GetCode(in Hash256 codeHash)
    {
        if (codeHash == Keccak256.EmptyHash) return [];
        return _code(codeHash) ?? throw new InvalidOperationException($"code {codeHash} is missing from the store");
    }

    /// <summary>Decodes an account trie value: RLP([nonce, balance, storageRoot, codeHash]) (Yellow Paper 4.1).</summary>
    public static AccountState DecodeAccount(ReadOnlySpan<byte> rlp)
    {
        var r = new RlpReader(rlp);
        int end = r.ReadListHeader();
        var state = new AccountState(r.ReadUInt64(), r.ReadUInt256(), r.ReadHash(), r.ReadHash());
        r.ExpectEnd(end);
        return state;
    }
}
