using Lockstep.Primitives;
using Lockstep.Trie;
using Nethereum.RLP;

namespace Lockstep.L1Contracts.Tests;

/// <summary>
/// A rollup's state as the L1 contracts see it: a real secure state trie (keccak(address) -&gt; RLP([nonce, balance,
/// storageRoot, codeHash])) with real storage tries (keccak(slot) -&gt; RLP(value without leading zeros)), built with our
/// trie and encoded with Nethereum's RLP, so proofs are eth_getProof proofs.
/// </summary>
internal sealed class L2StateBuilder
{
    private readonly Dictionary<Address, (ulong Nonce, UInt256 Balance, Dictionary<Hash256, UInt256> Storage)> _accounts = [];

    /// <summary>Adds <paramref name="count"/> funded accounts with a few storage slots so proofs have realistic depth.</summary>
    public L2StateBuilder WithFiller(int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            byte[] a = new byte[20];
            random.NextBytes(a);
            var address = new Address(a);
            SetAccount(address, (ulong)random.Next(0, 100), new UInt256((ulong)random.NextInt64()));
            for (int s = 0; s < i % 3; s++) SetStorage(address, Hash256.FromUInt256(new UInt256((ulong)s)), new UInt256((ulong)random.Next(1, int.MaxValue)));
        }
        return this;
    }

    public L2StateBuilder SetAccount(Address address, ulong nonce, UInt256 balance)
    {
        var storage = _accounts.TryGetValue(address, out var existing) ? existing.Storage : [];
        _accounts[address] = (nonce, balance, storage);
        return this;
    }

    public L2StateBuilder SetStorage(Address address, Hash256 slot, UInt256 value)
    {
        if (!_accounts.ContainsKey(address)) SetAccount(address, 1, UInt256.Zero);
        _accounts[address].Storage[slot] = value;
        return this;
    }

    public L2StateBuilder SetStorage(Address address, Hash256 slot, Hash256 value) => SetStorage(address, slot, value.ToUInt256());

    private SecureTrie StorageTrie(Address address)
    {
        var trie = new SecureTrie();
        foreach (var (slot, value) in _accounts[address].Storage)
            if (!value.IsZero) trie.Set(slot.ToArray(), RLP.EncodeElement(value.ToBigEndianTrimmed()));
        return trie;
    }

    private SecureTrie StateTrie()
    {
        var state = new SecureTrie();
        foreach (var (address, account) in _accounts)
        {
            Hash256 storageRoot = StorageTrie(address).RootHash;
            byte[] rlp = RLP.EncodeList(
                RLP.EncodeElement(new UInt256(account.Nonce).ToBigEndianTrimmed()),
                RLP.EncodeElement(account.Balance.ToBigEndianTrimmed()),
                RLP.EncodeElement(storageRoot.ToArray()),
                RLP.EncodeElement(Keccak256.EmptyHash.ToArray()));
            state.Set(address.ToArray(), rlp);
        }
        return state;
    }

    public Hash256 Root => StateTrie().RootHash;

    /// <summary>eth_getProof for one slot: the account proof and the storage proof (empty when the account has no storage).</summary>
    public (List<byte[]> AccountProof, List<byte[]> StorageProof) Prove(Address address, Hash256 slot)
    {
        List<byte[]> accountProof = StateTrie().GetProof(address.ToArray());
        List<byte[]> storageProof = _accounts.ContainsKey(address) ? StorageTrie(address).GetProof(slot.ToArray()) : [];
        return (accountProof, storageProof);
    }
}
