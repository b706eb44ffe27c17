using Lockstep.Primitives;

namespace Lockstep.Trie;

/// <summary>
/// The "secure" trie used for Ethereum state and storage (Yellow Paper section 4.1): every key is replaced by
/// keccak256(key) before it reaches the <see cref="PatriciaTrie"/>. State trie: key = address (20 bytes),
/// value = RLP([nonce, balance, storageRoot, codeHash]). Storage trie: key = slot as 32 big-endian bytes,
/// value = RLP(slot value without leading zeros); a zero value is deleted.
/// </summary>
public sealed class SecureTrie
{
    /// <summary>An empty secure trie in memory.</summary>
    public SecureTrie() => Inner = new PatriciaTrie();

    /// <summary>An empty secure trie that commits to <paramref name="store"/>.</summary>
    public SecureTrie(INodeStore store) => Inner = new PatriciaTrie(store);

    /// <summary>The secure trie with root <paramref name="root"/> in <paramref name="store"/>.</summary>
    public SecureTrie(INodeStore store, Hash256 root) => Inner = new PatriciaTrie(store, root);

    /// <summary>The underlying trie, keyed by hashed keys.</summary>
    public PatriciaTrie Inner { get; }

    /// <inheritdoc cref="PatriciaTrie.RootHash"/>
    public Hash256 RootHash => Inner.RootHash;

    /// <summary>The value under keccak256(<paramref name="key"/>), or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Keccak256.Compute(key, h);
        return Inner.Get(h);
    }

    /// <summary>Allocation-free lookup under keccak256(<paramref name="key"/>); see <see cref="PatriciaTrie.TryGet"/>.</summary>
    public bool TryGet(scoped ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Keccak256.Compute(key, h);
        return Inner.TryGet(h, out value);
    }

    /// <summary>Stores under keccak256(<paramref name="key"/>); an empty value deletes.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Keccak256.Compute(key, h);
        Inner.Set(h, value);
    }

    /// <summary>Removes keccak256(<paramref name="key"/>).</summary>
    public void Delete(ReadOnlySpan<byte> key)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Keccak256.Compute(key, h);
        Inner.Delete(h);
    }

    /// <inheritdoc cref="PatriciaTrie.Commit"/>
    public Hash256 Commit() => Inner.Commit();

    /// <summary>The <c>eth_getProof</c> proof for <paramref name="key"/> (hashed here, as eth_getProof does).</summary>
    public List<byte[]> GetProof(ReadOnlySpan<byte> key)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Keccak256.Compute(key, h);
        return Inner.GetProof(h);
    }

    /// <summary>Verifies a proof for the unhashed <paramref name="key"/>; see <see cref="PatriciaTrie.VerifyProof"/>.</summary>
    public static byte[]? VerifyProof(Hash256 root, ReadOnlySpan<byte> key, IReadOnlyList<byte[]> proof)
    {
        Span<byte> h = stackalloc byte[Hash256.Size];
        Keccak256.Compute(key, h);
        return PatriciaTrie.VerifyProof(root, h, proof);
    }
}
