using Lockstep.Primitives;

namespace Lockstep.State;

/// <summary>
/// The cached, mutable view of one account inside <see cref="WorldState"/>. Its fields change only through
/// <see cref="WorldState"/>, which journals every change.
/// </summary>
internal sealed class Account(Address address)
{
    public readonly Address Address = address;
    public bool Exists;
    public ulong Nonce;
    public UInt256 Balance;
    public Hash256 CodeHash = Keccak256.EmptyHash;
    public byte[]? Code;
    /// <summary>Storage root as last committed (from the reader or the last root computation).</summary>
    public Hash256 StorageRoot = Keccak256.EmptyTrieRoot;

    /// <summary>Current values of every slot read or written (block-level cache).</summary>
    public readonly Dictionary<UInt256, UInt256> Storage = new();
    /// <summary>Start-of-transaction values of slots written in this transaction (EIP-2200 "original value").</summary>
    public Dictionary<UInt256, UInt256>? TxOriginal;
    /// <summary>Slots written since the last state root.</summary>
    public HashSet<UInt256>? DirtySlots;
    /// <summary>True once the account was destroyed in this block: the reader's storage no longer applies.</summary>
    public bool StorageCleared;
    /// <summary>True when the storage trie must be rebuilt from empty at the next root.</summary>
    public bool StorageResetPending;
    /// <summary>Keccak of the address (the account trie key), computed once.</summary>
    public Hash256 AddressHash;
    /// <summary>True while the account is queued for the next state root (WorldState's dirty list).</summary>
    public bool Dirty;
    /// <summary>Storage trie handle owned by the root calculator.</summary>
    public object? StorageTrie;

    public bool IsEmpty => Nonce == 0 && Balance.IsZero && CodeHash == Keccak256.EmptyHash;
}
