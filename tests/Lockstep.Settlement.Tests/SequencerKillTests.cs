using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Testing;
using Xunit.Abstractions;

namespace Lockstep.Settlement.Tests;

/// <summary>
/// The whole sequencer killed (issue 5): `lockstep devnet --l1-rpc &lt;anvil&gt;` as a child process, SIGKILLed while
/// its submit transaction waits in anvil's mempool (the test mines every 0.3 s and pauses mining to keep a submit
/// pending) and again between sealing a superblock and posting it, restarted from its data dir each time. L1 must end
/// with every superblock exactly once, in order, with the rollups' own roots, and a deposit made before the kills
/// executed exactly once.
/// </summary>
/// <remarks>
/// Under load (a CI run of every test project on two cores) each step takes longer: the waits go on while the devnet
/// or the inbox moves and fail only after <see cref="StallLimit"/> without either moving (or after <see cref="WaitLimit"/>
/// in all), naming what they waited for and what they saw. The test polls every 0.2 s, not every 20 ms: its own RPC
/// traffic competed with the devnet it waits for.
/// </remarks>
public class SequencerKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);
    private const ulong SealedWhilePending = 4;

    [Fact]
    public async Task Killed_sequencer_loses_duplicates_and_reorders_nothing_on_L1()
    {
        IReadOnlyList<DevAccount> keys = DevAccounts.Derive(DevAccounts.TestMnemonic, 11);
        Address sequencer = keys[10].Address; // the devnet's L1 key: the account after the 10 dev accounts
        // anvil mines only when told (evm_mine): the test decides when a submit transaction stays pending.
        using var anvil = new AnvilNode(0, "--no-mining");
        await using var miner = new Miner(anvil.Client);
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-kill-" + Guid.NewGuid().ToString("N"));
        string[] args = ["devnet", "--port", "0", "--data-dir", dir, "--block-time", "0.5", "--challenge-window", "3",
            "--l1-rpc", anvil.Url.ToString(), "--l1-key", Hex.Encode(keys[0].PrivateKey)];
        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        Child? child = null;
        try
        {
            child = await Child.StartAsync(args, log);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  devnet ready (the first start deploys the L1 contracts)");
            var (rollups, inbox, bridge) = ReadDescription(dir);
            using var watch = new Watch(anvil.Client, inbox, log, output, clock);
            watch.Rollup = rollups[0];

            // Kill, then start again from the data dir; --port 0: new ports after every restart.
            async Task RestartAsync()
            {
                child.Kill();
                child = await Child.StartAsync(args, log);
                rollups = ReadDescription(dir).Rollups;
                watch.Rollup = rollups[0];
                output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  restarted");
            }

            Address recipient = Address.FromNumber(0xdec0de);
            var user = new L1Wallet(anvil.Client, keys[3].PrivateKey);
            Assert.True((await user.SendAsync(bridge, Bridge.DepositEth(901, recipient), BridgeScenario.Ether)).Succeeded);

            // Kill 1: while a submit transaction of the sequencer is pending in anvil's mempool (mining paused:
            // superblocks come every 0.5 s and the poster sends as soon as one is sealed; a few more are sealed while
            // it waits, so the restarted poster has more to post than the pending submit holds).
            await watch.UntilAsync("a first superbatch on L1", s => s.L1Last > 0);
            await miner.PauseAsync();
            await PendingWhileSealingAsync(watch);
            Assert.True(await PendingAsync(anvil.Client) > 0, "a submit transaction is pending");
            child.Kill();
            miner.Resume();
            await RestartAsync();
            // Kill 2: a superblock sealed and not yet on L1 (its submit unsent or just sent).
            await watch.UntilAsync("a superblock sealed and not on L1", s => s.Head > s.L1Last);
            await RestartAsync();
            // Kill 3: pending again, and the restart happens while it is still pending (mined only afterwards).
            await miner.PauseAsync();
            await PendingWhileSealingAsync(watch);
            Assert.True(await PendingAsync(anvil.Client) > 0, "a submit transaction is pending");
            await RestartAsync();
            miner.Resume();

            // Caught up: L1 covers at least the head seen now.
            ulong head = await HeadAsync(rollups[0]);
            await watch.UntilAsync($"L1 to cover head {head}", s => s.L1Last >= head);
            // The devnet goes on posting: with mining paused, the logs, the count and the nonce below all describe the
            // same L1 block (a superbatch landing between two of those reads once failed the nonce check: 6 != 1 + 4).
            await miner.PauseAsync();

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
            ulong sent = await anvil.Client.GetNonceAsync(sequencer, "latest");
            if (sent != 1 + count)
                Assert.Fail($"the sequencer sent {sent} L1 transactions, expected its bond and {count} submits:\n" +
                    await DescribeTransactionsAsync(anvil.Client, sequencer, l1Head) + "\n--- devnet output ---\n" + ExternalTools.Tail(log.ToString(), 6000));
            // The deposit executed once, on 901 only.
            Assert.Equal(BridgeScenario.Ether, await BalanceAsync(rollups[0], recipient));
            Assert.Equal(UInt256.Zero, await BalanceAsync(rollups[1], recipient));
            Assert.True(events[^1].DepositCount == 1 || events.Any(e => e.DepositCount == 1));
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  checked {count} superbatches");
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail(e + "\n--- devnet output ---\n" + ExternalTools.Tail(log.ToString(), 6000));
        }
        finally
        {
            child?.Kill();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// With mining paused: a submit pending in anvil's mempool, then <see cref="SealedWhilePending"/> more superblocks
    /// sealed (the test used to sleep 4 s for both: 8 superblocks on a quiet machine, fewer or none under load).
    /// </summary>
    private static async Task PendingWhileSealingAsync(Watch watch)
    {
        Snapshot pending = await watch.UntilAsync("a submit pending in anvil's mempool", s => s.Pending > 0);
        await watch.UntilAsync($"{SealedWhilePending} more superblocks while the submit is pending", s => s.Head >= pending.Head + SealedWhilePending);
    }

    /// <summary>The sequencer's transactions in L1 blocks 0..<paramref name="head"/>: nonce, block, status, index.</summary>
    private static async Task<string> DescribeTransactionsAsync(JsonRpcL1Client l1, Address sequencer, ulong head)
    {
        var text = new StringBuilder();
        for (ulong b = 0; b <= head; b++)
        {
            JsonElement block = await l1.RequestAsync("eth_getBlockByNumber", ["0x" + b.ToString("x", CultureInfo.InvariantCulture), true]);
            foreach (JsonElement tx in block.GetProperty("transactions").EnumerateArray())
            {
                if (Address.FromHex(tx.GetProperty("from").GetString()!) != sequencer) continue;
                L1Receipt r = (await l1.GetReceiptAsync(Hash256.FromHex(tx.GetProperty("hash").GetString()!)))!;
                string input = tx.GetProperty("input").GetString()!;
                text.AppendLine($"  nonce {tx.GetProperty("nonce").GetString()} block {b} {(r.Succeeded ? "ok" : "REVERTED")} {r.Logs.Count} logs, input {input[..Math.Min(input.Length, 74)]}");
            }
        }
        return text.ToString();
    }

    private static (Uri[] Rollups, Address Inbox, Address Bridge) ReadDescription(string dir)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json")));
        JsonElement root = doc.RootElement;
        Uri[] rollups = [.. root.GetProperty("rollups").EnumerateArray().Select(r => new Uri(r.GetProperty("rpc").GetString()!))];
        JsonElement contracts = root.GetProperty("l1").GetProperty("contracts");
        return (rollups, Address.FromHex(contracts.GetProperty("SharedInbox").GetString()!), Address.FromHex(contracts.GetProperty("Bridge").GetString()!));
    }

    /// <summary>What the waits look at: the first rollup's head, the last block of it on L1, anvil's pending transactions.</summary>
    private readonly record struct Snapshot(ulong Head, ulong L1Last, int Pending);

    /// <summary>
    /// Polls the devnet and anvil. A wait lasts while there is progress (the head or the inbox moved within
    /// <see cref="StallLimit"/>); its failure says what it waited for, what it saw last and the devnet's output.
    /// </summary>
    private sealed class Watch(JsonRpcL1Client l1, Address inbox, StringBuilder log, ITestOutputHelper output, Stopwatch clock) : IDisposable
    {
        private JsonRpcL1Client? _rollup;
        private Snapshot _last;

        /// <summary>The first rollup's RPC (new after every restart).</summary>
        public Uri Rollup
        {
            set
            {
                _rollup?.Dispose();
                _rollup = new JsonRpcL1Client(value, TimeSpan.FromSeconds(5));
            }
        }

        /// <summary>Polls until <paramref name="done"/> holds and returns what it saw then.</summary>
        public async Task<Snapshot> UntilAsync(string what, Func<Snapshot, bool> done)
        {
            DateTime start = DateTime.UtcNow, moved = start;
            while (true)
            {
                if (DateTime.UtcNow - start > WaitLimit || DateTime.UtcNow - moved > StallLimit)
                    Assert.Fail($"waited {(DateTime.UtcNow - start).TotalSeconds:F0} s for {what}; last seen {_last}, last progress {(DateTime.UtcNow - moved).TotalSeconds:F0} s ago" +
                        "\n--- devnet output ---\n" + ExternalTools.Tail(log.ToString(), 6000));
                Snapshot? read = await ReadAsync();
                if (read is not { } now) { await Task.Delay(PollEvery); continue; } // the devnet's RPC is down between a kill and the restart
                if (done(now))
                {
                    output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {what}: {now} after {(DateTime.UtcNow - start).TotalSeconds:F1} s");
                    return now;
                }
                if (now.Head != _last.Head || now.L1Last != _last.L1Last) moved = DateTime.UtcNow;
                _last = now;
                await Task.Delay(PollEvery);
            }
        }

        /// <summary>All three read now, or null when one of them cannot be read.</summary>
        private async Task<Snapshot?> ReadAsync()
        {
            try
            {
                return new Snapshot(await _rollup!.GetBlockNumberAsync(), await L1LastBlockAsync(l1, inbox), await PendingAsync(l1));
            }
            catch (L1Exception) { return null; }
        }

        public void Dispose() => _rollup?.Dispose();
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

    /// <summary>Mines an anvil block every 0.3 s (evm_mine) until paused or disposed.</summary>
    private sealed class Miner : IAsyncDisposable
    {
        private readonly SemaphoreSlim _turn = new(1, 1); // held while a block is mined
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private volatile bool _paused;

        public Miner(JsonRpcL1Client anvil) => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await _turn.WaitAsync();
                try { if (!_paused) await anvil.RequestAsync("evm_mine", []); }
                catch (L1Exception) { }
                finally { _turn.Release(); }
                try { await Task.Delay(300, _stop.Token); } catch (OperationCanceledException) { }
            }
        });

        /// <summary>Returns once no block is being mined and none will be until <see cref="Resume"/>.</summary>
        public async Task PauseAsync()
        {
            await _turn.WaitAsync();
            _paused = true;
            _turn.Release();
        }

        public void Resume() => _paused = false;

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop;
            _stop.Dispose();
            _turn.Dispose();
        }
    }

    /// <summary>`dotnet lockstep.dll ...` ready once it prints "Devnet ready"; <see cref="Kill"/> is SIGKILL.</summary>
    private sealed class Child
    {
        private readonly Process _p;
        private bool _killed;

        private Child(Process p) => _p = p;

        /// <summary>
        /// Starts the CLI and waits (without blocking a test thread: other tests of the assembly run meanwhile) for
        /// "Devnet ready"; a loaded machine starts a dotnet process slowly, hence the generous <see cref="StartLimit"/>.
        /// </summary>
        public static async Task<Child> StartAsync(string[] args, StringBuilder log)
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
            var child = new Child(p);
            try
            {
                await ready.Task.WaitAsync(StartLimit);
            }
            catch (TimeoutException)
            {
                child.Kill();
                Assert.Fail($"no \"Devnet ready\" in {StartLimit.TotalSeconds:F0} s\n" + ExternalTools.Tail(log.ToString(), 6000));
            }
            return child;
        }

        /// <summary>SIGKILL (Process.Kill on Linux): no shutdown code runs. Idempotent.</summary>
        public void Kill()
        {
            if (_killed) return;
            _killed = true;
            try { if (!_p.HasExited) _p.Kill(); } catch (InvalidOperationException) { }
            _p.WaitForExit(10_000);
            _p.Dispose();
        }
    }
}
