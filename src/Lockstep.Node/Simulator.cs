using Lockstep.Chain;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Node;

/// <summary>The message of an <c>eth_call</c>/<c>eth_estimateGas</c> (geth's TransactionArgs).</summary>
public sealed class CallRequest
{
    /// <summary>Sender; the zero address when absent (geth's default).</summary>
    public Address? From { get; init; }
    /// <summary>Callee; null creates a contract.</summary>
    public Address? To { get; init; }
    /// <summary>Gas limit; null = the simulator's default (block gas limit for calls, the allowance for estimates).</summary>
    public ulong? Gas { get; init; }
    /// <summary>Legacy gas price.</summary>
    public UInt256? GasPrice { get; init; }
    /// <summary>EIP-1559 fee cap.</summary>
    public UInt256? MaxFeePerGas { get; init; }
    /// <summary>EIP-1559 tip cap.</summary>
    public UInt256? MaxPriorityFeePerGas { get; init; }
    /// <summary>Wei sent.</summary>
    public UInt256 Value { get; init; }
    /// <summary>Call data or init code.</summary>
    public byte[] Data { get; init; } = [];
    /// <summary>EIP-2930 access list.</summary>
    public AccessListItem[] AccessList { get; init; } = [];

    /// <summary>True when any fee field is set (then fees are charged and checked against the base fee).</summary>
    public bool HasFees => GasPrice is not null || MaxFeePerGas is not null || MaxPriorityFeePerGas is not null;
}

/// <summary>
/// geth's state override for one account (eth_call's third parameter): replace balance, nonce or code, and either
/// replace the whole storage (<see cref="State"/>) or patch slots (<see cref="StateDiff"/>).
/// </summary>
public sealed class AccountOverride
{
    public UInt256? Balance { get; init; }
    public ulong? Nonce { get; init; }
    public byte[]? Code { get; init; }
    /// <summary>The account's entire storage: every other slot reads as zero.</summary>
    public IReadOnlyDictionary<UInt256, UInt256>? State { get; init; }
    /// <summary>Slots changed on top of the committed storage.</summary>
    public IReadOnlyDictionary<UInt256, UInt256>? StateDiff { get; init; }
}

/// <summary>Outcome of a simulated call.</summary>
public sealed class CallOutcome
{
    /// <summary>Why the message could not run at all (None when it ran).</summary>
    public InvalidTransactionReason Invalid { get; init; }
    public ExecStatus Status { get; init; }
    public byte[] Output { get; init; } = [];
    public long GasUsed { get; init; }
    public IReadOnlyList<LogEntry> Logs { get; init; } = [];
    public bool Success => Invalid == InvalidTransactionReason.None && Status.IsSuccess();
    public bool Reverted => Invalid == InvalidTransactionReason.None && Status.IsRevert();
}

/// <summary>Why an estimate failed.</summary>
public enum EstimateFailure
{
    None,
    /// <summary>The message is invalid whatever the gas (see <see cref="GasEstimate.Invalid"/>).</summary>
    Invalid,
    /// <summary>It reverts even with all the gas allowed; <see cref="GasEstimate.RevertData"/> has the reason.</summary>
    Reverted,
    /// <summary>It fails (out of gas or another halt) even with all the gas allowed.</summary>
    ExceedsAllowance,
}

/// <summary>Result of <see cref="Simulator.EstimateGas"/>.</summary>
public sealed record GasEstimate(ulong Gas, EstimateFailure Failure, InvalidTransactionReason Invalid, byte[] RevertData, ulong Allowance);

/// <summary>
/// Runs messages against a committed state without changing it: eth_call (with geth-style state overrides) and
/// eth_estimateGas (binary search like geth's). Like geth's eth_call, nonce and EIP-3607 sender checks are
/// skipped, and a message without fee fields pays nothing and runs with a zero base fee.
/// </summary>
public sealed class Simulator(ulong chainId, IBlockHashProvider? blockHashes, ulong gasCap = Simulator.DefaultGasCap)
{
    /// <summary>geth's default RPC gas cap (--rpc.gascap).</summary>
    public const ulong DefaultGasCap = 50_000_000;

    /// <summary>The most gas a simulated message may use.</summary>
    public ulong GasCap => gasCap;

    /// <summary>Runs <paramref name="request"/> on the state after <paramref name="header"/>.</summary>
    public CallOutcome Call(BlockHeader header, IStateReader state, CallRequest request, IReadOnlyDictionary<Address, AccountOverride>? overrides = null)
    {
        ulong gas = Math.Min(request.Gas ?? Math.Max(header.GasLimit, gasCap), gasCap);
        var session = new Session(this, header, Apply(state, overrides), request, gas);
        return session.Run(gas);
    }

