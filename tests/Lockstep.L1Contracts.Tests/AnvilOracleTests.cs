using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.L1Contracts.Tests;

/// <summary>anvil 1.7.1 (from npm, started here on a free loopback port) as a real L1 node and independent EVM.</summary>
internal sealed class Anvil : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();
    private int _id;

    /// <summary>anvil's first dev accounts (the standard test mnemonic), unlocked for eth_sendTransaction.</summary>
    public static readonly Address[] Accounts =
    [
        Address.FromHex("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        Address.FromHex("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        Address.FromHex("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
    ];

    public Uri Url { get; }

    public Anvil(string hardfork)
    {
        string binary = Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        _process = Process.Start(new ProcessStartInfo(binary, ["--host", "127.0.0.1", "--port", "0", "--hardfork", hardfork])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("anvil did not start");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            string? line = _process.StandardOutput.ReadLine();
            if (line is null || DateTime.UtcNow > deadline) throw new InvalidOperationException("anvil exited before listening");
            Match m = Regex.Match(line, @"Listening on (127\.0\.0\.1:\d+)");
            if (m.Success)
            {
                Url = new Uri("http://" + m.Groups[1].Value);
                break;
            }
        }
        _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null); // keep draining so anvil never blocks on its pipe
    }

    public JsonElement Rpc(string method, params object[] args)
    {
        var request = new { jsonrpc = "2.0", id = ++_id, method, @params = args };
        using HttpResponseMessage response = _http.PostAsJsonAsync(Url, request).GetAwaiter().GetResult();
        JsonElement body = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
        if (body.TryGetProperty("error", out JsonElement error)) throw new AnvilRpcException(error);
        return body.GetProperty("result").Clone();
    }

    /// <summary>Sends a transaction from an unlocked account with an explicit gas limit and returns its (mined) receipt.</summary>
    public JsonElement Send(Address from, Address? to, byte[] data, UInt256 value = default)
    {
        var tx = new Dictionary<string, string> { ["from"] = from.ToString(), ["data"] = Hex.Encode(data), ["gas"] = "0x1c9c380", ["value"] = "0x" + Convert.ToHexString(value.ToBigEndianTrimmed()).TrimStart('0').PadLeft(1, '0') };
        if (to is Address t) tx["to"] = t.ToString();
        string hash = Rpc("eth_sendTransaction", tx).GetString()!;
        // anvil automines, but the receipt can lag the send by a moment.
        for (int attempt = 0; ; attempt++)
        {
            JsonElement receipt = Rpc("eth_getTransactionReceipt", hash);
            if (receipt.ValueKind == JsonValueKind.Object) return receipt;
            if (attempt == 100) throw new InvalidOperationException($"no receipt for {hash}");
            Thread.Sleep(50);
        }
    }

    public static bool Succeeded(JsonElement receipt) => receipt.GetProperty("status").GetString() == "0x1";

    public static ulong GasUsed(JsonElement receipt) => Convert.ToUInt64(receipt.GetProperty("gasUsed").GetString(), 16);

    public static Address ContractAddress(JsonElement receipt) => Address.FromHex(receipt.GetProperty("contractAddress").GetString()!);

    public static IEnumerable<(Hash256[] Topics, byte[] Data)> Logs(JsonElement receipt)
    {
        foreach (JsonElement log in receipt.GetProperty("logs").EnumerateArray())
            yield return (log.GetProperty("topics").EnumerateArray().Select(t => Hash256.FromHex(t.GetString()!)).ToArray(), Hex.Decode(log.GetProperty("data").GetString()!));
    }

    public byte[] Call(Address to, byte[] data) =>
        Hex.Decode(Rpc("eth_call", new Dictionary<string, string> { ["to"] = to.ToString(), ["data"] = Hex.Encode(data) }, "latest").GetString()!);

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
        _http.Dispose();
    }
}

internal sealed class AnvilRpcException(JsonElement error) : Exception(error.ToString())
{
    public JsonElement Error { get; } = error;
}

