using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Workload;

/// <summary>Inputs of a <see cref="WorkloadGenerator"/>.</summary>
public sealed class WorkloadSpec
{
    /// <summary>Chain id of every rollup (one for anvil), in set order.</summary>
    public required IReadOnlyList<ulong> ChainIds { get; init; }

    /// <summary>Honest senders (funded on every chain).</summary>
    public required IReadOnlyList<DevAccount> Honest { get; init; }

    /// <summary>Adversary senders (funded on every chain), one failing-bundle lane each; empty when the mix has no failing share.</summary>
    public IReadOnlyList<DevAccount> Adversaries { get; init; } = [];

    /// <summary>Transactions of the measured run, failing ones included.</summary>
    public required int Transactions { get; init; }

    /// <summary>The shares.</summary>
    public required WorkloadMix Mix { get; init; }

    /// <summary>The ERC20 of <see cref="WorkloadKind.Erc20"/> (and of the cross-rollup burns on a devnet).</summary>
    public required Address Token { get; init; }

    /// <summary>First nonce of every honest sender on each chain (the setup transactions come before).</summary>
    public Func<int, DevAccount, ulong> FirstNonce { get; init; } = (_, _) => 0;

    /// <summary>Added to the index that makes each failing transaction unique (later rounds against the same chains).</summary>
    public int FailingIndexOffset { get; init; }

    /// <summary>Seed of the order of kinds.</summary>
    public int Seed { get; init; } = 8;

    /// <summary>Max fee per gas (the base fee of a fresh chain is 1 gwei; 100 gwei leaves room for growth).</summary>
    public UInt256 MaxFeePerGas { get; init; } = UInt256.Parse("100000000000");

    /// <summary>Priority fee per gas.</summary>
    public UInt256 MaxPriorityFeePerGas { get; init; } = UInt256.Parse("1000000000");

    /// <summary>Progress of the signing (<see cref="IBenchProgress.None"/>: none).</summary>
    public IBenchProgress Progress { get; init; } = IBenchProgress.None;
}

/// <summary>A workload: honest transactions in submission order and one list of failing transactions per adversary lane.</summary>
/// <param name="Honest">Honest transactions, ordered so that each sender's nonces ascend.</param>
/// <param name="FailingLanes">Per adversary: its failing transactions, all at the adversary's nonce 0 (a rejected bundle takes no
/// nonce, so the next one reuses it); a lane sends its next one when the previous one is resolved.</param>
public sealed record Workload(IReadOnlyList<PreparedTransaction> Honest, IReadOnlyList<IReadOnlyList<PreparedTransaction>> FailingLanes)
{
    /// <summary>Number of failing transactions over every lane.</summary>
    public int FailingCount
    {
        get
        {
            int n = 0;
            foreach (IReadOnlyList<PreparedTransaction> lane in FailingLanes) n += lane.Count;
            return n;
        }
    }
}

/// <summary>
/// Prepares a workload signed in advance (EIP-1559 transactions, signed in parallel before any clock starts).
/// Honest transaction i goes to rollup i mod N from sender (i / N) mod S, so load is even over rollups and senders and
/// each sender's nonces ascend in submission order. The kinds are shuffled with a fixed seed.
/// </summary>
public static class WorkloadGenerator
{
    /// <summary>Gas limit of a plain transfer.</summary>
    public const ulong PlainGas = 21_000;
    /// <summary>Gas limit of an ERC20 transfer (about 35-52k used).</summary>
    public const ulong Erc20Gas = 100_000;
    /// <summary>Gas limit of a burn or trigger (the source leg appends to a depth-32 tree: about 90-110k used).</summary>
    public const ulong CrossGas = 250_000;
    /// <summary>Gas the action of a cross-rollup call (and of a failing one) may use on the destination.</summary>
    public const ulong ActionGas = 50_000;

