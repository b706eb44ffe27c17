using System.Runtime.CompilerServices;
using Lockstep.Primitives;

namespace Lockstep.State;

/// <summary>
/// The world state one block executes against: accounts cached over an <see cref="IStateReader"/>, with an
/// undo journal. Every change (balance, nonce, code, storage, plus the EIP-2929 warm sets, EIP-1153 transient
/// storage, the refund counter, logs, EIP-161 touches and the EIP-6780 created/destroyed sets) appends one
/// <see cref="JournalEntry"/>; a <see cref="Checkpoint"/> is the journal length, and reverting replays the
/// tail backwards, so a revert costs O(changes since the checkpoint).
/// Transactions end with <see cref="CommitTransaction"/> (apply EIP-6780/EIP-161 deletions, drop the journal)
/// or <see cref="DiscardTransaction"/> (undo everything since the last commit), which lets a sequencer try a
/// transaction and drop it cheaply. A bundle (<see cref="BeginBundle"/>, <see cref="CommitBundle"/>,
/// <see cref="RevertBundle"/>) keeps several committed transactions revertible together, for cross-rollup
/// bundles that must all be kept or all be undone.
/// </summary>
public sealed partial class WorldState
{
    private readonly IStateReader _reader;
    private readonly Dictionary<Address, Account> _accounts = new();
    private JournalEntry[] _journal = new JournalEntry[256];
    private int _journalLength;

    private readonly HashSet<Address> _warmAddresses = new();
    private readonly HashSet<StorageCell> _warmSlots = new();
    private readonly Dictionary<StorageCell, UInt256> _transient = new();
    private readonly HashSet<Address> _touched = new();
    private readonly HashSet<Address> _created = new();
    private readonly HashSet<Address> _destructed = new();
    private readonly List<LogEntry> _logs = new();
    /// <summary>Accounts whose storage was written in this transaction (their TxOriginal is cleared at commit).</summary>
    private readonly List<Account> _txStorageWriters = new();
    /// <summary>Accounts changed since the last state root, each once (<see cref="Account.Dirty"/> marks membership:
    /// a set keyed by the object would hash it by identity, a slow runtime path, once per change).</summary>
    private readonly List<Account> _dirty = new();
    private long _refund;
    /// <summary>Journal index where the current transaction began (0 outside a bundle).</summary>
    private int _txStart;
    private bool _inBundle;

    /// <summary>A state over <paramref name="reader"/> (the committed state before this block).</summary>
    public WorldState(IStateReader? reader = null) => _reader = reader ?? EmptyStateReader.Instance;

    /// <summary>EIP-3529 refund counter of the current transaction.</summary>
    public long Refund => _refund;

    /// <summary>Logs emitted so far in the current transaction.</summary>
    public IReadOnlyList<LogEntry> Logs => _logs;

    // ---- accounts -------------------------------------------------------------------------

    private Account GetOrLoad(in Address address)
    {
        if (_accounts.TryGetValue(address, out Account? a)) return a;
        a = new Account(address);
        if (_reader.TryGetAccount(address, out AccountState s))
        {
            a.Exists = true;
            a.Nonce = s.Nonce;
            a.Balance = s.Balance;
            a.CodeHash = s.CodeHash;
            a.StorageRoot = s.StorageRoot;
        }
        _accounts.Add(address, a);
        return a;
    }

    /// <summary>True when the account exists (it may still be empty).</summary>
    public bool Exists(in Address address) => GetOrLoad(address).Exists;

    /// <summary>EIP-161: an account is empty when it does not exist or has no nonce, balance or code.</summary>
    public bool IsEmpty(in Address address)
    {
        Account a = GetOrLoad(address);
        return !a.Exists || a.IsEmpty;
    }

    public UInt256 GetBalance(in Address address) => GetOrLoad(address).Balance;
    public ulong GetNonce(in Address address) => GetOrLoad(address).Nonce;

