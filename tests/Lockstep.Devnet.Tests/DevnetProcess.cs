using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Lockstep.Devnet.Tests;

/// <summary>
/// `lockstep devnet --rollups N --port 0 --data-dir DIR` as a child process: ready once it prints "Devnet ready"
/// (devnet.json is written by then), stopped with SIGTERM. Keeps its output for failure messages.
/// </summary>
internal sealed class DevnetProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>DIR/devnet.json, the description the scripts read.</summary>
    public string DescriptionPath { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    private DevnetProcess(ProcessStartInfo psi, string dataDir)
    {
        DescriptionPath = Path.Combine(dataDir, "devnet.json");
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("lockstep devnet exited before it was ready"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the built CLI's devnet (plus <paramref name="extra"/> flags) and waits (up to 60 s) for "Devnet ready".</summary>
    public static DevnetProcess Start(int rollups, string dataDir, params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet");
        foreach (string a in new[] { Toolchain.LockstepDll, "devnet", "--rollups", rollups.ToString(), "--port", "0", "--data-dir", dataDir })
            psi.ArgumentList.Add(a);
        foreach (string a in extra) psi.ArgumentList.Add(a);
        return Start(psi, dataDir, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Starts any command that runs a devnet in <paramref name="dataDir"/> (e.g. the README's `dotnet run ...`, which
    /// builds first) and waits up to <paramref name="readyWithin"/> for "Devnet ready".
    /// </summary>
    public static DevnetProcess Start(ProcessStartInfo psi, string dataDir, TimeSpan readyWithin)
    {
        var d = new DevnetProcess(psi, dataDir);
        try
        {
            if (!d._ready.Task.Wait(readyWithin)) throw new TimeoutException($"no \"Devnet ready\" within {readyWithin.TotalSeconds} s");
        }
        catch (Exception e)
        {
            string output = d.Output;
            d.Dispose();
            Assert.Fail($"lockstep devnet did not start: {e.GetBaseException().Message}\n--- output ---\n{output}");
        }
        Assert.True(File.Exists(d.DescriptionPath), "devnet.json missing after \"Devnet ready\"");
        return d;
    }

    private void OnLine(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Trim() == "Devnet ready") _ready.TrySetResult();
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    /// <summary>SIGTERM (graceful shutdown, as Ctrl-C or a service manager would) and wait; returns the exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        if (_process.HasExited) return _process.ExitCode;
        SysKill(_process.Id, 15);
        if (!_process.WaitForExit(timeout))
            Assert.Fail($"lockstep devnet did not exit within {timeout.TotalSeconds} s of SIGTERM\n--- output ---\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // The whole tree: `dotnet run` has the devnet as a child.
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }
}
