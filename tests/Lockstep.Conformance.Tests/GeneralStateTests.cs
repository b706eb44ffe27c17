using System.Text;
using Lockstep.Testing;
using Xunit.Abstractions;

namespace Lockstep.Conformance.Tests;

/// <summary>
/// ethereum/tests GeneralStateTests, Cancun: one test per top-level folder; every case must pass, including the
/// EIP-4844 point-evaluation cases (precompile 0x0a is implemented).
/// </summary>
public sealed class GeneralStateTests(ITestOutputHelper output)
{
    private static string Root => Path.Combine(RepoPaths.EthereumTests, "GeneralStateTests");

    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (string dir in Directory.GetDirectories(Root).OrderBy(d => d, StringComparer.Ordinal))
            data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_passes_under_Cancun(string folder)
    {
        List<CaseResult> results = [];
        Exception? error = null;
        // Deep call chains (1024 frames) recurse; run on a thread with a large stack.
        var thread = new Thread(() =>
        {
            try
            {
                using var runner = new StateTestRunner();
                foreach (string file in StateTestRunner.ExpandPaths([Path.Combine(Root, folder)]))
                    results.AddRange(runner.RunFile(file, "Cancun"));
            }
            catch (Exception e) { error = e; }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(error);

        int passed = results.Count(r => r.Pass);
        List<CaseResult> failed = results.Where(r => !r.Pass).ToList();
        output.WriteLine($"{folder}: {passed} passed, {failed.Count} failed");

        Assert.NotEmpty(results);
        if (failed.Count > 0)
        {
            var sb = new StringBuilder($"{failed.Count} of {results.Count} cases failed in {folder}:\n");
            foreach (CaseResult f in failed.Take(50)) sb.Append($"  {Path.GetFileName(f.File)} {f.Name} [{f.Index}]: {f.Error}\n");
            Assert.Fail(sb.ToString());
        }
    }
}
