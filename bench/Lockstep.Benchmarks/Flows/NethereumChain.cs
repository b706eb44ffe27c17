using System.Numerics;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Trie;
using Nethereum.EVM;
using Nethereum.EVM.BlockchainState;
using Nethereum.EVM.Execution;

namespace Lockstep.Benchmarks.Flows;

/// <summary>
/// A small in-memory chain for running the benchmark workloads on Nethereum.EVM 6.1.0 (Cancun): the committed
/// accounts live here and are served to Nethereum through <see cref="INodeDataService"/>; each transaction runs on a
/// fresh <see cref="ExecutionStateService"/> over them (that service keeps warm addresses and original storage values
/// for its whole life, which only hold within one transaction, EIP-2929 / EIP-2200), and its touched accounts are
/// written back afterwards. Nethereum has no state root of its own in this setup (it executes over a node's state), so
/// <see cref="ComputeStateRoot"/> builds the root of the committed accounts with our <see cref="SecureTrie"/>,
/// updating only what changed since the last root, as our <c>WorldState</c> does.
/// </summary>
internal sealed class NethereumChain : INodeDataService
{
    private sealed class Account
    {
        public BigInteger Nonce;
        public BigInteger Balance;
        public byte[] Code = [];
        public Hash256 CodeHash = Keccak256.Compute([]);
        public readonly Dictionary<BigInteger, byte[]> Storage = [];
        public readonly SecureTrie StorageTrie = new();
        public readonly HashSet<BigInteger> DirtySlots = [];
    }

    private readonly Dictionary<Address, Account> _accounts = [];
    private readonly HashSet<Address> _dirty = [];
    private readonly SecureTrie _accountTrie = new();
    private readonly TransactionExecutor _executor = new(HardforkConfig.Cancun, new EVMSimulator(), BuiltInPrecompileProvider.Cancun());
    private readonly RlpWriter _rlp = new(128);

    /// <summary>Block fields every transaction runs in (set before the first transaction).</summary>
    public required long BlockNumber { get; init; }
    /// <inheritdoc cref="BlockNumber"/>
    public required long Timestamp { get; init; }
    /// <inheritdoc cref="BlockNumber"/>
    public required Address Coinbase { get; init; }
    /// <inheritdoc cref="BlockNumber"/>
    public required ulong BaseFee { get; init; }
    /// <inheritdoc cref="BlockNumber"/>
    public required long BlockGasLimit { get; init; }
    /// <inheritdoc cref="BlockNumber"/>
    public required ulong ChainId { get; init; }

    /// <summary>Creates or overwrites an account with a balance (genesis allocation).</summary>
    public void Fund(Address address, UInt256 balance)
    {
        Account a = GetOrAdd(address);
        a.Balance = balance.ToBigInteger();
        _dirty.Add(address);
    }

    /// <summary>Runs one EIP-1559 transaction on a fresh execution state over the committed accounts, then commits it.</summary>
    public async Task<TransactionExecutionResult> ExecuteAsync(Address sender, Address? to, byte[] data, long gasLimit, ulong maxFeePerGas, ulong maxPriorityFeePerGas)
    {
        var state = new ExecutionStateService(this);
        string from = sender.ToString();
        // The executor validates the sender's balance and nonce from the cached account without loading it first.
        await state.LoadBalanceNonceAndCodeFromStorageAsync(from);
        var ctx = new TransactionExecutionContext
        {
            Sender = from,
            To = to?.ToString(),
            Data = data,
            GasLimit = gasLimit,
            Value = BigInteger.Zero,
            GasPrice = maxFeePerGas,
            Nonce = _accounts.TryGetValue(sender, out Account? s) ? s.Nonce : BigInteger.Zero,
            IsEip1559 = true,
            MaxFeePerGas = maxFeePerGas,
            MaxPriorityFeePerGas = maxPriorityFeePerGas,
            IsContractCreation = to is null,
            BlockNumber = BlockNumber,
            Timestamp = Timestamp,
            Coinbase = Coinbase.ToString(),
            BaseFee = BaseFee,
            Difficulty = BigInteger.Zero,
            BlockGasLimit = BlockGasLimit,
            ChainId = ChainId,
            ExecutionState = state,
            // No per-opcode trace: we measure execution, not tracing.
            TraceEnabled = false,
        };
        TransactionExecutionResult r = await _executor.ExecuteAsync(ctx);
        if (r.IsValidationError) throw new InvalidOperationException($"Nethereum rejected the transaction: {r.Error}");
        await CommitAsync(state);
        return r;
    }

