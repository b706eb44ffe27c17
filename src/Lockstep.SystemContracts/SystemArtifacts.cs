using System.Reflection;
using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>One compiled system contract: its ABI JSON and runtime code (solc output in contracts/artifacts).</summary>
/// <param name="Name">Contract name, also the artifact's file name.</param>
/// <param name="AbiJson">The ABI as JSON text.</param>
/// <param name="RuntimeCode">The deployed bytecode placed in genesis (no constructor runs).</param>
public sealed record SystemArtifact(string Name, string AbiJson, byte[] RuntimeCode);

/// <summary>The system contracts' artifacts, embedded in this assembly at build time (no files at run time).</summary>
public static class SystemArtifacts
{
    private static readonly Lazy<SystemArtifact> MintBurnArtifact = new(() => Load("MintBurn"));
    private static readonly Lazy<SystemArtifact> MessengerArtifact = new(() => Load("Messenger"));
    private static readonly Lazy<SystemArtifact> MessageTreesArtifact = new(() => Load("MessageTrees"));
    private static readonly Lazy<SystemArtifact> TokenArtifact = new(() => Load("CrossRollupToken"));
    private static readonly Lazy<SystemArtifact> L2BridgeArtifact = new(() => Load("L2Bridge"));

    /// <summary>L2Bridge (deposits and withdrawals, docs/settlement.md), predeployed at <see cref="SystemAddresses.L2Bridge"/>.</summary>
    public static SystemArtifact L2Bridge => L2BridgeArtifact.Value;

    /// <summary>MintBurn, predeployed at <see cref="SystemAddresses.MintBurn"/>.</summary>
    public static SystemArtifact MintBurn => MintBurnArtifact.Value;

    /// <summary>Messenger, predeployed at <see cref="SystemAddresses.Messenger"/>.</summary>
    public static SystemArtifact Messenger => MessengerArtifact.Value;

    /// <summary>MessageTrees, predeployed at <see cref="SystemAddresses.MessageTrees"/>.</summary>
    public static SystemArtifact MessageTrees => MessageTreesArtifact.Value;

    /// <summary>CrossRollupToken, predeployed at <see cref="SystemAddresses.CrossRollupToken"/>.</summary>
    public static SystemArtifact CrossRollupToken => TokenArtifact.Value;

    private static SystemArtifact Load(string name)
    {
        string resource = "Lockstep.SystemContracts." + name + ".json";
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded artifact {resource} is missing");
        using JsonDocument doc = JsonDocument.Parse(stream);
        JsonElement root = doc.RootElement;
        byte[] code = Hex.Decode(root.GetProperty("deployedBytecode").GetString()!);
        if (code.Length == 0) throw new InvalidOperationException($"artifact {name} has no runtime code");
        return new SystemArtifact(name, root.GetProperty("abi").GetRawText(), code);
    }
}