    /// <summary>Builds the workload of <paramref name="spec"/>.</summary>
    public static Workload Create(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Honest.Count == 0) throw new ArgumentException("a workload needs at least one honest sender");
        if (spec.Transactions < 0) throw new ArgumentException("negative transaction count");
        int chains = spec.ChainIds.Count;
        if (chains == 0) throw new ArgumentException("no chains");
        int failing = spec.Transactions * spec.Mix.Failing / 100;
        int cross = chains < 2 ? 0 : spec.Transactions * spec.Mix.Cross / 100;
        int erc20 = spec.Transactions * spec.Mix.Erc20 / 100;
        if (chains < 2 && (spec.Mix.Cross > 0 || spec.Mix.Failing > 0)) failing = 0;
        int plain = spec.Transactions - failing - cross - erc20;
        if (failing > 0 && spec.Adversaries.Count == 0) throw new ArgumentException("a failing share needs adversary accounts");

        var kinds = new WorkloadKind[plain + erc20 + cross];
        int at = 0;
        for (int k = 0; k < plain; k++) kinds[at++] = WorkloadKind.Plain;
        for (int k = 0; k < erc20; k++) kinds[at++] = WorkloadKind.Erc20;
        for (int k = 0; k < cross; k++) kinds[at++] = k % 2 == 0 ? WorkloadKind.CrossBurn : WorkloadKind.CrossCall;
        new Random(spec.Seed).Shuffle(kinds);

        var nonces = new Dictionary<(int, int), ulong>();
        var unsigned = new (int Rollup, WorkloadKind Kind, DevAccount From, Transaction Tx)[kinds.Length];
        for (int i = 0; i < kinds.Length; i++)
        {
            int rollup = i % chains;
            int s = i / chains % spec.Honest.Count;
            DevAccount from = spec.Honest[s];
            if (!nonces.TryGetValue((rollup, s), out ulong nonce)) nonce = spec.FirstNonce(rollup, from);
            nonces[(rollup, s)] = nonce + 1;
            unsigned[i] = (rollup, kinds[i], from, Build(spec, rollup, kinds[i], from.Address, nonce, i));
        }
        var honest = new PreparedTransaction[unsigned.Length];
        using IBenchStage signing = spec.Progress.Begin("signing", unsigned.Length + failing);
        int signedCount = 0;
        Parallel.For(0, unsigned.Length, i =>
        {
            honest[i] = Sign(unsigned[i].Rollup, unsigned[i].Kind, unsigned[i].From, unsigned[i].Tx);
            signing.Report(Interlocked.Increment(ref signedCount));
        });