    /// <summary>Writes back every account the transaction loaded; only real changes mark the account for the next root.</summary>
    private async Task CommitAsync(ExecutionStateService state)
    {
        foreach ((string key, AccountExecutionState s) in state.AccountsState)
        {
            Address address = Address.FromHex(key);
            // The service's getters load from this chain what the transaction did not touch, so these are totals.
            BigInteger balance = await state.GetTotalBalanceAsync(key);
            BigInteger nonce = await state.GetNonceAsync(key);
            byte[] code = await state.GetCodeAsync(key) ?? [];
            bool exists = _accounts.TryGetValue(address, out Account? a);
            // EIP-161: an account left empty (no code, zero nonce and balance) by a transaction does not exist.
            if (nonce.IsZero && balance.IsZero && code.Length == 0 && s.Storage.Count == 0)
            {
                if (exists && _accounts.Remove(address)) _dirty.Add(address);
                continue;
            }
            a ??= GetOrAdd(address);
            bool changed = !exists || a.Nonce != nonce || a.Balance != balance;
            a.Nonce = nonce;
            a.Balance = balance;
            if (!ReferenceEquals(a.Code, code) && !a.Code.AsSpan().SequenceEqual(code))
            {
                a.Code = code;
                a.CodeHash = Keccak256.Compute(code);
                changed = true;
            }
            foreach ((BigInteger slot, byte[] value) in s.Storage)
            {
                if (value is null) continue;
                if (a.Storage.TryGetValue(slot, out byte[]? old) && (ReferenceEquals(old, value) || old.AsSpan().SequenceEqual(value))) continue;
                a.Storage[slot] = value;
                a.DirtySlots.Add(slot);
                changed = true;
            }
            if (changed) _dirty.Add(address);
        }
    }

    /// <summary>The state root of the committed accounts (Yellow Paper 4.1), built with our trie.</summary>
    public Hash256 ComputeStateRoot()
    {
        Span<byte> key = stackalloc byte[32];
        foreach (Address address in _dirty)
        {
            address.CopyTo(key[..Address.Size]);
            if (!_accounts.TryGetValue(address, out Account? a))
            {
                _accountTrie.Delete(key[..Address.Size]);
                continue;
            }
            foreach (BigInteger slot in a.DirtySlots)
            {
                UInt256.FromBigInteger(slot).WriteBigEndian(key);
                UInt256 value = UInt256.FromBigInteger(new BigInteger(a.Storage[slot], isUnsigned: true, isBigEndian: true));
                if (value.IsZero)
                {
                    a.StorageTrie.Delete(key);
                }
                else
                {
                    _rlp.Reset();
                    _rlp.WriteUInt256(value);
                    a.StorageTrie.Set(key, _rlp.Written);
                }
            }
            a.DirtySlots.Clear();
            _rlp.Reset();
            _rlp.StartList().WriteUInt256(UInt256.FromBigInteger(a.Nonce)).WriteUInt256(UInt256.FromBigInteger(a.Balance))
                .WriteHash(a.StorageTrie.RootHash).WriteHash(a.CodeHash).EndList();
            address.CopyTo(key[..Address.Size]);
            _accountTrie.Set(key[..Address.Size], _rlp.Written);
        }
        _dirty.Clear();
        return _accountTrie.RootHash;
    }

    private Account GetOrAdd(Address address)
    {
        if (!_accounts.TryGetValue(address, out Account? a)) _accounts[address] = a = new Account();
        return a;
    }

    private Account? Find(string address) => _accounts.GetValueOrDefault(Address.FromHex(address));
    private Account? Find(byte[] address) => _accounts.GetValueOrDefault(new Address(address));

    /// <inheritdoc/>
    public Task<BigInteger> GetBalanceAsync(byte[] address) => Task.FromResult(Find(address)?.Balance ?? BigInteger.Zero);
    /// <inheritdoc/>
    public Task<BigInteger> GetBalanceAsync(string address) => Task.FromResult(Find(address)?.Balance ?? BigInteger.Zero);
    /// <inheritdoc/>
    public Task<byte[]> GetCodeAsync(byte[] address) => Task.FromResult(Find(address)?.Code ?? []);
    /// <inheritdoc/>
    public Task<byte[]> GetCodeAsync(string address) => Task.FromResult(Find(address)?.Code ?? []);
    /// <summary>BLOCKHASH is not used by the benchmark contracts.</summary>
    public Task<byte[]> GetBlockHashAsync(BigInteger blockNumber) => Task.FromResult(new byte[32]);
    /// <inheritdoc/>
    public Task<byte[]> GetStorageAtAsync(byte[] address, BigInteger position) => Task.FromResult(Slot(Find(address), position));
    /// <inheritdoc/>
    public Task<byte[]> GetStorageAtAsync(string address, BigInteger position) => Task.FromResult(Slot(Find(address), position));
    /// <inheritdoc/>
    public Task<BigInteger> GetTransactionCount(byte[] address) => Task.FromResult(Find(address)?.Nonce ?? BigInteger.Zero);
    /// <inheritdoc/>
    public Task<BigInteger> GetTransactionCount(string address) => Task.FromResult(Find(address)?.Nonce ?? BigInteger.Zero);

    private static byte[] Slot(Account? a, BigInteger position) => a != null && a.Storage.TryGetValue(position, out byte[]? v) ? v : [];
}
