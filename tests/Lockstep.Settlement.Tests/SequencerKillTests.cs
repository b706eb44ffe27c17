using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// The whole sequencer killed (issue 5): `lockstep devnet --l1-rpc &lt;anvil&gt;` as a child process, SIGKILLed while
/// its submit transaction waits in anvil's mempool (anvil mines every second) and again between sealing a
/// superblock and posting it, restarted from its data dir each time. L1 must end with every superblock exactly once,
/// in order, with the rollups' own roots, and a deposit made before the kills executed exactly once.
/// </summary>
public class SequencerKillTests
{
    [Fact]
    public async Task Killed_sequencer_loses_duplicates_and_reorders_nothing_on_L1()
    {
        IReadOnlyList<DevAccount> keys = DevAccounts.Derive(DevAccounts.TestMnemonic, 11);
        Address sequencer = keys[10].Address; // the devnet's L1 key: the account after the 10 dev accounts
        // anvil mines only when told (evm_mine): the test decides when a submit transaction stays pending.
        using var anvil = new AnvilNode(0, "--no-mining");
        using var stopMining = new CancellationTokenSource();
        bool mining = true;
        Task miner = Task.Run(async () =>
        {
            while (!stopMining.IsCancellationRequested)
            {
                try { if (Volatile.Read(ref mining)) await anvil.Client.RequestAsync("evm_mine", []); } catch (L1Exception) { }
                try { await Task.Delay(300, stopMining.Token); } catch (OperationCanceledException) { }
            }
        });
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-kill-" + Guid.NewGuid().ToString("N"));
        string[] args = ["devnet", "--port", "0", "--data-dir", dir, "--block-time", "0.5", "--challenge-window", "3",
            "--l1-rpc", anvil.Url.ToString(), "--l1-key", Hex.Encode(keys[0].PrivateKey)];
        var log = new StringBuilder();
        Child child = Child.Start(args, log);
        Uri[] rollups;
        try
        {
            (rollups, Address inbox, Address bridge) = ReadDescription(dir);
            Address recipient = Address.FromNumber(0xdec0de);
            var user = new L1Wallet(anvil.Client, keys[3].PrivateKey);
            Assert.True((await user.SendAsync(bridge, Bridge.DepositEth(901, recipient), BridgeScenario.Ether)).Succeeded);

            // Kill 1: while a submit transaction of the sequencer is pending in anvil's mempool (mining paused for 4 s:
            // superblocks come every 0.5 s and the poster sends as soon as one is sealed).
            await WaitUntilAsync(async () => await L1LastBlockAsync(anvil.Client, inbox) > 0, log);
            Volatile.Write(ref mining, false);
            await Task.Delay(4000);
            Assert.True(await PendingAsync(anvil.Client) > 0, "a submit transaction is pending");
            child.Kill();
            Volatile.Write(ref mining, true);
            child = Child.Start(args, log);
            rollups = ReadDescription(dir).Rollups; // --port 0: new ports after every restart
            // Kill 2: a superblock sealed and not yet on L1 (its submit unsent or just sent).
            await WaitUntilAsync(async () => await HeadAsync(rollups[0]) > await L1LastBlockAsync(anvil.Client, inbox), log);
            child.Kill();
            child = Child.Start(args, log);
            rollups = ReadDescription(dir).Rollups; // --port 0: new ports after every restart
            // Kill 3: pending again, and the restart happens while it is still pending (mined only afterwards).
            Volatile.Write(ref mining, false);
            await Task.Delay(4000);
            Assert.True(await PendingAsync(anvil.Client) > 0, "a submit transaction is pending");
            child.Kill();
            child = Child.Start(args, log);
            rollups = ReadDescription(dir).Rollups; // --port 0: new ports after every restart
            Volatile.Write(ref mining, true);

            // Caught up: L1 covers at least the head seen now.
            ulong head = await HeadAsync(rollups[0]);
            await WaitUntilAsync(async () => await L1LastBlockAsync(anvil.Client, inbox) >= head, log);

            // Every superbatch once, in order, contiguous from block 1, parents chained, roots = the rollups' roots.
            ulong l1Head = await anvil.Client.GetBlockNumberAsync();
            var events = new List<SuperbatchSubmittedEvent>();
            foreach (L1Log l in await anvil.Client.GetLogsAsync(inbox, 0, l1Head, SuperbatchSubmittedEvent.Topic))
                if (SuperbatchSubmittedEvent.TryDecode(l.Topics, l.Data, out SuperbatchSubmittedEvent? e)) events.Add(e!);
            Assert.NotEmpty(events);
            ulong count = Word(await anvil.Client.CallAsync(inbox, SharedInbox.SuperbatchCount()));
            Assert.Equal((ulong)events.Count, count); // no rejected or repeated submissions
            ulong next = 1;
            Hash256 parent = Hash256.Zero;
            for (int i = 0; i < events.Count; i++)
            {
                SuperbatchSubmittedEvent e = events[i];
                Assert.Equal((ulong)i, e.Index);
                Assert.Equal(parent, e.ParentHash);
                Assert.Equal(2, e.Rollups.Count);
                for (int r = 0; r < 2; r++)
                {
                    RollupCommitment c = e.Rollups[r];
                    Assert.Equal((next, 901UL + (ulong)r), (c.FirstBlock, c.ChainId));
                    Assert.Equal(await StateRootAsync(rollups[r], c.LastBlock), c.StateRoot);
                }
                next = e.Rollups[0].LastBlock + 1;
                parent = e.SuperbatchHash;
            }
            Assert.True(next - 1 >= head);
            // The sequencer sent exactly: its bond, then one transaction per superbatch (no duplicate ever landed).
            Assert.Equal(1 + count, await anvil.Client.GetNonceAsync(sequencer, "latest"));
            // The deposit executed once, on 901 only.
            Assert.Equal(BridgeScenario.Ether, await BalanceAsync(rollups[0], recipient));
            Assert.Equal(UInt256.Zero, await BalanceAsync(rollups[1], recipient));
            Assert.True(events[^1].DepositCount == 1 || events.Any(e => e.DepositCount == 1));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail(e + "\n--- devnet output ---\n" + ExternalTools.Tail(log.ToString(), 6000));
        }
        finally
        {
            stopMining.Cancel();
            await miner;
            child.Kill();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static (Uri[] Rollups, Address Inbox, Address Bridge) ReadDescription(string dir)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json")));
        JsonElement root = doc.RootElement;
        Uri[] rollups = [.. root.GetProperty("rollups").EnumerateArray().Select(r => new Uri(r.GetProperty("rpc").GetString()!))];
        JsonElement contracts = root.GetProperty("l1").GetProperty("contracts");
        return (rollups, Address.FromHex(contracts.GetProperty("SharedInbox").GetString()!), Address.FromHex(contracts.GetProperty("Bridge").GetString()!));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, StringBuilder log)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (L1Exception) { } // the devnet's RPC is down between a kill and the restart
            await Task.Delay(20);
        }
        Assert.Fail("condition not reached in 90 s\n--- devnet output ---\n" + ExternalTools.Tail(log.ToString(), 6000));
    }

    private static async Task<ulong> L1LastBlockAsync(IL1Client l1, Address inbox)
    {
        ulong count = Word(await l1.CallAsync(inbox, SharedInbox.SuperbatchCount()));
        return count == 0 ? 0 : Word(await l1.CallAsync(inbox, SharedInbox.LastBlockOf(count - 1, 901)));
    }

    /// <summary>Transactions in anvil's pending block (its mempool): only the sequencer sends while the kills happen.</summary>
    private static async Task<int> PendingAsync(JsonRpcL1Client l1) =>
        (await l1.RequestAsync("eth_getBlockByNumber", ["pending", false])).GetProperty("transactions").GetArrayLength();

    private static async Task<ulong> HeadAsync(Uri rollup)
    {
        using var c = new JsonRpcL1Client(rollup);
        return await c.GetBlockNumberAsync();
    }

    private static async Task<Hash256> StateRootAsync(Uri rollup, ulong number)
    {
        using var c = new JsonRpcL1Client(rollup);
        JsonElement block = await c.RequestAsync("eth_getBlockByNumber", ["0x" + number.ToString("x", CultureInfo.InvariantCulture), false]);
        return Hash256.FromHex(block.GetProperty("stateRoot").GetString()!);
    }

    private static async Task<UInt256> BalanceAsync(Uri rollup, Address a)
    {
        using var c = new JsonRpcL1Client(rollup);
        return await BridgeScenario.EthBalance(c, a);
    }

    private static ulong Word(byte[] output) => BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24));

    /// <summary>`dotnet lockstep.dll ...` ready once it prints "Devnet ready"; <see cref="Kill"/> is SIGKILL.</summary>
    private sealed class Child
    {
        private readonly Process _p;

        private Child(Process p) => _p = p;

        public static Child Start(string[] args, StringBuilder log)
        {
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(ExternalTools.LockstepDll);
            foreach (string a in args) psi.ArgumentList.Add(a);
            psi.Environment["DOTNET_NOLOGO"] = "1";
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
            void OnLine(string? line)
            {
                if (line is null) return;
                lock (log) log.AppendLine(line);
                if (line.Trim() == "Devnet ready") ready.TrySetResult();
            }
            p.OutputDataReceived += (_, e) => OnLine(e.Data);
            p.ErrorDataReceived += (_, e) => OnLine(e.Data);
            p.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("lockstep devnet exited before it was ready"));
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (!ready.Task.Wait(TimeSpan.FromSeconds(90)))
            {
                try { p.Kill(); } catch (InvalidOperationException) { }
                Assert.Fail("no \"Devnet ready\" in 90 s\n" + ExternalTools.Tail(log.ToString(), 6000));
            }
            return new Child(p);
        }

        /// <summary>SIGKILL (Process.Kill on Linux): no shutdown code runs.</summary>
        public void Kill()
        {
            try { if (!_p.HasExited) _p.Kill(); } catch (InvalidOperationException) { }
            _p.WaitForExit(10_000);
            _p.Dispose();
        }
    }
}
