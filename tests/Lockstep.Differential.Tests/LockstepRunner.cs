using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Differential.Tests;

/// <summary>Executes a <see cref="DiffCase"/> with our <see cref="TransactionProcessor"/> over a fresh <see cref="WorldState"/>.</summary>
public static class LockstepRunner
{
    /// <summary>
    /// Runs the case. <paramref name="extraSlots"/> names storage keys to include in the account dump besides the
    /// pre-state's (WorldState does not enumerate storage; the state root covers every slot regardless).
    /// </summary>
    public static Outcome Run(DiffCase c, IReadOnlyDictionary<Address, IEnumerable<UInt256>>? extraSlots = null) =>
        RunSequence(c, extraSlots)[^1];

    /// <summary>Runs the case's first transaction and its follow-ups on one state; one outcome per transaction.</summary>
    public static List<Outcome> RunSequence(DiffCase c, IReadOnlyDictionary<Address, IEnumerable<UInt256>>? extraSlots = null)
    {
        List<Outcome>? outcomes = null;
        Exception? error = null;
        // Nested calls recurse on the native stack, as in production, so run on a big one.
        var thread = new Thread(() =>
        {
            try { outcomes = RunCore(c, extraSlots); }
            catch (Exception e) { error = e; }
        }, 64 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException($"our EVM threw on {c.Name}", error);
        return outcomes!;
    }

    private static List<Outcome> RunCore(DiffCase c, IReadOnlyDictionary<Address, IEnumerable<UInt256>>? extraSlots)
    {
        var state = new WorldState();
        foreach ((Address address, PreAccount a) in c.Pre)
            state.SetAccount(address, a.Nonce, a.Balance, a.Code, a.Storage);
        state.CommitTransaction();
        state.ComputeStateRoot();

        var block = new BlockEnvironment
        {
            Coinbase = DiffCase.Coinbase,
            Number = DiffCase.BlockNumber,
            Timestamp = DiffCase.Timestamp,
            GasLimit = DiffCase.BlockGasLimit,
            BaseFee = new UInt256(DiffCase.BaseFee),
            PrevRandao = DiffCase.PrevRandao,
            ChainId = UInt256.One,
        };
        using var vm = new VirtualMachine();
        var processor = new TransactionProcessor(state, block, vm);
        var outcomes = new List<Outcome>();
        foreach (byte[] data in c.FollowUps.Prepend(c.Data))
        {
            var accessList = new AccessListItem[c.AccessList.Length];
            for (int i = 0; i < accessList.Length; i++) accessList[i] = new AccessListItem(c.AccessList[i].Address, c.AccessList[i].Keys);
            var tx = new TransactionInput
            {
                Type = c.Type != 0 ? c.Type : accessList.Length > 0 ? (byte)1 : (byte)0,
                MaxFeePerGas = new UInt256(c.MaxFeePerGas),
                MaxPriorityFeePerGas = new UInt256(c.MaxPriorityFeePerGas),
                AccessList = accessList,
                Sender = DiffCase.Sender,
                To = c.To,
                Nonce = state.GetNonce(DiffCase.Sender),
                Value = c.Value,
                Data = data,
                GasLimit = c.GasLimit,
                GasPrice = new UInt256(DiffCase.GasPrice),
            };
            if (!processor.TryExecute(tx, out TransactionResult result, out InvalidTransactionReason invalid))
                throw new InvalidOperationException($"our processor rejected the transaction: {invalid}");

            Hash256 root = state.ComputeStateRoot();
            var accounts = new SortedDictionary<Address, AccountDump>();
            foreach (Address address in state.CachedAccounts)
            {
                // Slots 0..31 always, so a value only we wrote still shows up in the diff (the workloads use low slots).
                var keys = new HashSet<UInt256>();
                for (ulong k = 0; k < 32; k++) keys.Add(new UInt256(k));
                if (c.Pre.TryGetValue(address, out PreAccount? pre)) keys.UnionWith(pre.Storage.Keys);
                if (extraSlots is not null && extraSlots.TryGetValue(address, out IEnumerable<UInt256>? more)) keys.UnionWith(more);
                var storage = new SortedDictionary<UInt256, UInt256>();
                foreach (UInt256 k in keys)
                {
                    UInt256 v = state.GetStorage(address, k);
                    if (!v.IsZero) storage[k] = v;
                }
                accounts[address] = new AccountDump
                {
                    Nonce = state.GetNonce(address),
                    Balance = state.GetBalance(address),
                    Code = state.GetCode(address),
                    Storage = storage,
                };
            }

            var logs = new List<LogDump>();
            foreach (LogEntry l in result.Logs) logs.Add(new LogDump(l.Address, l.Topics, l.Data));
            outcomes.Add(new Outcome
            {
                Kind = result.Status.IsSuccess() ? OutcomeKind.Success : result.Status.IsRevert() ? OutcomeKind.Revert : OutcomeKind.Halt,
                GasUsed = result.GasUsed,
                Output = result.Output,
                Logs = logs,
                Accounts = accounts,
                StateRoot = root,
                Detail = result.Status.ToString(),
            });
        }
        return outcomes;
    }
}
