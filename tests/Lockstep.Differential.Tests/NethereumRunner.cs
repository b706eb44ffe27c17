using System.Numerics;
using Lockstep.Primitives;
using Nethereum.EVM;
using Nethereum.EVM.BlockchainState;
using Nethereum.EVM.Gas;
using Nethereum.RPC.Eth.DTOs;

namespace Lockstep.Differential.Tests;

/// <summary>
/// Executes a <see cref="DiffCase"/> with Nethereum.EVM's <see cref="TransactionExecutor"/> (Cancun) and turns its
/// resulting <see cref="ExecutionStateService"/> into engine-neutral accounts and a state root built with our trie.
/// </summary>
public static class NethereumRunner
{
    /// <summary>An empty chain behind the pre-state: every account not set up front is absent.</summary>
    private sealed class EmptyNodeData : INodeDataService
    {
        public Task<BigInteger> GetBalanceAsync(byte[] address) => Task.FromResult(BigInteger.Zero);
        public Task<BigInteger> GetBalanceAsync(string address) => Task.FromResult(BigInteger.Zero);
        public Task<byte[]> GetCodeAsync(byte[] address) => Task.FromResult(Array.Empty<byte>());
        public Task<byte[]> GetCodeAsync(string address) => Task.FromResult(Array.Empty<byte>());
        // BLOCKHASH is kept out of the workloads (the engines get their hashes from different providers).
        public Task<byte[]> GetBlockHashAsync(BigInteger blockNumber) => Task.FromResult(new byte[32]);
        public Task<byte[]> GetStorageAtAsync(byte[] address, BigInteger position) => Task.FromResult(Array.Empty<byte>());
        public Task<byte[]> GetStorageAtAsync(string address, BigInteger position) => Task.FromResult(Array.Empty<byte>());
        public Task<BigInteger> GetTransactionCount(byte[] address) => Task.FromResult(BigInteger.Zero);
        public Task<BigInteger> GetTransactionCount(string address) => Task.FromResult(BigInteger.Zero);
    }

    private static string Str(Address a) => a.ToString().ToLowerInvariant();

    /// <summary>
    /// Runs the case's first transaction and its follow-ups; one outcome per transaction. Each transaction starts
    /// from a fresh <see cref="ExecutionStateService"/> holding the previous post-state: Nethereum's service keeps
    /// warm addresses and original storage values for its whole life, which only hold within one transaction.
    /// </summary>
    public static async Task<List<Outcome>> RunSequenceAsync(DiffCase c)
    {
        var outcomes = new List<Outcome>();
        DiffCase current = c;
        foreach (byte[] data in c.FollowUps.Prepend(c.Data))
        {
            current = new DiffCase
            {
                Name = c.Name, Pre = current.Pre, To = c.To, Data = data, Value = c.Value, GasLimit = c.GasLimit,
                Type = c.Type, MaxFeePerGas = c.MaxFeePerGas, MaxPriorityFeePerGas = c.MaxPriorityFeePerGas, AccessList = c.AccessList,
            };
            Outcome o = await RunAsync(current);
            outcomes.Add(o);
            var next = new Dictionary<Address, PreAccount>();
            foreach ((Address a, AccountDump d) in o.Accounts)
                next[a] = new PreAccount { Nonce = d.Nonce, Balance = d.Balance, Code = d.Code, Storage = new Dictionary<UInt256, UInt256>(d.Storage) };
            current = new DiffCase { Name = c.Name, Pre = next };
        }
        return outcomes;
    }

