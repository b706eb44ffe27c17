using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.TxPool.Tests;

/// <summary>A mutable in-memory head state for pool tests.</summary>
internal sealed class MapState : IStateReader
{
    private readonly Dictionary<Address, AccountState> _accounts = new();

    public void Set(Address address, ulong nonce, UInt256 balance, Hash256? codeHash = null) =>
        _accounts[address] = new AccountState(nonce, balance, Keccak256.EmptyTrieRoot, codeHash ?? Keccak256.EmptyHash);

    public AccountState Get(Address address) => _accounts.TryGetValue(address, out AccountState a) ? a : AccountState.Empty;

    public bool TryGetAccount(in Address address, out AccountState account) => _accounts.TryGetValue(address, out account);
    public UInt256 GetStorage(in Address address, in UInt256 key) => UInt256.Zero;
    public byte[] GetCode(in Hash256 codeHash) => [];
}

/// <summary>Keys, signed transactions and pool fixtures shared by the pool tests.</summary>
internal static class PoolKit
{
    public const ulong ChainId = 1337;
    public static readonly UInt256 Gwei = 1_000_000_000UL;
    public static readonly UInt256 Ether = Gwei * Gwei;
    public static readonly Address Recipient = Address.FromHex("0x00000000000000000000000000000000000000aa");

    /// <summary>Deterministic private key number <paramref name="i"/> (1-based scalar, always valid).</summary>
    public static byte[] Key(int i)
    {
        var key = new byte[32];
        key[30] = (byte)((i + 1) >> 8);
        key[31] = (byte)(i + 1);
        key[0] = 0x11; // keep it far from tiny scalars without leaving [1, n-1]
        return key;
    }

    public static Address AddressOf(byte[] key) => Ecdsa.PrivateKeyToAddress(key);

    /// <summary>An EIP-1559 transfer signed with <paramref name="key"/>.</summary>
    public static Transaction Dyn(byte[] key, ulong nonce, UInt256 tip, UInt256 feeCap, ulong gas = 21000, UInt256 value = default,
        ulong chainId = ChainId, byte[]? data = null, bool create = false) =>
        new Transaction
        {
            Type = TxType.DynamicFee, ChainId = chainId, Nonce = nonce, MaxPriorityFeePerGas = tip, MaxFeePerGas = feeCap,
            GasLimit = gas, To = create ? null : Recipient, Value = value, Data = data ?? [],
        }.Sign(key);

    /// <summary>An EIP-155 legacy transfer (or an unprotected one when <paramref name="chainId"/> is null).</summary>
    public static Transaction Legacy(byte[] key, ulong nonce, UInt256 gasPrice, ulong gas = 21000, ulong? chainId = ChainId) =>
        new Transaction
        {
            Type = TxType.Legacy, ChainId = chainId is { } c ? (UInt256)c : null, Nonce = nonce, GasPrice = gasPrice,
            GasLimit = gas, To = Recipient,
        }.Sign(key);

    /// <summary>A pool over <paramref name="state"/> with base fee 1 gwei unless given.</summary>
    public static TransactionPool Pool(MapState state, TxPoolOptions? options = null, UInt256? baseFee = null) =>
        new(options ?? new TxPoolOptions { ChainId = ChainId }, state, baseFee ?? Gwei);

    /// <summary>A state funding keys 0..count-1 with 1000 ether each at nonce 0.</summary>
    public static MapState Funded(int count, UInt256? balance = null)
    {
        var state = new MapState();
        for (int i = 0; i < count; i++) state.Set(AddressOf(Key(i)), 0, balance ?? Ether * 1000);
        return state;
    }

    public static TxPoolResult AddRaw(this TransactionPool pool, Transaction tx) => pool.Add(tx.Encode());

    /// <summary>Everything observable about the pool, for "a refused transaction changes nothing".</summary>
    public static string Fingerprint(this TransactionPool pool, params Address[] senders)
    {
        var parts = new List<string> { $"count={pool.Count} pending={pool.PendingCount} queued={pool.QueuedCount}" };
        var hashes = new List<string>();
        foreach (PooledTransaction tx in pool.All()) hashes.Add($"{tx.Hash}:{tx.Sender}:{tx.Nonce}:{tx.ArrivalSequence}");
        hashes.Sort(StringComparer.Ordinal);
        parts.AddRange(hashes);
        foreach (Address a in senders) parts.Add($"{a}->{pool.GetPendingNonce(a)}");
        return string.Join("\n", parts);
    }
}
