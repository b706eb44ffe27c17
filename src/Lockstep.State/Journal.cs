using Lockstep.Primitives;

namespace Lockstep.State;

/// <summary>What a journal entry undoes.</summary>
internal enum JournalKind : byte
{
    /// <summary>Account came into existence (or was reset); undo restores existence, nonce, balance and code.</summary>
    AccountReset,
    /// <summary>Balance changed; B holds the old balance.</summary>
    Balance,
    /// <summary>Nonce changed; A.U0 holds the old nonce.</summary>
    Nonce,
    /// <summary>Code changed; H and Ref hold the old hash and code.</summary>
    Code,
    /// <summary>Storage slot A changed; B holds the old value.</summary>
    Storage,
    /// <summary>Transient slot A changed (EIP-1153); B holds the old value.</summary>
    Transient,
    /// <summary>Address was warmed (EIP-2929); undo makes it cold.</summary>
    WarmAddress,
    /// <summary>Slot A was warmed (EIP-2929).</summary>
    WarmSlot,
    /// <summary>Refund counter changed; A.U0 holds the old value.</summary>
    Refund,
    /// <summary>Account was touched for the first time (EIP-161).</summary>
    Touch,
    /// <summary>Account was marked for destruction (EIP-6780).</summary>
    SelfDestruct,
    /// <summary>Account was created in this transaction (EIP-6780).</summary>
    Created,
    /// <summary>
    /// Account was deleted at the end of a transaction inside a bundle (EIP-161/EIP-6780); Ref holds a
    /// <see cref="DeletedAccount"/> with everything the deletion cleared.
    /// </summary>
    Deleted,
}

/// <summary>What <see cref="WorldState"/> clears when it deletes an account, kept so a bundle revert can restore it.</summary>
internal sealed class DeletedAccount(Account account)
{
    public readonly bool Exists = account.Exists;
    public readonly ulong Nonce = account.Nonce;
    public readonly UInt256 Balance = account.Balance;
    public readonly Hash256 CodeHash = account.CodeHash;
    public readonly byte[]? Code = account.Code;
    public readonly KeyValuePair<UInt256, UInt256>[] Storage = [.. account.Storage];
    public readonly UInt256[] DirtySlots = account.DirtySlots is null ? [] : [.. account.DirtySlots];
    public readonly bool StorageCleared = account.StorageCleared;
    public readonly bool StorageResetPending = account.StorageResetPending;

    public void Restore(Account a)
    {
        a.Exists = Exists;
        a.Nonce = Nonce;
        a.Balance = Balance;
        a.CodeHash = CodeHash;
        a.Code = Code;
        a.Storage.Clear();
        foreach (KeyValuePair<UInt256, UInt256> kv in Storage) a.Storage.Add(kv.Key, kv.Value);
        // Exactly the slots dirty before the deletion: a slot first written after it has its committed value
        // again and may be missing from the restored cache.
        a.DirtySlots?.Clear();
        if (DirtySlots.Length > 0)
        {
            a.DirtySlots ??= new();
            foreach (UInt256 k in DirtySlots) a.DirtySlots.Add(k);
        }
        a.StorageCleared = StorageCleared;
        a.StorageResetPending = StorageResetPending;
    }
}

/// <summary>One undo record. All kinds share this flat layout so the journal is one array of structs.</summary>
internal readonly struct JournalEntry(JournalKind kind, Account? account, in Address address, in UInt256 a, in UInt256 b, in Hash256 h = default, object? reference = null, bool flag = false)
{
    public readonly JournalKind Kind = kind;
    public readonly bool Flag = flag;
    public readonly Account? Account = account;
    public readonly Address Address = address;
    public readonly UInt256 A = a;
    public readonly UInt256 B = b;
    public readonly Hash256 H = h;
    public readonly object? Ref = reference;
}

/// <summary>A point the state can return to: the journal length and the log count at that moment.</summary>
public readonly record struct Checkpoint(int JournalIndex, int LogCount);