    /// <summary>Code hash; <see cref="Keccak256.EmptyHash"/> for accounts without code (existing or not).</summary>
    public Hash256 GetCodeHash(in Address address) => GetOrLoad(address).CodeHash;

    /// <summary>The account's code (empty array when none).</summary>
    public byte[] GetCode(in Address address)
    {
        Account a = GetOrLoad(address);
        if (a.Code is null) a.Code = a.CodeHash == Keccak256.EmptyHash ? [] : _reader.GetCode(a.CodeHash);
        return a.Code;
    }

    /// <summary>True when the account has (committed or current) non-zero storage: EIP-7610 collision rule.</summary>
    public bool HasStorage(in Address address)
    {
        Account a = GetOrLoad(address);
        if (!a.StorageCleared && a.StorageRoot != Keccak256.EmptyTrieRoot) return true;
        foreach (UInt256 v in a.Storage.Values)
            if (!v.IsZero) return true;
        return false;
    }

    private void Append(in JournalEntry e)
    {
        if (_journalLength == _journal.Length) Array.Resize(ref _journal, _journal.Length * 2);
        _journal[_journalLength++] = e;
    }

    /// <summary>Queues the account for the next state root (once until then).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkDirty(Account a)
    {
        if (a.Dirty) return;
        a.Dirty = true;
        _dirty.Add(a);
    }

    /// <summary>Makes sure the account exists; journaled so a revert removes it again.</summary>
    private void EnsureExists(Account a)
    {
        if (a.Exists) return;
        Append(new JournalEntry(JournalKind.AccountReset, a, a.Address, new UInt256(a.Nonce), a.Balance, a.CodeHash, a.Code, false));
        a.Exists = true;
        MarkDirty(a);
    }

    /// <summary>Marks the account touched (EIP-161): if it is empty at the end of the transaction it is deleted.</summary>
    public void Touch(in Address address)
    {
        if (_touched.Add(address)) Append(new JournalEntry(JournalKind.Touch, null, address, default, default));
    }

    /// <summary>Adds wei (a zero amount still touches, as EIP-161 requires).</summary>
    public void AddBalance(in Address address, in UInt256 amount)
    {
        Account a = GetOrLoad(address);
        Touch(address);
        if (amount.IsZero) return;
        EnsureExists(a);
        SetBalanceCore(a, a.Balance + amount);
    }

    /// <summary>Subtracts wei; the caller has checked the balance suffices.</summary>
    public void SubtractBalance(in Address address, in UInt256 amount)
    {
        Account a = GetOrLoad(address);
        Touch(address);
        if (amount.IsZero) return;
        EnsureExists(a);
        SetBalanceCore(a, a.Balance - amount);
    }

    private void SetBalanceCore(Account a, in UInt256 value)
    {
        Append(new JournalEntry(JournalKind.Balance, a, a.Address, default, a.Balance));
        a.Balance = value;
        MarkDirty(a);
    }

    public void SetNonce(in Address address, ulong nonce)
    {
        Account a = GetOrLoad(address);
        EnsureExists(a);
        Append(new JournalEntry(JournalKind.Nonce, a, address, new UInt256(a.Nonce), default));
        a.Nonce = nonce;
        MarkDirty(a);
    }

    public void IncrementNonce(in Address address) => SetNonce(address, GetNonce(address) + 1);

    public void SetCode(in Address address, byte[] code)
    {
        Account a = GetOrLoad(address);
        EnsureExists(a);
        Append(new JournalEntry(JournalKind.Code, a, address, default, default, a.CodeHash, a.Code));
        a.Code = code;
        a.CodeHash = code.Length == 0 ? Keccak256.EmptyHash : Keccak256.Compute(code);
        MarkDirty(a);
    }

    /// <summary>
    /// Creates the account at a CREATE/CREATE2/creation-transaction address: it exists, keeps any balance it
    /// already had, and is recorded as created in this transaction (EIP-6780). The caller sets nonce 1 (EIP-161).
    /// </summary>
    public void CreateAccount(in Address address)
    {
        Account a = GetOrLoad(address);
        EnsureExists(a);
        if (_created.Add(address)) Append(new JournalEntry(JournalKind.Created, null, address, default, default));
    }

