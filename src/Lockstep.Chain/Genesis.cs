using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Chain;

/// <summary>One pre-funded account of a genesis <c>alloc</c>.</summary>
public sealed record GenesisAccount(UInt256 Balance, ulong Nonce, byte[] Code, IReadOnlyDictionary<UInt256, UInt256> Storage);

/// <summary>
/// A chain's genesis in go-ethereum's genesis JSON format: <c>config</c> (chainId and fork activations
/// londonBlock, shanghaiTime, cancunTime), <c>alloc</c> (balance, nonce, code, storage per address), and the
/// header fields nonce, timestamp, extraData, gasLimit, difficulty, mixHash, coinbase, baseFeePerGas,
/// excessBlobGas, blobGasUsed. Numbers may be decimal or 0x-hex, as geth accepts.
/// </summary>
public sealed class Genesis
{
    public ulong ChainId { get; init; } = 1;
    /// <summary>EIP-1559 header fields from genesis (config.londonBlock == 0).</summary>
    public bool London { get; init; }
    /// <summary>EIP-4895 withdrawals root from genesis (config.shanghaiTime == 0).</summary>
    public bool Shanghai { get; init; }
    /// <summary>EIP-4844/EIP-4788 header fields from genesis (config.cancunTime == 0).</summary>
    public bool Cancun { get; init; }
    public ulong Nonce { get; init; }
    public ulong Timestamp { get; init; }
    public byte[] ExtraData { get; init; } = [];
    public ulong GasLimit { get; init; }
    public UInt256 Difficulty { get; init; }
    public Hash256 MixHash { get; init; }
    public Address Coinbase { get; init; }
    public Hash256 ParentHash { get; init; }
    /// <summary>Explicit base fee; when London is active and this is null, INITIAL_BASE_FEE (EIP-1559).</summary>
    public UInt256? BaseFeePerGas { get; init; }
    public ulong ExcessBlobGas { get; init; }
    public ulong BlobGasUsed { get; init; }
    public IReadOnlyDictionary<Address, GenesisAccount> Alloc { get; init; } = new Dictionary<Address, GenesisAccount>();

    /// <summary>Parses geth's genesis JSON.</summary>
    public static Genesis FromJson(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        ulong chainId = 1;
        bool london = false, shanghai = false, cancun = false;
        if (root.TryGetProperty("config", out JsonElement config))
        {
            if (config.TryGetProperty("chainId", out JsonElement c)) chainId = ReadU64(c);
            london = IsZero(config, "londonBlock");
            shanghai = IsZero(config, "shanghaiTime");
            cancun = IsZero(config, "cancunTime");
        }

        var alloc = new Dictionary<Address, GenesisAccount>();
        if (root.TryGetProperty("alloc", out JsonElement allocJson))
        {
            foreach (JsonProperty entry in allocJson.EnumerateObject())
            {
                JsonElement a = entry.Value;
                var storage = new Dictionary<UInt256, UInt256>();
                if (a.TryGetProperty("storage", out JsonElement s))
                    foreach (JsonProperty slot in s.EnumerateObject())
                        storage[ParseU256(slot.Name)] = ParseU256(slot.Value.GetString()!);
                alloc[ParseAddress(entry.Name)] = new GenesisAccount(
                    a.TryGetProperty("balance", out JsonElement b) ? ReadU256(b) : UInt256.Zero,
                    a.TryGetProperty("nonce", out JsonElement n) ? ReadU64(n) : 0,
                    a.TryGetProperty("code", out JsonElement code) ? Hex.Decode(code.GetString()!) : [],
                    storage);
            }
        }

        return new Genesis
        {
            ChainId = chainId,
            London = london,
            Shanghai = shanghai,
            Cancun = cancun,
            Nonce = Optional(root, "nonce", ReadU64),
            Timestamp = Optional(root, "timestamp", ReadU64),
            ExtraData = root.TryGetProperty("extraData", out JsonElement extra) ? Hex.Decode(extra.GetString()!) : [],
            GasLimit = Optional(root, "gasLimit", ReadU64),
            Difficulty = Optional(root, "difficulty", ReadU256),
            MixHash = root.TryGetProperty("mixHash", out JsonElement mix) ? Hash256.FromHex(mix.GetString()!) : Hash256.Zero,
            Coinbase = root.TryGetProperty("coinbase", out JsonElement cb) ? ParseAddress(cb.GetString()!) : Address.Zero,
            ParentHash = root.TryGetProperty("parentHash", out JsonElement ph) ? Hash256.FromHex(ph.GetString()!) : Hash256.Zero,
            BaseFeePerGas = root.TryGetProperty("baseFeePerGas", out JsonElement bf) && bf.ValueKind != JsonValueKind.Null ? ReadU256(bf) : null,
            ExcessBlobGas = Optional(root, "excessBlobGas", ReadU64),
            BlobGasUsed = Optional(root, "blobGasUsed", ReadU64),
            Alloc = alloc,
        };
    }

    /// <summary>Writes the alloc into <paramref name="state"/> and returns the resulting state root.</summary>
    public Hash256 ApplyTo(WorldState state)
    {
        foreach (KeyValuePair<Address, GenesisAccount> kv in Alloc)
            state.SetAccount(kv.Key, kv.Value.Nonce, kv.Value.Balance, kv.Value.Code, kv.Value.Storage);
        state.CommitTransaction();
        return state.ComputeStateRoot();
    }

    /// <summary>The genesis header over <paramref name="stateRoot"/>: no transactions, receipts or logs.</summary>
    public BlockHeader CreateHeader(Hash256 stateRoot) => new()
    {
        ParentHash = ParentHash,
        Coinbase = Coinbase,
        StateRoot = stateRoot,
        Difficulty = Difficulty,
        Number = 0,
        GasLimit = GasLimit,
        GasUsed = 0,
        Timestamp = Timestamp,
        ExtraData = ExtraData,
        MixHash = MixHash,
        Nonce = Nonce,
        BaseFeePerGas = London ? BaseFeePerGas ?? new UInt256(FeeRules.InitialBaseFee) : null,
        WithdrawalsRoot = Shanghai ? Block.EmptyWithdrawalsRoot : null,
        BlobGasUsed = Cancun ? BlobGasUsed : null,
        ExcessBlobGas = Cancun ? ExcessBlobGas : null,
        // EIP-4788: geth sets a zero parent beacon root in a Cancun genesis.
        ParentBeaconBlockRoot = Cancun ? Hash256.Zero : null,
    };

    /// <summary>Applies the alloc to <paramref name="state"/> and returns the genesis block.</summary>
    public Block CreateBlock(WorldState state) => new(CreateHeader(ApplyTo(state)), []);

    private static bool IsZero(JsonElement config, string name) =>
        config.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null && ReadU64(v) == 0;

    private static T Optional<T>(JsonElement root, string name, Func<JsonElement, T> read) where T : struct =>
        root.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? read(v) : default;

    private static ulong ReadU64(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number) return e.GetUInt64();
        UInt256 v = ParseU256(e.GetString()!);
        if (v.U1 != 0 || v.U2 != 0 || v.U3 != 0) throw new FormatException($"value does not fit 64 bits: {e}");
        return v.U0;
    }

    private static UInt256 ReadU256(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? UInt256.Parse(e.GetRawText()) : ParseU256(e.GetString()!);

    private static UInt256 ParseU256(string text) => UInt256.Parse(text);

    // alloc keys appear with or without 0x.
    private static Address ParseAddress(string text) => Address.FromHex(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text : "0x" + text);
}