    /// <summary>
    /// The smallest gas limit with which <paramref name="request"/> succeeds (geth's algorithm: one run at the
    /// allowance, an optimistic run at used·64/63, then binary search), or why there is none.
    /// </summary>
    public GasEstimate EstimateGas(BlockHeader header, IStateReader state, CallRequest request, IReadOnlyDictionary<Address, AccountOverride>? overrides = null)
    {
        IStateReader reader = Apply(state, overrides);
        ulong hi = Math.Min(request.Gas ?? header.GasLimit, gasCap);
        var session = new Session(this, header, reader, request, Math.Max(hi, header.GasLimit));
        UInt256 feeCap = request.MaxFeePerGas ?? request.GasPrice ?? UInt256.Zero;
        if (!feeCap.IsZero)
        {
            // Cap by what the sender can pay (geth: "gas required exceeds allowance" below).
            UInt256 balance = session.Balance;
            UInt256 available = balance > request.Value ? balance - request.Value : UInt256.Zero;
            UInt256 allowance = available / feeCap;
            if (allowance < new UInt256(hi)) hi = (ulong)allowance;
        }
        // A plain transfer to an account without code costs exactly the intrinsic 21000 (geth's shortcut).
        if (request.To is Address to && request.Data.Length == 0 && request.AccessList.Length == 0 && !session.HasCode(to) && hi >= 21_000)
        {
            CallOutcome transfer = session.Run(21_000);
            if (transfer.Success) return new GasEstimate(21_000, EstimateFailure.None, default, [], hi);
        }
        CallOutcome full = session.Run(hi);
        if (full.Invalid != InvalidTransactionReason.None) return new GasEstimate(0, EstimateFailure.Invalid, full.Invalid, [], hi);
        if (!full.Success)
            return full.Reverted
                ? new GasEstimate(0, EstimateFailure.Reverted, default, full.Output, hi)
                : new GasEstimate(0, EstimateFailure.ExceedsAllowance, default, [], hi);
        ulong lo = (ulong)full.GasUsed - 1;
        // Refunds and the 63/64 rule make the limit needed exceed the gas used; try a little above it first.
        ulong optimistic = ((ulong)full.GasUsed + 2300) * 64 / 63;
        if (optimistic < hi)
        {
            if (Succeeds(session, optimistic)) hi = optimistic;
            else lo = optimistic;
        }
        while (lo + 1 < hi)
        {
            ulong mid = lo + (hi - lo) / 2;
            if (Succeeds(session, mid)) hi = mid;
            else lo = mid;
        }
        return new GasEstimate(hi, EstimateFailure.None, default, [], hi);
    }

    private static bool Succeeds(Session session, ulong gas)
    {
        CallOutcome o = session.Run(gas);
        // Too little gas for the intrinsic cost is invalid, not a failure of the code: it only means "more gas".
        return o.Success;
    }

    private static IStateReader Apply(IStateReader state, IReadOnlyDictionary<Address, AccountOverride>? overrides) =>
        overrides is null || overrides.Count == 0 ? state : new OverridingStateReader(state, overrides);

    /// <summary>One message on one state; each <see cref="Run"/> discards its changes.</summary>
    private sealed class Session
    {
        private readonly CallRequest _request;
        private readonly WorldState _world;
        private readonly SimulationProcessor _processor;
        private readonly Address _from;

        public Session(Simulator sim, BlockHeader header, IStateReader reader, CallRequest request, ulong blockGasLimit)
        {
            _request = request;
            _from = request.From ?? Address.Zero;
            _world = new WorldState(reader);
            var env = new BlockEnvironment
            {
                Coinbase = header.Coinbase,
                Number = header.Number,
                Timestamp = header.Timestamp,
                GasLimit = (long)Math.Max(header.GasLimit, blockGasLimit),
                // geth: a message without fee fields runs with a zero base fee (NoBaseFee), so it pays nothing.
                BaseFee = request.HasFees ? header.BaseFeePerGas ?? UInt256.Zero : UInt256.Zero,
                PrevRandao = header.MixHash.ToUInt256(),
                ExcessBlobGas = header.ExcessBlobGas ?? 0,
                ChainId = new UInt256(sim._chainId),
                BlockHashes = sim._blockHashes,
            };
            _processor = new SimulationProcessor(_world, env) { AutoCommit = false };
        }

        public UInt256 Balance => _world.GetBalance(_from);

        public bool HasCode(Address a) => _world.GetCodeHash(a) != Keccak256.EmptyHash;