    /// <summary>True when the account was created in the current transaction (EIP-6780).</summary>
    public bool IsCreatedInTransaction(in Address address) => _created.Contains(address);

    /// <summary>
    /// EIP-6780: marks an account created in this transaction for deletion at the end of it and zeroes its
    /// balance (ether sent to itself is burnt). The caller has already moved the balance to the beneficiary.
    /// </summary>
    public void MarkSelfDestructed(in Address address)
    {
        Account a = GetOrLoad(address);
        if (!a.Balance.IsZero) SetBalanceCore(a, UInt256.Zero);
        if (_destructed.Add(address)) Append(new JournalEntry(JournalKind.SelfDestruct, null, address, default, default));
    }

    // ---- storage --------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private UInt256 ReadSlot(Account a, in UInt256 key)
    {
        if (a.Storage.TryGetValue(key, out UInt256 v)) return v;
        v = a.StorageCleared || !a.Exists ? UInt256.Zero : _reader.GetStorage(a.Address, key);
        a.Storage.Add(key, v);
        return v;
    }

    /// <summary>The current value of a storage slot.</summary>
    public UInt256 GetStorage(in Address address, in UInt256 key) => ReadSlot(GetOrLoad(address), key);

    /// <summary>The slot's value at the start of the transaction (EIP-2200 "original value").</summary>
    public UInt256 GetOriginalStorage(in Address address, in UInt256 key)
    {
        Account a = GetOrLoad(address);
        if (a.TxOriginal is not null && a.TxOriginal.TryGetValue(key, out UInt256 v)) return v;
        return ReadSlot(a, key);
    }

    public void SetStorage(in Address address, in UInt256 key, in UInt256 value)
    {
        Account a = GetOrLoad(address);
        UInt256 current = ReadSlot(a, key);
        if (a.TxOriginal is null) { a.TxOriginal = new(); }
        if (a.TxOriginal.Count == 0) _txStorageWriters.Add(a);
        a.TxOriginal.TryAdd(key, current);
        Append(new JournalEntry(JournalKind.Storage, a, address, key, current));
        a.Storage[key] = value;
        (a.DirtySlots ??= new()).Add(key);
        MarkDirty(a);
    }

    /// <summary>EIP-1153 TLOAD.</summary>
    public UInt256 GetTransient(in Address address, in UInt256 key) =>
        _transient.TryGetValue(new StorageCell(address, key), out UInt256 v) ? v : UInt256.Zero;

    /// <summary>EIP-1153 TSTORE (journaled: a revert restores the old value).</summary>
    public void SetTransient(in Address address, in UInt256 key, in UInt256 value)
    {
        var cell = new StorageCell(address, key);
        _transient.TryGetValue(cell, out UInt256 old);
        Append(new JournalEntry(JournalKind.Transient, null, address, key, old));
        _transient[cell] = value;
    }

    // ---- EIP-2929 access sets, refunds, logs ------------------------------------------------

    /// <summary>Warms an address; returns true when it was cold (EIP-2929).</summary>
    public bool WarmAddress(in Address address)
    {
        if (!_warmAddresses.Add(address)) return false;
        Append(new JournalEntry(JournalKind.WarmAddress, null, address, default, default));
        return true;
    }

    public bool IsWarm(in Address address) => _warmAddresses.Contains(address);

    /// <summary>Warms a storage slot; returns true when it was cold (EIP-2929).</summary>
    public bool WarmSlot(in Address address, in UInt256 key)
    {
        if (!_warmSlots.Add(new StorageCell(address, key))) return false;
        Append(new JournalEntry(JournalKind.WarmSlot, null, address, key, default));
        return true;
    }

