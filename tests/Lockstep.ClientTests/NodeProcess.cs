using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Lockstep.ClientTests;

/// <summary>
/// A node under test running as a child process (`lockstep node` or anvil): started on a free loopback port,
/// ready once it prints its URL, stopped with SIGTERM (graceful) or SIGKILL (crash). Keeps everything the process
/// printed so a failing test can show it.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Regex _readyLine;
    private readonly Func<Match, string> _urlOf;

    /// <summary>HTTP JSON-RPC URL, known once the process is ready.</summary>
    public string Url { get; private set; } = "";

    /// <summary>WebSocket URL: the same port with a ws scheme (both anvil and lockstep serve WebSocket there).</summary>
    public string WsUrl => "ws" + Url["http".Length..];

    /// <summary>Which node this is ("lockstep" or "anvil"), for messages.</summary>
    public string Kind { get; }

    /// <summary>Everything the process printed so far (stdout and stderr interleaved).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Operating-system process id.</summary>
    public int Pid => _process.Id;

    private NodeProcess(string kind, ProcessStartInfo psi, Regex readyLine, Func<Match, string> urlOf)
    {
        Kind = kind;
        _readyLine = readyLine;
        _urlOf = urlOf;
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"{Kind} exited before it was ready"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts `dotnet lockstep.dll node --port 0 --data-dir DIR` and waits for "RPC listening on URL".</summary>
    public static NodeProcess StartLockstep(string dataDir, params string[] extraArgs)
    {
        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(Toolchain.LockstepDll);
        psi.ArgumentList.Add("node");
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add("0");
        psi.ArgumentList.Add("--data-dir");
        psi.ArgumentList.Add(dataDir);
        foreach (string a in extraArgs) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var node = new NodeProcess("lockstep", psi, LockstepReady(), m => m.Groups[1].Value);
        node.WaitReady();
        return node;
    }

    /// <summary>Starts anvil (Cancun, the standard mnemonic, chain id 31337) on a free port: the independent reference node.</summary>
    public static NodeProcess StartAnvil(params string[] extraArgs)
    {
        var psi = new ProcessStartInfo(Toolchain.Anvil);
        foreach (string a in new[] { "--host", "127.0.0.1", "--port", "0", "--hardfork", "cancun" }) psi.ArgumentList.Add(a);
        foreach (string a in extraArgs) psi.ArgumentList.Add(a);
        var node = new NodeProcess("anvil", psi, AnvilReady(), m => "http://127.0.0.1:" + m.Groups[1].Value);
        node.WaitReady();
        return node;
    }

    [GeneratedRegex(@"RPC listening on (http://\S+)")]
    private static partial Regex LockstepReady();

    [GeneratedRegex(@"Listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex AnvilReady();

    private void OnLine(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
        Match m = _readyLine.Match(line);
        if (m.Success) _ready.TrySetResult(_urlOf(m).TrimEnd('/'));
    }

    private void WaitReady()
    {
        try
        {
            if (!_ready.Task.Wait(TimeSpan.FromSeconds(60)))
                throw new TimeoutException($"{Kind} printed no ready line within 60 s");
            Url = _ready.Task.Result;
        }
        catch (Exception e)
        {
            string output = Output;
            Dispose();
            Assert.Fail($"{Kind} did not start: {e.GetBaseException().Message}\n--- output ---\n{output}");
        }
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        if (_process.HasExited) return _process.ExitCode;
        SysKill(_process.Id, SigTerm);
        if (!_process.WaitForExit(timeout))
            Assert.Fail($"{Kind} did not exit within {timeout.TotalSeconds} s of SIGTERM\n--- output ---\n{Output}");
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process gets no chance to flush or clean up, as in a power cut of the process.</summary>
    public void Crash()
    {
        if (_process.HasExited) return;
        SysKill(_process.Id, SigKill);
        _process.WaitForExit();
    }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                SysKill(_process.Id, SigKill);
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
