using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.SystemContracts;

/// <summary>Per-set settings written into every rollup's genesis with the system contracts.</summary>
public sealed class PredeployOptions
{
    /// <summary>The default ETH reserve of MintBurn on every rollup: 2^128 wei.</summary>
    public static readonly UInt256 DefaultEthReserve = UInt256.ShiftLeft(UInt256.One, 128);

    /// <summary>Admin of CrossRollupToken (pause, mint cap) and MintBurn (token registry). Zero: nobody.</summary>
    public Address Admin { get; init; }

    /// <summary>The one rollup whose genesis holds the initial LST balances; null: the first chain id of the set.</summary>
    public ulong? TokenHomeChainId { get; init; }

    /// <summary>Initial LST balances, written on <see cref="TokenHomeChainId"/> only (the supply is one number across the set).</summary>
    public IReadOnlyList<KeyValuePair<Address, UInt256>> TokenHolders { get; init; } = [];

    /// <summary>MintBurn's genesis balance (the ETH bridge reserve), the same on every rollup.</summary>
    public UInt256 EthReserve { get; init; } = DefaultEthReserve;

    /// <summary>Initial CrossRollupToken.mintCap (0: no cap).</summary>
    public UInt256 MintCap { get; init; }

    /// <summary>Initial CrossRollupToken.paused.</summary>
    public bool Paused { get; init; }

    /// <summary>ETH reserve of L2Bridge (0x…1005), which pays L1 deposits out and takes withdrawals back in (2^128 wei).</summary>
    public UInt256 BridgeEthReserve { get; init; } = DefaultEthReserve;

    /// <summary>L1 address of the cross-rollup token (L1LockstepToken): L2Bridge mints LST for its deposits and
    /// records it in LST withdrawals (zero: LST cannot be deposited or withdrawn).</summary>
    public Address L1Token { get; init; }
}

/// <summary>
/// Writes the system contracts (runtime code and storage) into a rollup's genesis: a geth <see cref="Genesis"/>
/// alloc or a <see cref="WorldState"/>. The same code goes to every rollup of the set; storage differs only in the
/// token balances, which live on one rollup (docs/protocol.md, "Genesis").
/// </summary>
public static class Predeploys
{
    // CrossRollupToken storage (solc layout, see CrossRollupToken.sol): OpenZeppelin ERC20 slots 0-4, then admin and
    // paused packed in slot 5 (paused at byte offset 20), mintCap in slot 6.
    private const ulong TokenBalancesSlot = 0;
    private const ulong TokenTotalSupplySlot = 2;
    private const ulong TokenAdminPausedSlot = 5;
    private const ulong TokenMintCapSlot = 6;
    // MintBurn storage: admin in slot 0, registered mapping in slot 1.
    private const ulong MintBurnAdminSlot = 0;

    /// <summary>
    /// The genesis accounts of the system contracts (MintBurn, Messenger, MessageTrees, CrossRollupToken, L2Bridge) for rollup <paramref name="chainId"/> of the set
    /// <paramref name="setChainIds"/>. Throws <see cref="ArgumentException"/> when the set has fewer than two
    /// distinct non-zero chain ids, or does not contain <paramref name="chainId"/> or the token's home chain.
    /// </summary>
    public static IReadOnlyDictionary<Address, GenesisAccount> Accounts(ulong chainId, IReadOnlyList<ulong> setChainIds, PredeployOptions? options = null)
    {
        options ??= new PredeployOptions();
        Validate(chainId, setChainIds, options);

        var trees = new Dictionary<UInt256, UInt256>();
        for (int i = 0; i < setChainIds.Count; i++)
        {
            trees[MessageTreesLayout.IsMemberSlot(setChainIds[i])] = UInt256.One;
            trees[MessageTreesLayout.MemberListElementSlot(i)] = new UInt256(setChainIds[i]);
        }
        trees[new UInt256(MessageTreesLayout.MemberListSlot)] = new UInt256((ulong)setChainIds.Count);

        var mintBurn = new Dictionary<UInt256, UInt256>();
        if (!options.Admin.IsZero) mintBurn[new UInt256(MintBurnAdminSlot)] = options.Admin.ToUInt256();

        // L2Bridge storage: slot 2 l1Token (L2Bridge.sol).
        var bridge = new Dictionary<UInt256, UInt256>();
        if (!options.L1Token.IsZero) bridge[new UInt256(2)] = options.L1Token.ToUInt256();

        var token = new Dictionary<UInt256, UInt256>();
        UInt256 adminPaused = options.Admin.ToUInt256();
        if (options.Paused) adminPaused = adminPaused + UInt256.ShiftLeft(UInt256.One, 160);
        if (!adminPaused.IsZero) token[new UInt256(TokenAdminPausedSlot)] = adminPaused;
        if (!options.MintCap.IsZero) token[new UInt256(TokenMintCapSlot)] = options.MintCap;
        if (chainId == (options.TokenHomeChainId ?? setChainIds[0]))
        {
            UInt256 supply = UInt256.Zero;
            foreach (KeyValuePair<Address, UInt256> holder in options.TokenHolders)
            {
                if (holder.Value.IsZero) continue;
                UInt256 slot = MessageTreesLayout.MappingSlot(holder.Key, new UInt256(TokenBalancesSlot));
                token.TryGetValue(slot, out UInt256 balance);
                token[slot] = Checked(balance, holder.Value);
                supply = Checked(supply, holder.Value);
            }
            if (!supply.IsZero) token[new UInt256(TokenTotalSupplySlot)] = supply;
        }

        return new Dictionary<Address, GenesisAccount>
        {
            [SystemAddresses.MintBurn] = new(options.EthReserve, 1, SystemArtifacts.MintBurn.RuntimeCode, mintBurn),
            [SystemAddresses.Messenger] = new(UInt256.Zero, 1, SystemArtifacts.Messenger.RuntimeCode, new Dictionary<UInt256, UInt256>()),
            [SystemAddresses.MessageTrees] = new(UInt256.Zero, 1, SystemArtifacts.MessageTrees.RuntimeCode, trees),
            [SystemAddresses.CrossRollupToken] = new(UInt256.Zero, 1, SystemArtifacts.CrossRollupToken.RuntimeCode, token),
            [SystemAddresses.L2Bridge] = new(options.BridgeEthReserve, 1, SystemArtifacts.L2Bridge.RuntimeCode, bridge),
        };
    }