    /// <summary>Adds (or, when negative, removes) refund gas.</summary>
    public void AddRefund(long delta)
    {
        if (delta == 0) return;
        Append(new JournalEntry(JournalKind.Refund, null, default, new UInt256((ulong)_refund), default));
        _refund += delta;
    }

    public void AddLog(LogEntry log) => _logs.Add(log);

    // ---- checkpoints --------------------------------------------------------------------

    public Checkpoint TakeCheckpoint() => new(_journalLength, _logs.Count);

    /// <summary>Undoes every change made after <paramref name="checkpoint"/>, newest first.</summary>
    public void RevertTo(Checkpoint checkpoint)
    {
        for (int i = _journalLength - 1; i >= checkpoint.JournalIndex; i--)
        {
            ref readonly JournalEntry e = ref _journal[i];
            Account? a = e.Account;
            switch (e.Kind)
            {
                case JournalKind.AccountReset:
                    a!.Exists = e.Flag;
                    a.Nonce = e.A.U0;
                    a.Balance = e.B;
                    a.CodeHash = e.H;
                    a.Code = (byte[]?)e.Ref;
                    break;
                case JournalKind.Balance: a!.Balance = e.B; break;
                case JournalKind.Nonce: a!.Nonce = e.A.U0; break;
                case JournalKind.Code: a!.CodeHash = e.H; a.Code = (byte[]?)e.Ref; break;
                case JournalKind.Storage: a!.Storage[e.A] = e.B; break;
                case JournalKind.Transient: _transient[new StorageCell(e.Address, e.A)] = e.B; break;
                case JournalKind.WarmAddress: _warmAddresses.Remove(e.Address); break;
                case JournalKind.WarmSlot: _warmSlots.Remove(new StorageCell(e.Address, e.A)); break;
                case JournalKind.Refund: _refund = (long)e.A.U0; break;
                case JournalKind.Touch: _touched.Remove(e.Address); break;
                case JournalKind.SelfDestruct: _destructed.Remove(e.Address); break;
                case JournalKind.Created: _created.Remove(e.Address); break;
                case JournalKind.Deleted: ((DeletedAccount)e.Ref!).Restore(a!); break;
            }
            _journal[i] = default;
        }
        _journalLength = checkpoint.JournalIndex;
        if (_logs.Count > checkpoint.LogCount) _logs.RemoveRange(checkpoint.LogCount, _logs.Count - checkpoint.LogCount);
    }

    /// <summary>
    /// Ends a transaction: deletes accounts destroyed under EIP-6780 and touched empty accounts (EIP-161),
    /// then forgets every per-transaction set. Outside a bundle the journal is dropped too; inside one
    /// (<see cref="BeginBundle"/>) it is kept, with the deletions journaled, so the bundle can still be undone.
    /// </summary>
    public void CommitTransaction()
    {
        foreach (Address address in _destructed) DeleteAccount(GetOrLoad(address));
        foreach (Address address in _touched)
        {
            Account a = GetOrLoad(address);
            if (a.Exists && a.IsEmpty) DeleteAccount(a);
        }
        EndTransaction();
    }

    /// <summary>
    /// Undoes the whole current transaction and ends it; the state is as after the last commit (inside a bundle:
    /// as after the bundle's last committed transaction).
    /// </summary>
    public void DiscardTransaction()
    {
        RevertTo(new Checkpoint(_txStart, 0));
        EndTransaction();
    }

    // ---- bundles: several transactions undone together -----------------------------------------

    /// <summary>True between <see cref="BeginBundle"/> and <see cref="CommitBundle"/>/<see cref="RevertBundle"/>.</summary>
    public bool InBundle => _inBundle;