        var lanes = new List<PreparedTransaction>[failing == 0 ? 0 : spec.Adversaries.Count];
        for (int a = 0; a < lanes.Length; a++) lanes[a] = new List<PreparedTransaction>();
        for (int k = 0; k < failing; k++)
        {
            int a = k % lanes.Length;
            DevAccount adversary = spec.Adversaries[a];
            int rollup = a % chains;
            lanes[a].Add(Sign(rollup, WorkloadKind.Failing, adversary, BuildFailing(spec, rollup, adversary.Address, spec.FailingIndexOffset + k)));
            signing.Report(++signedCount);
        }
        return new Workload(honest, lanes);
    }

    /// <summary>
    /// Setup on a devnet: every honest sender burns <paramref name="amount"/> LST on rollup 0 (the token's home,
    /// where the dev accounts hold it) to itself on every other rollup, nonces 0 to N-2; the measured workload starts
    /// at nonce N-1 on rollup 0 (<see cref="DevnetFirstNonce"/>).
    /// </summary>
    public static IReadOnlyList<PreparedTransaction> DevnetSetup(IReadOnlyList<ulong> chainIds, IReadOnlyList<DevAccount> honest, UInt256 amount, WorkloadSpec? fees = null)
    {
        var txs = new List<(DevAccount, Transaction)>();
        UInt256 maxFee = fees?.MaxFeePerGas ?? UInt256.Parse("100000000000"), tip = fees?.MaxPriorityFeePerGas ?? UInt256.Parse("1000000000");
        foreach (DevAccount a in honest)
            for (int r = 1; r < chainIds.Count; r++)
                txs.Add((a, Eip1559(chainIds[0], (ulong)(r - 1), SystemAddresses.MintBurn, UInt256.Zero, CrossGas, maxFee, tip,
                    SystemCalldata.Burn(SystemAddresses.CrossRollupToken, amount, chainIds[r], a.Address))));
        var signed = new PreparedTransaction[txs.Count];
        Parallel.For(0, txs.Count, i => signed[i] = Sign(0, WorkloadKind.Setup, txs[i].Item1, txs[i].Item2));
        return signed;
    }

    /// <summary>First measured nonce of a sender after <see cref="DevnetSetup"/> on a set of <paramref name="chains"/> rollups.</summary>
    public static Func<int, DevAccount, ulong> DevnetFirstNonce(int chains) => (rollup, _) => rollup == 0 ? (ulong)(chains - 1) : 0;

    private static Transaction Build(WorkloadSpec spec, int rollup, WorkloadKind kind, Address from, ulong nonce, int index)
    {
        ulong chainId = spec.ChainIds[rollup];
        ulong next = spec.ChainIds[(rollup + 1) % spec.ChainIds.Count];
        // Every transfer goes to its own fresh address (no hot recipient), as tools/bench/rpc-send.mjs does.
        Address fresh = Address.FromUInt256(new UInt256(0x2000_0000UL + ((ulong)rollup << 32) + (ulong)index));
        return kind switch
        {
            WorkloadKind.Plain => Eip1559(chainId, nonce, fresh, UInt256.One, PlainGas, spec.MaxFeePerGas, spec.MaxPriorityFeePerGas, []),
            WorkloadKind.Erc20 => Eip1559(chainId, nonce, spec.Token, UInt256.Zero, Erc20Gas, spec.MaxFeePerGas, spec.MaxPriorityFeePerGas,
                SystemCalldata.Transfer(fresh, UInt256.One)),
            WorkloadKind.CrossBurn => Eip1559(chainId, nonce, SystemAddresses.MintBurn, UInt256.Zero, CrossGas, spec.MaxFeePerGas, spec.MaxPriorityFeePerGas,
                SystemCalldata.Burn(spec.Token, UInt256.One, next, from)),
            WorkloadKind.CrossCall => Eip1559(chainId, nonce, SystemAddresses.Messenger, UInt256.Zero, CrossGas, spec.MaxFeePerGas, spec.MaxPriorityFeePerGas,
                SystemCalldata.Trigger(next, fresh, [], new UInt256(ActionGas))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>
    /// One failing transaction of <paramref name="adversary"/> on rollup <paramref name="rollup"/> at nonce 0
    /// (<see cref="WorkloadKind.Failing"/>); <paramref name="index"/> makes its hash unique.
    /// </summary>
    public static PreparedTransaction CreateFailing(WorkloadSpec spec, int rollup, DevAccount adversary, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(adversary);
        return Sign(rollup, WorkloadKind.Failing, adversary, BuildFailing(spec, rollup, adversary.Address, index));
    }

    private static Transaction BuildFailing(WorkloadSpec spec, int rollup, Address from, int index)
    {
        ulong chainId = spec.ChainIds[rollup];
        ulong next = spec.ChainIds[(rollup + 1) % spec.ChainIds.Count];
        // The action asks the Messenger (which holds no LST) to transfer LST: ERC20InsufficientBalance, the delivery
        // reverts, the bundle is rejected. The amount varies so every attempt has its own hash.
        byte[] payload = SystemCalldata.Transfer(from, new UInt256(1_000_000UL + (ulong)index));
        return Eip1559(chainId, 0, SystemAddresses.Messenger, UInt256.Zero, CrossGas, spec.MaxFeePerGas, spec.MaxPriorityFeePerGas,
            SystemCalldata.Trigger(next, SystemAddresses.CrossRollupToken, payload, new UInt256(ActionGas)));
    }

    /// <summary>An unsigned EIP-1559 transaction.</summary>
    public static Transaction Eip1559(ulong chainId, ulong nonce, Address? to, UInt256 value, ulong gas, UInt256 maxFee, UInt256 tip, byte[] data) => new()
    {
        Type = TxType.DynamicFee, ChainId = new UInt256(chainId), Nonce = nonce, To = to, Value = value, GasLimit = gas,
        MaxFeePerGas = maxFee, MaxPriorityFeePerGas = tip, Data = data,
    };

    /// <summary>Signs <paramref name="tx"/> with <paramref name="from"/>'s key.</summary>
    public static PreparedTransaction Sign(int rollup, WorkloadKind kind, DevAccount from, Transaction tx)
    {
        Transaction signed = tx.Sign(from.PrivateKey);
        return new PreparedTransaction(rollup, kind, signed.Encode(), signed.Hash, from.Address, signed.Nonce);
    }
}
