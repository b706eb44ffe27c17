using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Settlement;

namespace Lockstep.Cli;

/// <summary>
/// The seed's scenario (shared-validity-sequencing.txt: "burn on A, mint on B, in the same superblock, or neither";
/// "a cross-rollup call"; "the roots on L1") run against a live devnet. Every step says what it does, then prints one
/// line per check ("ok" or "FAIL"); the expected values come from the step's own arithmetic (balances before plus or
/// minus the amount), the protocol text (PROTOCOL_SENDER, type 0x7F) and the L1 inbox, never from the devnet's summary.
/// </summary>
internal sealed class DemoScenario : IDisposable
{
    private static readonly UInt256 Ether = UInt256.Parse("1000000000000000000");
    private readonly IReadOnlyList<DemoChain> _rollups;
    private readonly DemoL1? _l1;
    private readonly DevAccount _admin, _user;
    private readonly TimeSpan _wait;
    private TextWriter _out = TextWriter.Null;
    private int _checks, _failures;
    private ulong _lastHeight;

    private DemoScenario(IReadOnlyList<DemoChain> rollups, DemoL1? l1, DevAccount admin, DevAccount user, TimeSpan wait)
    {
        _rollups = rollups;
        _l1 = l1;
        _admin = admin;
        _user = user;
        _wait = wait;
    }

    /// <summary>From a <c>devnet.json</c> (DevnetDescription): rollups, L1, dev account 0 (token admin) and 1 (the user).</summary>
    public static DemoScenario FromDescription(string json, TimeSpan wait)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        var rollups = new List<DemoChain>();
        foreach (JsonElement r in root.GetProperty("rollups").EnumerateArray())
            rollups.Add(new DemoChain(r.GetProperty("name").GetString()!, r.GetProperty("chainId").GetUInt64(), new Uri(r.GetProperty("rpc").GetString()!), wait));
        DemoL1? l1 = null;
        if (root.GetProperty("l1") is { ValueKind: JsonValueKind.Object } l)
            l1 = new DemoL1(new DemoChain("L1", l.GetProperty("chainId").GetUInt64(), new Uri(l.GetProperty("rpc").GetString()!), wait),
                Address.FromHex(l.GetProperty("contracts").GetProperty("SharedInbox").GetString()!));
        JsonElement accounts = root.GetProperty("devAccounts");
        if (accounts.GetArrayLength() < 2) throw new InvalidOperationException("devnet.json lists fewer than 2 dev accounts");
        return new DemoScenario(rollups, l1, Account(accounts[0]), Account(accounts[1]), wait);

