using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.SystemContracts;
using Lockstep.Testing;
using Lockstep.Transactions;

namespace Lockstep.Sequencer.Tests;

/// <summary>
/// N in-memory rollups from a dev genesis with the system contracts predeployed (Predeploys), funded dev users,
/// LST balances on the first rollup, and SequencerProbe (contracts/src/sequencer-test, a test action target) in every genesis.
/// <see cref="Build"/> builds the next superblock on all of them.
/// </summary>
internal sealed class RollupSet
{
    public const int Users = 8;
    public static readonly UInt256 EthFunding = UInt256.Parse("1000000000000000000000"); // 1000 ether
    public static readonly UInt256 TokenFunding = UInt256.Parse("1000000000000000000000000"); // 1M LST
    public static readonly Address Probe = Address.FromHex("0x0000000000000000000000000000000000005e00");
    public static readonly byte AdminKey = 20;
    private static readonly Lazy<byte[]> ProbeCode = new(() =>
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "contracts", "artifacts", "SequencerProbe.json")));
        return Hex.Decode(doc.RootElement.GetProperty("deployedBytecode").GetString()!);
    });

    public static readonly Address Coinbase = Address.FromHex("0x00000000000000000000000000000000000c01b0");

    public ulong[] ChainIds { get; }
    /// <summary>Each rollup's genesis (system contracts, users, probe).</summary>
    public Genesis[] Geneses { get; }
    public WorldState[] States { get; }
    public BlockHeader[] Heads { get; }
    public ulong Timestamp { get; private set; } = 1_700_000_000;
    public SuperblockBuilder Builder { get; init; } = new() { MaxRecoveryParallelism = 1 };
    private readonly Dictionary<(int, byte), ulong> _nonces = new();

    public RollupSet(int count, PredeployOptions? options = null, ulong gasLimit = 30_000_000)
    {
        ChainIds = new ulong[count];
        for (int i = 0; i < count; i++) ChainIds[i] = 901 + (ulong)i;
        States = new WorldState[count];
        Geneses = new Genesis[count];
        Heads = new BlockHeader[count];
        var holders = new List<KeyValuePair<Address, UInt256>>();
        for (byte u = 1; u <= Users; u++) holders.Add(new(User(u), TokenFunding));
        options ??= new PredeployOptions();
        options = new PredeployOptions
        {
            Admin = AddressOf(AdminKey), TokenHolders = holders, MintCap = options.MintCap, Paused = options.Paused,
            EthReserve = options.EthReserve, TokenHomeChainId = options.TokenHomeChainId,
        };
        for (int i = 0; i < count; i++)
        {
            var alloc = new Dictionary<Address, GenesisAccount>();
            for (byte u = 1; u <= Users; u++) alloc[User(u)] = new GenesisAccount(EthFunding, 0, [], new Dictionary<UInt256, UInt256>());
            alloc[AddressOf(AdminKey)] = new GenesisAccount(EthFunding, 0, [], new Dictionary<UInt256, UInt256>());
            alloc[Probe] = new GenesisAccount(UInt256.Zero, 1, ProbeCode.Value, new Dictionary<UInt256, UInt256>());
            var genesis = new Genesis
            {
                ChainId = ChainIds[i], London = true, Shanghai = true, Cancun = true, GasLimit = gasLimit,
                BaseFeePerGas = new UInt256(1_000_000_000), Timestamp = Timestamp, Alloc = alloc,
            };
            genesis = Predeploys.Apply(genesis, ChainIds, options);
            Geneses[i] = genesis;
            States[i] = new WorldState();
            Heads[i] = genesis.CreateBlock(States[i]).Header;
        }
    }

    public static byte[] Key(byte n)
    {
        var key = new byte[32];
        key[0] = 0x22;
        key[31] = n;
        return key;
    }

    public static Address AddressOf(byte n) => Ecdsa.PrivateKeyToAddress(Key(n));
    public static Address User(byte n) => AddressOf(n);

    public int IndexOf(ulong chainId) => Array.IndexOf(ChainIds, chainId);

    /// <summary>A signed EIP-1559 call from dev key <paramref name="from"/> on rollup <paramref name="rollup"/>, with the next nonce.</summary>
    public Transaction Call(int rollup, byte from, Address to, byte[] data, UInt256 value = default, ulong gas = 1_000_000, ulong? explicitNonce = null)
    {
        _nonces.TryGetValue((rollup, from), out ulong nonce);
        if (explicitNonce is ulong n) nonce = n;
        _nonces[(rollup, from)] = nonce + 1;
        return new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(ChainIds[rollup]), Nonce = nonce,
            MaxPriorityFeePerGas = new UInt256(1_000_000_000), MaxFeePerGas = new UInt256(10_000_000_000),
            GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(Key(from));
    }

    /// <summary>Forgets the next nonce of (<paramref name="rollup"/>, <paramref name="from"/>) (after a rejected transaction).</summary>
    public void ResetNonce(int rollup, byte from, ulong nonce) => _nonces[(rollup, from)] = nonce;

    /// <summary>Builds the next superblock with <paramref name="transactions"/>[i] as rollup i's candidates.</summary>
    public Superblock Build(params IReadOnlyList<Transaction>[] transactions)
    {
        Timestamp += 2;
        var inputs = new RollupInput[ChainIds.Length];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = new RollupInput { ChainId = ChainIds[i], Parent = Heads[i], State = States[i], Transactions = i < transactions.Length ? transactions[i] : [] };
        Superblock sb = Builder.Build(inputs, new SuperblockAttributes { Timestamp = Timestamp, Coinbase = Coinbase });
        for (int i = 0; i < inputs.Length; i++) Heads[i] = sb.Blocks[i].Built.Block.Header;
        return sb;
    }

    public Hash256[] StateRoots()
    {
        var roots = new Hash256[Heads.Length];
        for (int i = 0; i < roots.Length; i++) roots[i] = Heads[i].StateRoot;
        return roots;
    }

    // ---- reads straight from storage (CrossRollupToken: OpenZeppelin ERC20 layout, balances slot 0, totalSupply slot 2) ----

    public UInt256 TokenBalance(int rollup, Address holder) =>
        States[rollup].GetStorage(SystemAddresses.CrossRollupToken, MessageTreesLayout.MappingSlot(holder, UInt256.Zero));

    public UInt256 TokenSupply(int rollup) => States[rollup].GetStorage(SystemAddresses.CrossRollupToken, new UInt256(2));

    public UInt256 Eth(int rollup, Address account) => States[rollup].GetBalance(account);

    public ulong Nonce(int rollup, Address account) => States[rollup].GetNonce(account);

    /// <summary>Asserts outboxRoot[Y] on X == inboxRoot[X] on Y (and the counts) for every ordered pair.</summary>
    public void AssertTreesMatch()
    {
        for (int x = 0; x < ChainIds.Length; x++)
            for (int y = 0; y < ChainIds.Length; y++)
            {
                // Every tree's root slot covers all its leaves (the end-of-block fold ran where anything was appended) ...
                if (y == 0) Assert.False(MessageTreesLayout.NeedsFold(States[x], ChainIds[x], ChainIds), $"chain {ChainIds[x]} has an unfolded tree");
                if (x == y) continue;
                // ... and each pair's roots agree, non-zero exactly when messages went through.
                Assert.Equal(MessageTreesLayout.ReadOutboxRoot(States[x], ChainIds[y]), MessageTreesLayout.ReadInboxRoot(States[y], ChainIds[x]));
                Assert.Equal(MessageTreesLayout.ReadOutboxCount(States[x], ChainIds[y]) == 0, MessageTreesLayout.ReadOutboxRoot(States[x], ChainIds[y]) == Hash256.Zero);
                Assert.Equal(MessageTreesLayout.ReadOutboxCount(States[x], ChainIds[y]), MessageTreesLayout.ReadInboxCount(States[y], ChainIds[x]));
            }
    }

    // ---- calldata ----

    public static byte[] Abi(string signature, params object[] args)
    {
        var data = new byte[4 + 32 * args.Length];
        AbiWords.Selector(signature).CopyTo(data, 0);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case Address a: AbiWords.Write(data, 4 + 32 * i, a); break;
                case UInt256 u: AbiWords.Write(data, 4 + 32 * i, u); break;
                case ulong l: AbiWords.Write(data, 4 + 32 * i, new UInt256(l)); break;
                case bool b: AbiWords.Write(data, 4 + 32 * i, b ? UInt256.One : UInt256.Zero); break;
                default: throw new ArgumentException("unsupported ABI argument " + args[i]);
            }
        }
        return data;
    }

    /// <summary>SequencerProbe.fail(reason).</summary>
    public static byte[] ProbeFail(string reason)
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(reason);
        var data = new byte[4 + 64 + 32 * ((text.Length + 31) / 32)];
        AbiWords.Selector("fail(string)").CopyTo(data, 0);
        AbiWords.Write(data, 4, new UInt256(32));
        AbiWords.Write(data, 36, new UInt256((ulong)text.Length));
        text.CopyTo(data, 68);
        return data;
    }

    /// <summary>SequencerProbe.relay(destination, target, data, gasLimit).</summary>
    public static byte[] ProbeRelay(ulong destination, Address target, byte[] inner, ulong gasLimit)
    {
        var data = new byte[4 + 32 * 5 + 32 * ((inner.Length + 31) / 32)];
        AbiWords.Selector("relay(uint256,address,bytes,uint256)").CopyTo(data, 0);
        AbiWords.Write(data, 4, new UInt256(destination));
        AbiWords.Write(data, 36, target);
        AbiWords.Write(data, 68, new UInt256(128));
        AbiWords.Write(data, 100, new UInt256(gasLimit));
        AbiWords.Write(data, 132, new UInt256((ulong)inner.Length));
        inner.CopyTo(data, 164);
        return data;
    }

    public static readonly byte[] ProbeRecord = AbiWords.Selector("record()");
    public static readonly byte[] ProbeExhaust = AbiWords.Selector("exhaust()");
}
