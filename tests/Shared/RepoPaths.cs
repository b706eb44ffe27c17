namespace Lockstep.Testing;

/// <summary>Finds the repository root and the shared conformance data from a test's working directory.</summary>
internal static class RepoPaths
{
    /// <summary>The folder that holds Lockstep.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// ethereum/tests data: LOCKSTEP_CONFORMANCE if set, else ../shared/conformance/ethereum-tests beside the repository
    /// (where the workplace and CI put it).
    /// </summary>
    public static string EthereumTests { get; } =
        Environment.GetEnvironmentVariable("LOCKSTEP_CONFORMANCE") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "conformance", "ethereum-tests"));

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "Lockstep.slnx"))) return dir;
        throw new DirectoryNotFoundException("Lockstep.slnx not found above " + AppContext.BaseDirectory);
    }
}