    /// <summary>
    /// Starts a bundle at a transaction boundary: the following transactions each end normally
    /// (<see cref="CommitTransaction"/> finalizes their warm sets, transient storage, refund, logs, EIP-6780
    /// created set and EIP-2200 original values, so the next transaction starts fresh), but the journal survives
    /// their ends, so <see cref="RevertBundle"/> can undo all of them. The sequencer uses it for a user transaction
    /// on one rollup and its cross-rollup deliveries on others, which stand or fall together.
    /// </summary>
    /// <exception cref="InvalidOperationException">A bundle is open, or a transaction is in progress.</exception>
    public void BeginBundle()
    {
        if (_inBundle) throw new InvalidOperationException("a bundle is already open");
        if (_journalLength != 0 || _logs.Count != 0) throw new InvalidOperationException("a bundle starts between transactions (commit or discard the current one first)");
        _inBundle = true;
        _txStart = 0;
    }

    /// <summary>Keeps every transaction of the bundle; the journal is dropped as after a plain commit.</summary>
    /// <exception cref="InvalidOperationException">No bundle is open, or a transaction is still in progress.</exception>
    public void CommitBundle()
    {
        if (!_inBundle) throw new InvalidOperationException("no bundle is open");
        if (_journalLength != _txStart || _logs.Count != 0) throw new InvalidOperationException("a transaction is still in progress in the bundle");
        Array.Clear(_journal, 0, _journalLength);
        _journalLength = 0;
        _txStart = 0;
        _inBundle = false;
    }

    /// <summary>
    /// Undoes every transaction of the bundle (and any transaction still in progress): the state is exactly
    /// as at <see cref="BeginBundle"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No bundle is open.</exception>
    public void RevertBundle()
    {
        if (!_inBundle) throw new InvalidOperationException("no bundle is open");
        // Replaying entries of earlier transactions also replays their warm/transient/refund entries; the
        // per-transaction sets are then cleared below, as they were empty at the bundle's start.
        RevertTo(new Checkpoint(0, 0));
        _txStart = 0;
        _inBundle = false;
        EndTransaction();
    }

    private void DeleteAccount(Account a)
    {
        if (_inBundle) Append(new JournalEntry(JournalKind.Deleted, a, a.Address, default, default, default, new DeletedAccount(a)));
        a.Exists = false;
        a.Nonce = 0;
        a.Balance = UInt256.Zero;
        a.CodeHash = Keccak256.EmptyHash;
        a.Code = [];
        a.Storage.Clear();
        a.DirtySlots?.Clear();
        a.StorageCleared = true;
        a.StorageResetPending = true;
        MarkDirty(a);
    }

    private void EndTransaction()
    {
        if (_inBundle)
        {
            // The journal stays for RevertBundle; the next transaction's DiscardTransaction stops here.
            _txStart = _journalLength;
        }
        else
        {
            Array.Clear(_journal, 0, _journalLength);
            _journalLength = 0;
        }
        _warmAddresses.Clear();
        _warmSlots.Clear();
        _transient.Clear();
        _touched.Clear();
        _created.Clear();
        _destructed.Clear();
        _logs.Clear();
        _refund = 0;
        foreach (Account a in _txStorageWriters) a.TxOriginal!.Clear();
        _txStorageWriters.Clear();
    }

    // ---- setup --------------------------------------------------------------------------

    /// <summary>
    /// Writes an account outside any transaction (genesis, test pre-state). Call <see cref="CommitTransaction"/>
    /// afterwards to drop the journal.
    /// </summary>
    public void SetAccount(in Address address, ulong nonce, in UInt256 balance, byte[] code, IEnumerable<KeyValuePair<UInt256, UInt256>> storage)
    {
        Account a = GetOrLoad(address);
        EnsureExists(a);
        SetNonce(address, nonce);
        if (a.Balance != balance) SetBalanceCore(a, balance);
        SetCode(address, code);
        foreach (KeyValuePair<UInt256, UInt256> kv in storage) SetStorage(address, kv.Key, kv.Value);
    }

    /// <summary>Every existing account currently cached (tests and dumps).</summary>
    public IEnumerable<Address> CachedAccounts
    {
        get
        {
            foreach (KeyValuePair<Address, Account> kv in _accounts)
                if (kv.Value.Exists) yield return kv.Key;
        }
    }
}