    /// <summary>
    /// A copy of <paramref name="genesis"/> (chain id <c>genesis.ChainId</c>) whose alloc also holds the system
    /// contracts. Throws <see cref="ArgumentException"/> when the alloc already has an account at a system address.
    /// </summary>
    public static Genesis Apply(Genesis genesis, IReadOnlyList<ulong> setChainIds, PredeployOptions? options = null)
    {
        IReadOnlyDictionary<Address, GenesisAccount> system = Accounts(genesis.ChainId, setChainIds, options);
        var alloc = new Dictionary<Address, GenesisAccount>(genesis.Alloc);
        foreach (KeyValuePair<Address, GenesisAccount> kv in system)
        {
            if (!alloc.TryAdd(kv.Key, kv.Value))
                throw new ArgumentException($"genesis alloc already has an account at system address {kv.Key}", nameof(genesis));
        }
        return new Genesis
        {
            ChainId = genesis.ChainId,
            London = genesis.London,
            Shanghai = genesis.Shanghai,
            Cancun = genesis.Cancun,
            Nonce = genesis.Nonce,
            Timestamp = genesis.Timestamp,
            ExtraData = genesis.ExtraData,
            GasLimit = genesis.GasLimit,
            Difficulty = genesis.Difficulty,
            MixHash = genesis.MixHash,
            Coinbase = genesis.Coinbase,
            ParentHash = genesis.ParentHash,
            BaseFeePerGas = genesis.BaseFeePerGas,
            ExcessBlobGas = genesis.ExcessBlobGas,
            BlobGasUsed = genesis.BlobGasUsed,
            Alloc = alloc,
        };
    }

    /// <summary>Same as <see cref="Apply(Genesis, IReadOnlyList{ulong}, PredeployOptions?)"/>, checking that
    /// <paramref name="chainId"/> is the genesis chain id.</summary>
    public static Genesis Apply(Genesis genesis, ulong chainId, IReadOnlyList<ulong> setChainIds, PredeployOptions? options = null)
    {
        if (genesis.ChainId != chainId) throw new ArgumentException($"genesis chain id {genesis.ChainId} is not {chainId}", nameof(chainId));
        return Apply(genesis, setChainIds, options);
    }

    /// <summary>Writes the system contracts into <paramref name="state"/> and commits the transaction (between
    /// transactions, like a genesis alloc). Validation happens before anything is written.</summary>
    public static void Apply(WorldState state, ulong chainId, IReadOnlyList<ulong> setChainIds, PredeployOptions? options = null)
    {
        IReadOnlyDictionary<Address, GenesisAccount> accounts = Accounts(chainId, setChainIds, options);
        foreach (KeyValuePair<Address, GenesisAccount> kv in accounts)
            state.SetAccount(kv.Key, kv.Value.Nonce, kv.Value.Balance, kv.Value.Code, kv.Value.Storage);
        state.CommitTransaction();
    }

    private static void Validate(ulong chainId, IReadOnlyList<ulong> setChainIds, PredeployOptions options)
    {
        ArgumentNullException.ThrowIfNull(setChainIds);
        if (setChainIds.Count < 2) throw new ArgumentException("a rollup set has at least two chains", nameof(setChainIds));
        var seen = new HashSet<ulong>();
        foreach (ulong id in setChainIds)
        {
            if (id == 0) throw new ArgumentException("chain id 0 is not allowed in a set", nameof(setChainIds));
            if (!seen.Add(id)) throw new ArgumentException($"chain id {id} appears twice in the set", nameof(setChainIds));
        }
        if (!seen.Contains(chainId)) throw new ArgumentException($"chain {chainId} is not in the set", nameof(chainId));
        if (options.TokenHomeChainId is ulong home && !seen.Contains(home))
            throw new ArgumentException($"token home chain {home} is not in the set", nameof(options));
    }

    private static UInt256 Checked(in UInt256 a, in UInt256 b)
    {
        UInt256 sum = UInt256.AddOverflow(a, b, out bool overflow);
        if (overflow) throw new ArgumentException("initial token balances overflow uint256");
        return sum;
    }
}