    /// <summary>
    /// Runs the case's first transaction and returns its outcome. With <paramref name="inspect"/>, Nethereum traces
    /// every step and hands over its raw result (for digging into a disagreement).
    /// </summary>
    public static async Task<Outcome> RunAsync(DiffCase c, Action<TransactionExecutionResult>? inspect = null)
    {
        var state = new ExecutionStateService(new EmptyNodeData());
        foreach ((Address address, PreAccount a) in c.Pre)
        {
            AccountExecutionState s = state.CreateOrGetAccountExecutionState(Str(address));
            s.Code = a.Code;
            s.Nonce = a.Nonce;
            s.Balance.SetInitialChainBalance(a.Balance.ToBigInteger());
            foreach ((UInt256 k, UInt256 v) in a.Storage) s.SetPreStateStorage(k.ToBigInteger(), v.ToBigEndian());
        }

        var ctx = new TransactionExecutionContext
        {
            Sender = Str(DiffCase.Sender),
            To = c.To is Address to ? Str(to) : null,
            Data = c.Data,
            GasLimit = c.GasLimit,
            Value = c.Value.ToBigInteger(),
            GasPrice = DiffCase.GasPrice,
            Nonce = c.Pre[DiffCase.Sender].Nonce,
            IsEip1559 = c.Type == 2,
            MaxFeePerGas = c.MaxFeePerGas,
            MaxPriorityFeePerGas = c.MaxPriorityFeePerGas,
            AccessList = c.AccessList.Length == 0 ? null : c.AccessList.Select(e => new AccessListEntry
            {
                Address = Str(e.Address),
                StorageKeys = e.Keys.Select(k => Hex.Encode(k.ToBigEndian())).ToList(),
            }).ToList(),
            IsContractCreation = c.To is null,
            BlockNumber = (long)DiffCase.BlockNumber,
            Timestamp = (long)DiffCase.Timestamp,
            Coinbase = Str(DiffCase.Coinbase),
            BaseFee = DiffCase.BaseFee,
            Difficulty = DiffCase.PrevRandao.ToBigInteger(),
            BlockGasLimit = DiffCase.BlockGasLimit,
            ChainId = 1,
            ExecutionState = state,
            TraceEnabled = inspect is not null,
        };
        var executor = new TransactionExecutor(HardforkConfig.Cancun, new EVMSimulator(), null);
        TransactionExecutionResult r = await executor.ExecuteAsync(ctx);
        if (r.IsValidationError) throw new InvalidOperationException($"Nethereum rejected the transaction: {r.Error}");
        inspect?.Invoke(r);

        var accounts = new SortedDictionary<Address, AccountDump>();
        foreach ((string key, AccountExecutionState s) in state.AccountsState)
        {
            var storage = new SortedDictionary<UInt256, UInt256>();
            foreach ((BigInteger k, byte[] v) in s.Storage)
            {
                if (v is null) continue;
                var value = UInt256.FromBigInteger(new BigInteger(v, isUnsigned: true, isBigEndian: true));
                if (!value.IsZero) storage[UInt256.FromBigInteger(k)] = value;
            }
            var dump = new AccountDump
            {
                Nonce = (ulong)(s.Nonce ?? BigInteger.Zero),
                Balance = UInt256.FromBigInteger(s.Balance.GetTotalBalance()),
                Code = s.Code ?? [],
                Storage = storage,
            };
            // EIP-161: an empty account (no code, zero nonce and balance) does not exist after a transaction that
            // touched it; Nethereum keeps every address it looked at in its cache, so drop the empty ones here.
            // One with storage is kept: only a pre-state can hold one (the EIP-7610 case), and the workloads never
            // touch it in a way that would delete it.
            if (dump.Nonce == 0 && dump.Balance.IsZero && dump.Code.Length == 0 && storage.Count == 0) continue;
            accounts[Address.FromHex(key)] = dump;
        }

        var logs = new List<LogDump>();
        // Nethereum keeps the logs emitted before a failure in the result of a failed transaction. They do not count:
        // execution-specs process_message_call sets `logs = ()` when evm.error (revert or halt), and a failed
        // receipt has no logs. So a failed transaction's oracle logs are empty, and ours must be too.
        IEnumerable<FilterLog> reported = r.Success ? r.Logs ?? r.ProgramResult?.Logs ?? [] : [];
        foreach (FilterLog l in reported)
        {
            var topics = new Hash256[l.Topics?.Length ?? 0];
            for (int i = 0; i < topics.Length; i++) topics[i] = Hash256.FromHex(l.Topics![i].ToString()!);
            logs.Add(new LogDump(Address.FromHex(l.Address), topics, string.IsNullOrEmpty(l.Data) ? [] : Hex.Decode(l.Data)));
        }

        // Nethereum reports every failed top frame as a revert (ProgramResult.IsRevert, no exception); only REVERT
        // returns unused gas (Yellow Paper 9.4.2: an exceptional halt consumes all of it), so all gas used means halt.
        OutcomeKind kind = r.Success ? OutcomeKind.Success
            : r.GasUsed == c.GasLimit ? OutcomeKind.Halt
            : OutcomeKind.Revert;
        return new Outcome
        {
            Kind = kind,
            GasUsed = (long)r.GasUsed,
            Output = r.ReturnData ?? [],
            Logs = logs,
            Accounts = accounts,
            StateRoot = Outcome.ComputeRoot(accounts),
            Detail = $"{r.Error} {r.ProgramResult?.Exception?.GetType().Name} {r.ProgramResult?.Exception?.Message}",
        };
    }
}
