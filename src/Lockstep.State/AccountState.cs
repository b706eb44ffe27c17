using Lockstep.Primitives;

namespace Lockstep.State;

/// <summary>
/// An account as the state trie stores it (Yellow Paper 4.1): RLP of [nonce, balance, storageRoot, codeHash].
/// </summary>
public readonly record struct AccountState(ulong Nonce, UInt256 Balance, Hash256 StorageRoot, Hash256 CodeHash)
{
    /// <summary>An account with no nonce, balance, storage or code.</summary>
    public static AccountState Empty => new(0, UInt256.Zero, Keccak256.EmptyTrieRoot, Keccak256.EmptyHash);
}

/// <summary>
/// Where the world state reads what it has not cached: the committed state of the previous block.
/// Implementations live outside the interpreter (a trie over RocksDB, an in-memory map in tests).
/// </summary>
public interface IStateReader
{
    /// <summary>The committed account, false when it does not exist.</summary>
    bool TryGetAccount(in Address address, out AccountState account);

    /// <summary>The committed storage value (zero when unset).</summary>
    UInt256 GetStorage(in Address address, in UInt256 key);

    /// <summary>The code whose keccak is <paramref name="codeHash"/>.</summary>
    byte[] GetCode(in Hash256 codeHash);
}

/// <summary>A state with no accounts: genesis, tests that build their state with setters.</summary>
public sealed class EmptyStateReader : IStateReader
{
    /// <summary>The shared instance.</summary>
    public static readonly EmptyStateReader Instance = new();

    public bool TryGetAccount(in Address address, out AccountState account) { account = default; return false; }
    public UInt256 GetStorage(in Address address, in UInt256 key) => UInt256.Zero;
    public byte[] GetCode(in Hash256 codeHash) => [];
}

/// <summary>One log record (Yellow Paper 4.3.1): emitter, up to four topics, data.</summary>
public sealed class LogEntry(Address address, Hash256[] topics, byte[] data)
{
    public Address Address { get; } = address;
    public Hash256[] Topics { get; } = topics;
    public byte[] Data { get; } = data;

    /// <summary>Writes the RLP list [[address, [topics...], data], ...] used by receipts and the logs hash.</summary>
    public static void WriteList(Primitives.Rlp.RlpWriter writer, IReadOnlyList<LogEntry> logs)
    {
        writer.StartList();
        foreach (LogEntry log in logs)
        {
            writer.StartList().WriteAddress(log.Address).StartList();
            foreach (Hash256 t in log.Topics) writer.WriteHash(t);
            writer.EndList().WriteBytes(log.Data).EndList();
        }
        writer.EndList();
    }
}

/// <summary>A (contract, slot) pair: the key of warm-slot and transient-storage sets.</summary>
public readonly record struct StorageCell(Address Address, UInt256 Key);
