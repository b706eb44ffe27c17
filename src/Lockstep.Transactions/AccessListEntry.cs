using Lockstep.Primitives;

namespace Lockstep.Transactions;

/// <summary>One EIP-2930 access-list item: an address and the storage keys to pre-warm in it.</summary>
/// <param name="Address">The account.</param>
/// <param name="StorageKeys">Its storage slots (may be empty).</param>
public readonly record struct AccessListEntry(Address Address, IReadOnlyList<Hash256> StorageKeys);
