using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Benchmarks.Flows;

/// <summary>Reads the compiled benchmark contracts from <c>contracts/artifacts</c> and builds their calldata.</summary>
internal static class BenchContracts
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (string? dir = start; dir != null; dir = Path.GetDirectoryName(dir))
                if (File.Exists(Path.Combine(dir, "Lockstep.slnx"))) return dir;
        throw new DirectoryNotFoundException("run from inside the Lockstep repository (Lockstep.slnx not found)");
    }

    /// <summary>Creation bytecode of a contract in contracts/artifacts.</summary>
    public static byte[] Bytecode(string contract)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "contracts", "artifacts", contract + ".json")));
        return Hex.Decode(doc.RootElement.GetProperty("bytecode").GetString()!);
    }

    /// <summary>The 4-byte selector of a function signature such as "transfer(address,uint256)".</summary>
    public static byte[] Selector(string signature) => Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature)).ToArray()[..4];

    /// <summary>selector + ABI words.</summary>
    public static byte[] Call(string signature, params UInt256[] words)
    {
        byte[] data = new byte[4 + 32 * words.Length];
        Selector(signature).CopyTo(data, 0);
        for (int i = 0; i < words.Length; i++) words[i].WriteBigEndian(data.AsSpan(4 + 32 * i, 32));
        return data;
    }

    /// <summary>Creation code with ABI-encoded constructor words appended.</summary>
    public static byte[] Deploy(string contract, params UInt256[] constructorWords)
    {
        byte[] code = Bytecode(contract);
        byte[] data = new byte[code.Length + 32 * constructorWords.Length];
        code.CopyTo(data, 0);
        for (int i = 0; i < constructorWords.Length; i++) constructorWords[i].WriteBigEndian(data.AsSpan(code.Length + 32 * i, 32));
        return data;
    }
}
