using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Lockstep.Crypto;

/// <summary>
/// Which native libsecp256k1 sender recovery runs on (<see cref="Default"/>). Issue 2 asks for 20k recoveries/s per
/// core; the build that Secp256k1.Net ships (gcc -O2, baseline x86-64) does ~18.7k/s on the 2.5 GHz Xeon we measure on, while the same
/// library compiled by <c>tools/secp256k1/build.sh</c> (clang -O3, with a BMI2/MULX variant) does ~21.6k/s.
/// So recovery loads, in this order:
/// <list type="number">
/// <item>the file named by the environment variable <see cref="EnvironmentVariable"/> when it is a path, or the NuGet
/// build when it is <c>nuget</c>;</item>
/// <item>the project build: <c>liblockstep-secp256k1-bmi2.so</c> when the CPU has BMI2, else
/// <c>liblockstep-secp256k1.so</c>, from the application folder or the first <c>tools/secp256k1/build/lib</c>
/// found walking up from it (a repository checkout);</item>
/// <item>otherwise the NuGet build (<c>runtimes/&lt;rid&gt;/native/libsecp256k1.so</c> of Secp256k1.Net).</item>
/// </list>
/// Signing and key derivation always use the Secp256k1.Net wrapper and its own library (they are not hot).
/// </summary>
public static class Secp256k1Library
{
    /// <summary>Environment variable: <c>nuget</c> forces the NuGet build; a file path forces that library.</summary>
    public const string EnvironmentVariable = "LOCKSTEP_SECP256K1";

    /// <summary>The baseline project build (any x86-64, or the host architecture).</summary>
    public const string BaselineFileName = "liblockstep-secp256k1.so";

    /// <summary>The project build that multiplies with MULX; loaded only when <see cref="Bmi2.X64.IsSupported"/>.</summary>
    public const string Bmi2FileName = "liblockstep-secp256k1-bmi2.so";

    private static readonly string[] s_buildFolder = ["tools", "secp256k1", "build", "lib"];

    /// <summary>
    /// The library <see cref="Ecdsa.TryRecoverAddress"/> runs on, chosen once (on first use) as described above.
    /// </summary>
    /// <exception cref="DllNotFoundException">(on first use) <see cref="EnvironmentVariable"/> names a missing file.</exception>
    public static Secp256k1Recovery Default { get; } = Choose();

    /// <summary>One line saying which library recovery uses (path, variant, compiler), for a startup log.</summary>
    public static string Description => Default.Description;

    /// <summary>True when recovery runs on a library built by <c>tools/secp256k1/build.sh</c> or named by the environment.</summary>
    public static bool IsProjectBuild => !Default.IsNuGetBuild;

    /// <summary>
    /// The project build for this CPU (the BMI2 variant when <see cref="Bmi2.X64.IsSupported"/>) found next to the
    /// application or in the repository, or null when there is none.
    /// </summary>
    public static string? FindProjectBuild(bool allowBmi2 = true)
    {
        if (!OperatingSystem.IsLinux()) return null;
        string? folder = FindBuildFolder();
        if (folder is null) return null;
        string bmi2 = Path.Combine(folder, Bmi2FileName);
        return allowBmi2 && Bmi2.X64.IsSupported && File.Exists(bmi2) ? bmi2 : Path.Combine(folder, BaselineFileName);
    }

    private static Secp256k1Recovery Choose()
    {
        string? choice = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(choice, "nuget", StringComparison.OrdinalIgnoreCase))
            return Secp256k1Recovery.LoadNuGet($"({EnvironmentVariable}=nuget)");
        // An explicit path is an operator's decision: a wrong one is an error, not a silent fallback.
        if (!string.IsNullOrEmpty(choice)) return Secp256k1Recovery.Load(choice, $"libsecp256k1 at {choice} ({EnvironmentVariable})");

        string? path = FindProjectBuild();
        if (path is not null)
        {
            string variant = path.EndsWith(Bmi2FileName, StringComparison.Ordinal) ? "BMI2" : "baseline";
            string description = $"libsecp256k1 built by tools/secp256k1/build.sh, {variant} variant: {path}{ReadBuildInfo(Path.GetDirectoryName(path)!)}";
            if (NativeLibrary.TryLoad(path, out nint handle))
            {
                try
                {
                    return Secp256k1Recovery.FromHandle(handle, description, isNuGetBuild: false);
                }
                catch (EntryPointNotFoundException)
                {
                    // A foreign or broken file in the build folder: fall through to the NuGet build.
                }
            }
            return Secp256k1Recovery.LoadNuGet($"({path} did not load)");
        }
        return Secp256k1Recovery.LoadNuGet();
    }

    /// <summary>The application folder when it holds the baseline build, else the first repository build folder above it.</summary>
    private static string? FindBuildFolder()
    {
        string start = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(start, BaselineFileName))) return start;
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine([dir.FullName, .. s_buildFolder]);
            if (File.Exists(Path.Combine(candidate, BaselineFileName))) return candidate;
        }
        return null;
    }

    private static string ReadBuildInfo(string folder)
    {
        try
        {
            string[] lines = File.ReadAllLines(Path.Combine(folder, "BUILDINFO"));
            return lines.Length > 2 ? $" ({lines[1]}; {lines[2]})" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