        public CallOutcome Run(ulong gas)
        {
            CallRequest r = _request;
            byte type = r.MaxFeePerGas is not null || r.MaxPriorityFeePerGas is not null ? (byte)2 : r.AccessList.Length > 0 ? (byte)1 : (byte)0;
            var input = new TransactionInput
            {
                Type = type,
                Sender = _from,
                To = r.To,
                // Nonce checks are skipped like geth's eth_call: the message always has the sender's next nonce.
                Nonce = _world.GetNonce(_from),
                Value = r.Value,
                Data = r.Data,
                GasLimit = gas,
                GasPrice = r.GasPrice ?? UInt256.Zero,
                MaxFeePerGas = r.MaxFeePerGas ?? r.GasPrice ?? UInt256.Zero,
                MaxPriorityFeePerGas = r.MaxPriorityFeePerGas ?? UInt256.Zero,
                AccessList = r.AccessList,
            };
            try
            {
                if (!_processor.TryExecute(input, out TransactionResult result, out InvalidTransactionReason invalid))
                    return new CallOutcome { Invalid = invalid };
                return new CallOutcome { Status = result.Status, Output = result.Output, GasUsed = result.GasUsed, Logs = result.Logs };
            }
            finally
            {
                _world.DiscardTransaction();
            }
        }
    }

    private readonly ulong _chainId = chainId;
    private readonly IBlockHashProvider? _blockHashes = blockHashes;

    /// <summary>Skips EIP-3607 (sender must have no code) as geth's eth_call does; everything else is the real rule.</summary>
    private sealed class SimulationProcessor(WorldState state, BlockEnvironment block) : TransactionProcessor(state, block)
    {
        protected override InvalidTransactionReason Validate(TransactionInput tx, out long intrinsicGas)
        {
            InvalidTransactionReason reason = base.Validate(tx, out intrinsicGas);
            if (reason != InvalidTransactionReason.SenderNotEoa) return reason;
            // The base check stopped before the balance rule; apply it here.
            UInt256 feeCap = tx.HasFeeCaps ? tx.MaxFeePerGas : tx.GasPrice;
            UInt256 cost = new UInt256(tx.GasLimit) * feeCap + tx.Value;
            return State.GetBalance(tx.Sender) < cost ? InvalidTransactionReason.InsufficientFunds : InvalidTransactionReason.None;
        }
    }
}

/// <summary>
/// A committed state seen through geth-style account overrides: balance, nonce and code replace the committed
/// values; <see cref="AccountOverride.State"/> replaces all storage, <see cref="AccountOverride.StateDiff"/> patches it.
/// </summary>
public sealed class OverridingStateReader(IStateReader inner, IReadOnlyDictionary<Address, AccountOverride> overrides) : IStateReader
{
    private readonly Dictionary<Hash256, byte[]> _code = BuildCode(overrides);

    private static Dictionary<Hash256, byte[]> BuildCode(IReadOnlyDictionary<Address, AccountOverride> overrides)
    {
        var code = new Dictionary<Hash256, byte[]>();
        foreach (AccountOverride o in overrides.Values)
            if (o.Code is not null) code[Keccak256.Compute(o.Code)] = o.Code;
        return code;
    }

    /// <inheritdoc />
    public bool TryGetAccount(in Address address, out AccountState account)
    {
        bool exists = inner.TryGetAccount(address, out account);
        if (!overrides.TryGetValue(address, out AccountOverride? o)) return exists;
        if (!exists) account = AccountState.Empty;
        account = new AccountState(
            o.Nonce ?? account.Nonce,
            o.Balance ?? account.Balance,
            // Replaced storage: the trie root no longer describes it; a non-empty marker keeps HasStorage honest.
            o.State is not null ? (o.State.Count == 0 ? Keccak256.EmptyTrieRoot : Keccak256.EmptyHash) : account.StorageRoot,
            o.Code is not null ? Keccak256.Compute(o.Code) : account.CodeHash);
        return true;
    }

    /// <inheritdoc />
    public UInt256 GetStorage(in Address address, in UInt256 key)
    {
        if (overrides.TryGetValue(address, out AccountOverride? o))
        {
            if (o.State is not null) return o.State.TryGetValue(key, out UInt256 v) ? v : UInt256.Zero;
            if (o.StateDiff is not null && o.StateDiff.TryGetValue(key, out UInt256 d)) return d;
        }
        return inner.GetStorage(address, key);
    }

    /// <inheritdoc />
    public byte[] GetCode(in Hash256 codeHash) => _code.TryGetValue(codeHash, out byte[]? code) ? code : inner.GetCode(codeHash);
}