/// <summary>
/// The settlement and fraud-proof flow on anvil, a real L1 node with an independent EVM (revm): the same calldata
/// succeeds or reverts the same way there, and uses the same gas as on our EVM (Cancun rules on both).
/// </summary>
public class AnvilOracleTests
{
    [Fact]
    public void Submit_challenge_and_resubmission_behave_and_cost_the_same_on_anvil()
    {
        using var anvil = new Anvil("cancun");
        Address deployer = Anvil.Accounts[0], sequencer = Anvil.Accounts[1], challenger = Anvil.Accounts[2];
        var ids = new ulong[] { 101, 102 };
        const ulong window = 3600;

        Address Deploy(string name, byte[] args)
        {
            JsonElement receipt = anvil.Send(deployer, null, [.. ContractArtifact.Load(name).Bytecode, .. args]);
            Assert.True(Anvil.Succeeded(receipt));
            return Anvil.ContractAddress(receipt);
        }
        Address registry = Deploy("L1SequencerRegistry", SequencerRegistry.EncodeConstructorArgs(L1Fixture.MinBond, window, 1000, L1Fixture.RewardBps));
        Address inbox = Deploy("L1SharedInbox", new SharedInboxConfig(registry, ids, window).EncodeConstructorArgs());
        Address bridge = Deploy("L1Bridge", Bridge.EncodeConstructorArgs(inbox, L1Fixture.L2Withdrawals, L1Fixture.WithdrawalsBaseSlot));
        Assert.True(Anvil.Succeeded(anvil.Send(deployer, registry, SequencerRegistry.SetInbox(inbox))));
        Assert.True(Anvil.Succeeded(anvil.Send(deployer, inbox, SharedInbox.SetDepositQueue(bridge))));
        Assert.True(Anvil.Succeeded(anvil.Send(sequencer, registry, SequencerRegistry.Bond(), L1Fixture.MinBond)));

        // The same flow on our EVM, for the gas comparison.
        var ours = new L1Fixture(chainIds: ids, window: window);
        ours.Bond(L1Fixture.SequencerA);

        var honest = new RollupSet(ids, seed: 1);
        var bad = new RollupSet(ids, seed: 2).ForgeInbox(1, 0, Keccak256.EmptyHash);
        var s0 = new SuperbatchSubmission(0, Hash256.Zero, 0, [new RollupBatch(1, 5, honest.Roots[0], new byte[700]), new RollupBatch(1, 5, honest.Roots[1], [1, 2, 3])]);
        JsonElement r0 = anvil.Send(sequencer, inbox, s0.EncodeCalldata());
        Assert.True(Anvil.Succeeded(r0));
        TransactionResult o0 = ours.Submit(L1Fixture.SequencerA, s0);
        L1Fixture.Ok(o0);
        Assert.Equal((ulong)o0.GasUsed, Anvil.GasUsed(r0));

        var (topics, data) = Assert.Single(Anvil.Logs(r0));
        Assert.True(SuperbatchSubmittedEvent.TryDecode(topics, data, out SuperbatchSubmittedEvent? e));
        Hash256 hash0 = s0.ComputeHash(ids, Hash256.Zero);
        Assert.Equal(hash0, e!.SuperbatchHash);
        Assert.Equal(honest.Roots[1], e.Rollups[1].StateRoot);

        // A non-leader cannot submit; the revert reason is the same custom error.
        var s1 = new SuperbatchSubmission(1, hash0, 0, [new RollupBatch(6, 9, bad.Roots[0], [9]), new RollupBatch(6, 9, bad.Roots[1], [8])]);
        var notLeader = Assert.Throws<AnvilRpcException>(() => anvil.Call(inbox, s1.EncodeCalldata()));
        Assert.Contains(Convert.ToHexString(AbiValue.Selector("NotLeader(address)")).ToLowerInvariant(), notLeader.Error.ToString());

        JsonElement r1 = anvil.Send(sequencer, inbox, s1.EncodeCalldata());
        Assert.True(Anvil.Succeeded(r1));
        L1Fixture.Ok(ours.Submit(L1Fixture.SequencerA, s1));

        // Bogus challenge (equal roots on the honest superbatch) reverts; the real one succeeds at the same gas.
        var equal = Assert.Throws<AnvilRpcException>(() => anvil.Call(inbox, honest.Challenge(0, 0, 1)));
        Assert.Contains(Convert.ToHexString(AbiValue.Selector("RootsEqual(bytes32)")).ToLowerInvariant(), equal.Error.ToString());
        UInt256 before = UInt256.Parse(anvil.Rpc("eth_getBalance", challenger.ToString(), "latest").GetString()!);
        JsonElement c = anvil.Send(challenger, inbox, bad.Challenge(1, 0, 1));
        Assert.True(Anvil.Succeeded(c));
        TransactionResult oc = ours.Send(L1Fixture.Challenger, ours.Inbox, bad.Challenge(1, 0, 1));
        L1Fixture.Ok(oc);
        Assert.Equal((ulong)oc.GasUsed, Anvil.GasUsed(c));
        Assert.Equal(new UInt256(1), new UInt256(anvil.Call(inbox, SharedInbox.SuperbatchCount())));
        UInt256 after = UInt256.Parse(anvil.Rpc("eth_getBalance", challenger.ToString(), "latest").GetString()!);
        UInt256 fee = new UInt256(Anvil.GasUsed(c)) * UInt256.Parse(c.GetProperty("effectiveGasPrice").GetString()!);
        Assert.Equal(before - fee + L1Fixture.MinBond / new UInt256(2), after); // half the bond, as rewardBps says
        Assert.Equal(Address.Zero, Address.FromUInt256(new UInt256(anvil.Call(registry, SequencerRegistry.CurrentLeader()))));
    }
}

