using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's <c>devnet.json</c>: <c>{"l1", "rollups": [{"name", "chainId", "rpc", "ws", "contracts"}],
/// "devAccounts": [{"address", "privateKey"}], "tokenAdmin", "dataDir"}</c> (DESIGN.md's shape; <c>l1</c> is null
/// until the settlement layer runs in the devnet).
/// </summary>
public sealed record DevnetDescription(
    DevnetL1Description? L1,
    IReadOnlyList<DevnetRollupDescription> Rollups,
    IReadOnlyList<DevAccountDescription> DevAccounts,
    string? TokenAdmin,
    string DataDir)
{
    /// <summary>camelCase, indented, nulls written.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>The L1 of the set: RPC URL, chain id, contract addresses by name.</summary>
public sealed record DevnetL1Description(string Rpc, ulong ChainId, IReadOnlyDictionary<string, string> Contracts);

/// <summary>One rollup: name, chain id, HTTP and WebSocket RPC URLs, system contract addresses by name.</summary>
public sealed record DevnetRollupDescription(string Name, ulong ChainId, string Rpc, string Ws, IReadOnlyDictionary<string, string> Contracts);

/// <summary>A funded dev account (the same on every rollup).</summary>
public sealed record DevAccountDescription(string Address, string PrivateKey);