        static DevAccount Account(JsonElement a) => new(Address.FromHex(a.GetProperty("address").GetString()!), Hex.Decode(a.GetProperty("privateKey").GetString()!));
    }

    /// <summary>From one rollup's URL: the set from <c>lockstep_rollups</c>, the L1 from <c>lockstep_l1</c>, keys from the mnemonic.</summary>
    public static async Task<DemoScenario> FromRpcAsync(Uri rpc, string mnemonic, TimeSpan wait)
    {
        using var first = new JsonRpcL1Client(rpc, TimeSpan.FromSeconds(10));
        JsonElement set = await first.RequestAsync("lockstep_rollups", []).ConfigureAwait(false);
        var rollups = new List<DemoChain>();
        foreach (JsonElement r in set.EnumerateArray())
            rollups.Add(new DemoChain(r.GetProperty("name").GetString()!, DemoChain.Quantity(r.GetProperty("chainId")), new Uri(r.GetProperty("rpc").GetString()!), wait));
        JsonElement l = await first.RequestAsync("lockstep_l1", []).ConfigureAwait(false);
        DemoL1? l1 = l.ValueKind != JsonValueKind.Object ? null
            : new DemoL1(new DemoChain("L1", DemoChain.Quantity(l.GetProperty("chainId")), new Uri(l.GetProperty("rpc").GetString()!), wait),
                Address.FromHex(l.GetProperty("contracts").GetProperty("SharedInbox").GetString()!));
        IReadOnlyList<DevAccount> keys = DevAccounts.Derive(mnemonic, 2);
        return new DemoScenario(rollups, l1, keys[0], keys[1], wait);
    }

    /// <summary>Runs every step, narrating to <paramref name="output"/>; true when every check held.</summary>
    public async Task<bool> RunAsync(TextWriter output)
    {
        _out = output;
        Say("lockstep demo: the seed's scenario on a running devnet");
        Say($"user {_user.Address} (dev account 1); token admin {_admin.Address} (dev account 0)");
        if (!await Step("0. The rollup set", "every rollup answers with the chain id the set gives it", CheckSet)) return Finish();
        DemoChain a = _rollups[0], b = _rollups[1];
        await Step($"1. Bridge 1000 LST from {a.Name} to {b.Name}",
            $"burn on {a.Name} through MintBurn; the sequencer mints on {b.Name} in the same superblock (one bundle, two legs)", () => BridgeLst(a, b));
        await Step($"2. Bridge 0.5 ETH from {a.Name} to {b.Name}",
            $"burnETH on {a.Name} locks ETH in MintBurn's reserve; {b.Name} pays it out of its reserve in the same superblock", () => BridgeEth(a, b));
        await Step($"3. A failing mint excludes its burn",
            $"the token admin pauses LST on {b.Name}; a burn on {a.Name} whose mint would fail is left out of the superblock entirely", () => FailingMint(a, b));
        await Step($"4. A cross-rollup call from {a.Name} to {b.Name}",
            $"Messenger.trigger on {a.Name} runs an action on {b.Name} in the same superblock; the target sees who called it and from where", () => CrossCall(a, b));
        await Step("5. The roots on L1",
            "the batch poster settles the superblocks on L1 in one transaction per superbatch; the claimed roots are the rollups' own", SettledOnL1);
        return Finish();
    }

    private bool Finish()
    {
        Say("");
        Say(_failures == 0 ? $"demo passed: {_checks} checks held" : $"demo FAILED: {_failures} of {_checks} checks failed");
        _out.Flush();
        return _failures == 0;
    }

    private async Task<bool> Step(string title, string what, Func<Task> body)
    {
        int before = _failures;
        Say("");
        Say(title);
        Say("  " + what);
        try { await body().ConfigureAwait(false); }
        catch (Exception e) when (e is L1Exception or TimeoutException or InvalidOperationException or KeyNotFoundException or FormatException or AbiException)
        {
            _checks++;
            _failures++;
            Say($"  FAIL  step stopped: {e.Message}");
        }
        return _failures == before;
    }

    private void Say(string line) => _out.WriteLine(line);

    private void Check(bool ok, string what, string? detail = null)
    {
        _checks++;
        if (!ok) _failures++;
        Say(ok ? $"  ok    {what}" : $"  FAIL  {what}{(detail is null ? "" : ": " + detail)}");
    }

    private void Equal<T>(T expected, T actual, string what) where T : IEquatable<T> =>
        Check(expected.Equals(actual), what, $"expected {expected}, got {actual}");

    private async Task CheckSet()
    {
        Check(_rollups.Count >= 2, $"{_rollups.Count} rollups in the set (at least 2)");
        if (_rollups.Count < 2) return;
        foreach (DemoChain r in _rollups)
        {
            ulong id = DemoChain.Quantity(await r.Request("eth_chainId"));
            Equal(r.ChainId, id, $"{r.Name} at {r.Url.ToString().TrimEnd('/')} is chain {r.ChainId}, head block {await r.BlockNumber()}");
        }
        if (_l1 is null) Say("  (no L1 in this devnet: step 5 will fail)");
        else Equal(_l1.Chain.ChainId, DemoChain.Quantity(await _l1.Chain.Request("eth_chainId")), $"L1 at {_l1.Chain.Url.ToString().TrimEnd('/')} is chain {_l1.Chain.ChainId}, inbox {_l1.Inbox}");
    }

    private async Task<UInt256> Lst(DemoChain r, Address who, string block = "latest") => await r.CallWord(DemoAbi.Lst, DemoAbi.BalanceOf(who), block);

    private async Task<UInt256> SupplyOfSet()
    {
        UInt256 total = UInt256.Zero;
        foreach (DemoChain r in _rollups) total += await r.CallWord(DemoAbi.Lst, DemoAbi.TotalSupply());
        return total;
    }

    private async Task BridgeLst(DemoChain a, DemoChain b)
    {
        UInt256 amount = Ether * new UInt256(1000);
        UInt256 onA = await Lst(a, _user.Address), onB = await Lst(b, _user.Address), supply = await SupplyOfSet();
        Say($"  before: {Units(onA)} LST on {a.Name}, {Units(onB)} LST on {b.Name}");
        Hash256 burn = await a.Send(_user, DemoAbi.MintBurn, DemoAbi.Burn(DemoAbi.Lst, amount, b.ChainId, _user.Address));
        JsonElement receipt = await a.Receipt(burn);
        Check(receipt.GetProperty("status").GetString() == "0x1", $"burn {burn} succeeded on {a.Name}");
        ulong height = DemoChain.Quantity(receipt.GetProperty("blockNumber"));
        JsonElement legB = await CheckBundle(a, b, burn, height, "mint");
        Hash256 mint = Hash256.FromHex(legB.GetProperty("transactionHash").GetString()!);
        JsonElement mintTx = await b.Request("eth_getTransactionByHash", mint.ToString());
        Check(mintTx.ValueKind == JsonValueKind.Object && Address.FromHex(mintTx.GetProperty("from").GetString()!) == DemoAbi.ProtocolSender
            && mintTx.GetProperty("type").GetString() == "0x7f", $"the mint on {b.Name} is a protocol transaction (type 0x7F from PROTOCOL_SENDER {DemoAbi.ProtocolSender})");
        UInt256 onA2 = await Lst(a, _user.Address), onB2 = await Lst(b, _user.Address);
        Say($"  after:  {Units(onA2)} LST on {a.Name}, {Units(onB2)} LST on {b.Name}");
        Check(onA2 == onA - amount, $"{a.Name} balance down by 1000 LST", $"{Units(onA)} -> {Units(onA2)}");
        Check(onB2 == onB + amount, $"{b.Name} balance up by 1000 LST", $"{Units(onB)} -> {Units(onB2)}");
        Check(await SupplyOfSet() == supply, "LST supply over the set unchanged (burned on one rollup = minted on the other)");
    }

    /// <summary>
    /// The user transaction <paramref name="hash"/> on <paramref name="a"/> was included with exactly one leg on
    /// <paramref name="b"/> at the same height, and the superblock of that height holds both blocks; returns that leg.
    /// </summary>
    private async Task<JsonElement> CheckBundle(DemoChain a, DemoChain b, Hash256 hash, ulong height, string legName)
    {
        JsonElement status = await a.Status(hash);
        Equal("included", status.GetProperty("status").GetString()!, "lockstep_getMessageStatus says included");
        JsonElement legs = status.GetProperty("legs");
        Equal(2, legs.GetArrayLength(), $"the bundle has two legs (the transaction on {a.Name}, the {legName} on {b.Name})");
        JsonElement leg = default;
        foreach (JsonElement l in legs.EnumerateArray())
            if (DemoChain.Quantity(l.GetProperty("chainId")) == b.ChainId) leg = l;
        if (leg.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"no leg on {b.Name} in {legs}");
        JsonElement legReceipt = await b.Receipt(Hash256.FromHex(leg.GetProperty("transactionHash").GetString()!));
        Check(legReceipt.GetProperty("status").GetString() == "0x1", $"the {legName} {leg.GetProperty("transactionHash").GetString()} succeeded on {b.Name}");
        Equal(height, DemoChain.Quantity(legReceipt.GetProperty("blockNumber")), $"the {legName} is in {b.Name}'s block {height}, the same height as the transaction on {a.Name}");
        JsonElement sb = await a.Request("lockstep_getSuperblock", DemoChain.Tag(height));
        var hashes = new Dictionary<ulong, string>();
        foreach (JsonElement blk in sb.GetProperty("blocks").EnumerateArray()) hashes[DemoChain.Quantity(blk.GetProperty("chainId"))] = blk.GetProperty("hash").GetString()!;
        JsonElement rA = await a.Receipt(hash);
        Check(hashes.GetValueOrDefault(a.ChainId) == rA.GetProperty("blockHash").GetString() && hashes.GetValueOrDefault(b.ChainId) == legReceipt.GetProperty("blockHash").GetString(),
            $"superblock {height} holds both blocks (lockstep_getSuperblock)");
        _lastHeight = Math.Max(_lastHeight, height);
        return leg;
    }

    private async Task BridgeEth(DemoChain a, DemoChain b)
    {
        UInt256 amount = Ether / new UInt256(2);
        UInt256 onA = await a.Balance(_user.Address), onB = await b.Balance(_user.Address);
        Say($"  before: {Units(onA)} ETH on {a.Name}, {Units(onB)} ETH on {b.Name}");
        Hash256 burn = await a.Send(_user, DemoAbi.MintBurn, DemoAbi.BurnEth(b.ChainId, _user.Address), amount);
        JsonElement receipt = await a.Receipt(burn);
        Check(receipt.GetProperty("status").GetString() == "0x1", $"burnETH {burn} succeeded on {a.Name}");
        ulong height = DemoChain.Quantity(receipt.GetProperty("blockNumber"));
        await CheckBundle(a, b, burn, height, "payout");
        // The sender also pays the fee on A: gasUsed x effectiveGasPrice from its receipt.
        UInt256 fee = new UInt256(DemoChain.Quantity(receipt.GetProperty("gasUsed"))) * UInt256.Parse(receipt.GetProperty("effectiveGasPrice").GetString()!);
        UInt256 onA2 = await a.Balance(_user.Address), onB2 = await b.Balance(_user.Address);
        Say($"  after:  {Units(onA2)} ETH on {a.Name}, {Units(onB2)} ETH on {b.Name} (fee on {a.Name}: {fee} wei)");
        Check(onA2 == onA - amount - fee, $"{a.Name} balance down by 0.5 ETH plus the fee");
        Check(onB2 == onB + amount, $"{b.Name} balance up by exactly 0.5 ETH");
    }

    private async Task FailingMint(DemoChain a, DemoChain b)
    {
        await AdminPause(b, true);
        try
        {
            UInt256 lst = await Lst(a, _user.Address), eth = await a.Balance(_user.Address);
            ulong nonce = await a.Nonce(_user.Address);
            Hash256 burn = await a.Send(_user, DemoAbi.MintBurn, DemoAbi.Burn(DemoAbi.Lst, Ether * new UInt256(5), b.ChainId, _user.Address), nonce: nonce);
            Say($"  sent burn {burn} of 5 LST to {b.Name} (nonce {nonce})");
            JsonElement status = await a.Status(burn);
            Equal("rejected", status.GetProperty("status").GetString()!, "lockstep_getMessageStatus says rejected");
            string reason = status.GetProperty("reason").GetString() ?? "";
            Say($"  reason: {reason}");
            Check(reason.Contains("MintPaused", StringComparison.Ordinal), "the reason names the failing mint (MintPaused)", reason);
            JsonElement failed = status.GetProperty("failedLeg");
            Check(failed.ValueKind == JsonValueKind.Object && DemoChain.Quantity(failed.GetProperty("chainId")) == b.ChainId, $"the failed leg is on {b.Name}");
            Check(await a.ReceiptNow(burn) is null, $"the burn has no receipt on {a.Name}: it is in no block");
            Equal(nonce, await a.Nonce(_user.Address), $"the user's nonce on {a.Name} is unchanged ({nonce}): the same nonce can be sent again");
            Check(await Lst(a, _user.Address) == lst, $"the user's LST on {a.Name} is unchanged ({Units(lst)})");
            Check(await a.Balance(_user.Address) == eth, $"the user's ETH on {a.Name} is unchanged: no fee for a rejected bundle");
        }
        finally
        {
            await AdminPause(b, false);
        }
    }

    private async Task AdminPause(DemoChain r, bool paused)
    {
        Hash256 h = await r.Send(_admin, DemoAbi.Lst, DemoAbi.SetPaused(paused), gas: 100_000);
        JsonElement receipt = await r.Receipt(h);
        Check(receipt.GetProperty("status").GetString() == "0x1", $"token admin {(paused ? "paused" : "unpaused")} LST on {r.Name}");
    }

    private async Task CrossCall(DemoChain a, DemoChain b)
    {
        byte[] code = ProbeCode();
        Hash256 deploy = await b.Send(_user, null, code, gas: 1_000_000);
        JsonElement deployed = await b.Receipt(deploy);
        Address probe = Address.FromHex(deployed.GetProperty("contractAddress").GetString()!);
        Say($"  deployed a probe contract on {b.Name} at {probe} (contracts/src/devnet-test/DevnetE2eProbe.sol: records messageSender() and messageSourceChainId())");
        ulong value = (ulong)Random.Shared.Next(1, 1_000_000);
        Hash256 trigger = await a.Send(_user, DemoAbi.Messenger, DemoAbi.Trigger(b.ChainId, probe, DemoAbi.Record(value), 200_000));
        JsonElement receipt = await a.Receipt(trigger);
        Check(receipt.GetProperty("status").GetString() == "0x1", $"trigger {trigger} succeeded on {a.Name}");
        ulong height = DemoChain.Quantity(receipt.GetProperty("blockNumber"));
        await CheckBundle(a, b, trigger, height, "action");
        Address sender = Address.FromUInt256(await b.CallWord(probe, DemoAbi.NoArgs("lastSender()")));
        Equal(_user.Address, sender, $"on {b.Name}, Messenger.messageSender() was the user on {a.Name}");
        Equal(new UInt256(a.ChainId), await b.CallWord(probe, DemoAbi.NoArgs("lastSource()")), $"on {b.Name}, messageSourceChainId() was {a.ChainId}");
        Equal(new UInt256(value), await b.CallWord(probe, DemoAbi.NoArgs("lastValue()")), $"the action carried its argument ({value})");
    }

    private async Task SettledOnL1()
    {
        if (_l1 is null) throw new InvalidOperationException("this devnet runs without an L1 (--no-l1): nothing is settled");
        DemoChain l1 = _l1.Chain;
        DemoChain a = _rollups[0];
        ulong height = Math.Max(_lastHeight, await a.BlockNumber());
        Say($"  waiting for a superbatch that covers height {height} (the poster posts at least every few seconds)");
        TimeSpan budget = _wait * 4;
        ulong index = 0;
        bool covered = false;
        for (DateTime end = DateTime.UtcNow + budget; !covered;)
        {
            ulong count = (ulong)await l1.CallWord(_l1.Inbox, SharedInbox.SuperbatchCount());
            if (count > 0)
            {
                index = count - 1;
                covered = await l1.CallWord(_l1.Inbox, SharedInbox.LastBlockOf(index, a.ChainId)) >= new UInt256(height);
            }
            if (!covered)
            {
                if (DateTime.UtcNow > end) throw new TimeoutException($"no superbatch covers height {height} after {budget.TotalSeconds} s (superbatchCount {count})");
                await Task.Delay(250);
            }
        }
        SuperbatchRecord record = SharedInbox.DecodeSuperbatch(await l1.Call(_l1.Inbox, SharedInbox.Superbatch(index)));
        ulong window = (ulong)await l1.CallWord(_l1.Inbox, DemoAbi.ChallengeWindow());
        string tx = await SubmissionTx(l1, index) ?? "(log not found)";
        Say($"  superbatch #{index}: L1 transaction {tx}, submitted {Time(record.SubmittedAt)}, final after {Time(record.SubmittedAt + window)} (window {window} s)");
        // Every rollup's claimed root must be its own block's state root at the last block the superbatch covers.
        var covers = new Dictionary<ulong, ulong>();
        foreach (DemoChain r in _rollups)
        {
            ulong last = (ulong)await l1.CallWord(_l1.Inbox, SharedInbox.LastBlockOf(index, r.ChainId));
            covers[r.ChainId] = last;
            Hash256 claimed = new((await l1.Call(_l1.Inbox, SharedInbox.StateRootOf(index, r.ChainId))).AsSpan(0, 32));
            JsonElement block = await r.Block(last);
            string root = block.GetProperty("stateRoot").GetString()!;
            Say($"  {r.Name}: L1 claims {claimed} after block {last}; {r.Name}'s block {last} has {root}");
            Check(Hash256.FromHex(root) == claimed, $"{r.Name}: the root on L1 is the rollup's state root");
        }
        // The cross-rollup invariant the L1 fraud proof checks: outboxRoot(B) on A == inboxRoot(A) on B at those blocks.
        foreach (DemoChain x in _rollups)
            foreach (DemoChain y in _rollups)
            {
                if (x == y) continue;
                UInt256 outbox = await x.CallWord(DemoAbi.MessageTrees, DemoAbi.OutboxRoot(y.ChainId), DemoChain.Tag(covers[x.ChainId]));
                UInt256 inbox = await y.CallWord(DemoAbi.MessageTrees, DemoAbi.InboxRoot(x.ChainId), DemoChain.Tag(covers[y.ChainId]));
                Check(outbox == inbox, $"outboxRoot({y.Name}) on {x.Name} == inboxRoot({x.Name}) on {y.Name} = " +
                    (outbox.IsZero ? "zero (no message yet)" : Hash256.FromUInt256(outbox).ToString()),
                    $"{Hash256.FromUInt256(outbox)} vs {Hash256.FromUInt256(inbox)}");
                // The demo itself sent messages A -> B: that pair's roots cannot be empty.
                if (x == _rollups[0] && y == _rollups[1]) Check(!outbox.IsZero, $"{x.Name} -> {y.Name} carries this demo's messages (non-zero root)");
            }
        bool final = !(await l1.CallWord(_l1.Inbox, SharedInbox.IsFinalized(index))).IsZero;
        Say($"  finality: {(final ? "final" : "pending until the challenge window ends")}");
    }

    private async Task<string?> SubmissionTx(DemoChain l1, ulong index)
    {
        var filter = new Dictionary<string, object>
        {
            ["address"] = _l1!.Inbox.ToString(),
            ["fromBlock"] = "0x0",
            ["toBlock"] = "latest",
            ["topics"] = new object[] { SuperbatchSubmittedEvent.Topic.ToString(), Hash256.FromUInt256(new UInt256(index)).ToString() },
        };
        JsonElement logs = await l1.Request("eth_getLogs", filter);
        string? tx = null;
        foreach (JsonElement log in logs.EnumerateArray()) tx = log.GetProperty("transactionHash").GetString();
        return tx;
    }

    /// <summary>The probe's creation code, embedded from contracts/artifacts/DevnetE2eProbe.json at build time.</summary>
    private static byte[] ProbeCode()
    {
        using Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Lockstep.Cli.DevnetE2eProbe.json")
            ?? throw new InvalidOperationException("the probe artifact is not embedded in the CLI");
        using JsonDocument doc = JsonDocument.Parse(s);
        return Hex.Decode(doc.RootElement.GetProperty("bytecode").GetString()!);
    }

    private static string Time(ulong unix) => DateTimeOffset.FromUnixTimeSeconds((long)unix).UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>An 18-decimal amount as a decimal string with up to 4 fraction digits.</summary>
    private static string Units(UInt256 v)
    {
        BigInteger x = (BigInteger)v;
        BigInteger one = BigInteger.Pow(10, 18);
        BigInteger whole = BigInteger.DivRem(x, one, out BigInteger frac);
        string f = (frac * 10_000 / one).ToString("D4", CultureInfo.InvariantCulture).TrimEnd('0');
        return whole.ToString("N0", CultureInfo.InvariantCulture) + (f.Length > 0 ? "." + f : "");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (DemoChain r in _rollups) r.Dispose();
        _l1?.Chain.Dispose();
    }
}