/// <summary>
/// L1MerkleTrieVerifier against proofs produced by another implementation: anvil's eth_getProof (EIP-1186) for the
/// ERC20 balances of L1LockstepToken (OpenZeppelin 5: <c>_balances</c> is the mapping at slot 0).
/// </summary>
public class AnvilProofTests
{
    private static List<byte[]> Nodes(JsonElement array) => array.EnumerateArray().Select(n => Hex.Decode(n.GetString()!)).ToList();

    [Fact]
    public void Proofs_from_anvil_verify_for_present_and_absent_slots_and_accounts()
    {
        using var anvil = new Anvil("cancun");
        Address holder = Anvil.Accounts[0];
        JsonElement deployed = anvil.Send(holder, null, [.. ContractArtifact.Load("L1LockstepToken").Bytecode, .. AbiValue.Encode(AbiValue.Uint(new UInt256(1_000_000)))]);
        Address token = Anvil.ContractAddress(deployed);
        for (int i = 1; i <= 20; i++) // more holders: a storage trie with branches
        {
            Address to = Address.FromUInt256(new UInt256(0x1000UL + (ulong)i));
            Assert.True(Anvil.Succeeded(anvil.Send(holder, token, AbiValue.EncodeCall("transfer(address,uint256)", AbiValue.Address(to), AbiValue.Uint(new UInt256((ulong)i * 7))))));
        }
        Hash256 stateRoot = Hash256.FromHex(anvil.Rpc("eth_getBlockByNumber", "latest", false).GetProperty("stateRoot").GetString()!);

        var chain = new ContractHarness();
        Address caller = Address.FromHex("0x0000000000000000000000000000000000000123");
        Address probe = chain.Deploy(caller, ContractArtifact.Load("L1TrieVerifierProbe"));

        UInt256 ProveOnOurEvm(Address account, Hash256 slot)
        {
            JsonElement proof = anvil.Rpc("eth_getProof", account.ToString(), new[] { Hex.Encode(slot.ToArray()) }, "latest");
            List<byte[]> accountProof = Nodes(proof.GetProperty("accountProof"));
            List<byte[]> storageProof = Nodes(proof.GetProperty("storageProof")[0].GetProperty("proof"));
            TransactionResult r = chain.Call(caller, probe, AbiValue.EncodeCall("proveStorageSlot(bytes32,address,bytes32,bytes[],bytes[])",
                AbiValue.Bytes32(stateRoot), AbiValue.Address(account), AbiValue.Bytes32(slot), AbiValue.BytesArray(accountProof), AbiValue.BytesArray(storageProof)));
            L1Fixture.Ok(r);
            UInt256 proven = new(r.Output.AsSpan(0, 32));
            Assert.Equal(UInt256.Parse(proof.GetProperty("storageProof")[0].GetProperty("value").GetString()!), proven);
            return proven;
        }

        for (int i = 1; i <= 20; i += 3)
        {
            Address to = Address.FromUInt256(new UInt256(0x1000UL + (ulong)i));
            Assert.Equal(new UInt256((ulong)i * 7), ProveOnOurEvm(token, StorageSlots.Mapping(to.ToUInt256(), UInt256.Zero)));
        }
        ulong sent = 0;
        for (ulong i = 1; i <= 20; i++) sent += i * 7;
        Assert.Equal(new UInt256(1_000_000 - sent), ProveOnOurEvm(token, StorageSlots.Mapping(holder.ToUInt256(), UInt256.Zero)));
        Assert.Equal(new UInt256(1_000_000), ProveOnOurEvm(token, Hash256.FromUInt256(new UInt256(2)))); // _totalSupply
        Assert.Equal(UInt256.Zero, ProveOnOurEvm(token, StorageSlots.Mapping(new UInt256(0xdead), UInt256.Zero))); // absent slot
        Assert.Equal(UInt256.Zero, ProveOnOurEvm(Address.FromHex("0x00000000000000000000000000000000000f00d5"), Hash256.Zero)); // absent account
        Assert.Equal(UInt256.Zero, ProveOnOurEvm(holder, Hash256.Zero)); // an EOA: empty storage trie
    }
}
