using System.Numerics;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Testing;
using Lockstep.Trie;
using Nethereum.ABI;

namespace Lockstep.Rpc.Tests;

/// <summary>
/// A dapp's flow against the node with the ClientTestToken ERC20 (contracts/src/test): deploy, transfer, read, logs,
/// reverts (require string, custom error, Panic), estimateGas, state overrides, eth_getProof.
/// </summary>
public sealed class ContractTests : IAsyncLifetime
{
    private static readonly BigInteger Supply = BigInteger.Parse("1000000000000000000000000");
    private static readonly Address Bob = Address.FromHex("0x00000000000000000000000000000000000b0b00");
    private TestNode _node = null!;
    private Address _token;
    private string _deployer = "";

    public async Task InitializeAsync()
    {
        _node = await TestNode.Start();
        _deployer = TestNode.Accounts[0].Address.ToString();
        byte[] initCode = [.. ContractArtifact.Load("ClientTestToken").Bytecode, .. new ABIEncode().GetABIEncoded(Abi.Uint(Supply))];
        JsonElement receipt = await _node.SendAndWait(_node.Sign(0, null, 0, 0, initCode, gas: 3_000_000));
        Assert.Equal("0x1", receipt.Str("status"));
        // CREATE address = keccak(rlp([sender, nonce]))[12:], computed by Nethereum.
        string expected = Nethereum.Util.ContractUtils.CalculateContractAddress(_deployer, new BigInteger(0)).ToLowerInvariant();
        Assert.Equal(expected, receipt.Str("contractAddress"));
        _token = Address.FromHex(expected);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private Task<JsonElement> EthCall(byte[] data, object? block = null, object? overrides = null, ulong? gas = null)
    {
        var call = new Dictionary<string, object> { ["from"] = _deployer, ["to"] = _token.ToString(), ["data"] = Hex.Encode(data) };
        if (gas is ulong g) call["gas"] = "0x" + g.ToString("x");
        return overrides is null ? _node.Client.Call("eth_call", call, block ?? "latest") : _node.Client.Call("eth_call", call, block ?? "latest", overrides);
    }

    [Fact]
    public async Task Transfer_emits_a_log_that_receipts_getLogs_and_balanceOf_agree_on()
    {
        JsonElement receipt = await _node.SendAndWait(_node.Sign(0, _token, 0, 1, Abi.Call("transfer(address,uint256)", Abi.Address(Bob), Abi.Uint(250))));
        Assert.Equal("0x1", receipt.Str("status"));
        JsonElement log = receipt.GetProperty("logs")[0];
        string transfer = Abi.Topic("Transfer(address,address,uint256)");
        Assert.Equal(_token.ToString(), log.Str("address"));
        Assert.Equal(transfer, log.GetProperty("topics")[0].GetString());
        Assert.Equal(Abi.Hex32(TestNode.Accounts[0].Address), log.GetProperty("topics")[1].GetString());
        Assert.Equal(Abi.Hex32(Bob), log.GetProperty("topics")[2].GetString());
        Assert.Equal(Abi.Word(250), log.Str("data"));
        Assert.Equal(receipt.Str("blockHash"), log.Str("blockHash"));
        Assert.Equal(receipt.Str("transactionHash"), log.Str("transactionHash"));
        Assert.Equal("0x0", log.Str("logIndex"));

        Assert.Equal(Abi.Word(250), (await EthCall(Abi.Call("balanceOf(address)", Abi.Address(Bob)))).GetString());
        JsonElement blockReceipts = await _node.Client.Call("eth_getBlockReceipts", receipt.Str("blockNumber"));
        Assert.Equal(receipt.Str("transactionHash"), blockReceipts[0].Str("transactionHash"));
        Assert.Equal(Abi.Word(Supply - 250), (await EthCall(Abi.Call("balanceOf(address)", Abi.Address(TestNode.Accounts[0].Address)))).GetString());

        // Topic filters: position 0 exact, position 2 an OR list containing Bob; null is a wildcard.
        JsonElement logs = await _node.Client.Call("eth_getLogs", new { fromBlock = "0x0", toBlock = "latest", address = _token.ToString(), topics = new object?[] { transfer, null, new[] { Abi.Hex32(Bob), Abi.Hex32(Address.Zero) } } });
        Assert.Equal(1, logs.GetArrayLength());
        Assert.Equal(receipt.Str("transactionHash"), logs[0].Str("transactionHash"));
        // Both Transfer logs (the mint in the constructor and the transfer), by topic only.
        JsonElement all = await _node.Client.Call("eth_getLogs", new { fromBlock = "earliest", topics = new[] { transfer } });
        Assert.Equal(2, all.GetArrayLength());
        // An OR over event types, restricted to the transfer's block by hash.
        JsonElement byHash = await _node.Client.Call("eth_getLogs", new { blockHash = receipt.Str("blockHash"), topics = new[] { new[] { transfer, Abi.Topic("MarkerSet(address,uint256)") } } });
        Assert.Equal(1, byHash.GetArrayLength());
        JsonElement none = await _node.Client.Call("eth_getLogs", new { fromBlock = "0x0", address = Bob.ToString() });
        Assert.Equal(0, none.GetArrayLength());
    }

    [Fact]
    public async Task Reverts_carry_code_3_the_decoded_reason_and_the_revert_data()
    {
        // require(value != 0, "marker must be nonzero") -> Error(string) (Solidity ABI spec).
        byte[] errorData = [.. Abi.Selector("Error(string)"), .. new ABIEncode().GetABIEncoded(new ABIValue("string", "marker must be nonzero"))];
        byte[] setZero = Abi.Call("setMarker(uint256)", Abi.Uint(0));
        RpcError call = await Assert.ThrowsAsync<RpcError>(() => EthCall(setZero));
        Assert.Equal(3, call.Code);
        Assert.Equal("execution reverted: marker must be nonzero", call.RpcMessage);
        Assert.Equal(Hex.Encode(errorData), call.ErrorData);

        RpcError estimate = await _node.Client.Fails("eth_estimateGas", new { from = _deployer, to = _token.ToString(), data = Hex.Encode(setZero) });
        Assert.Equal(3, estimate.Code);
        Assert.Equal(Hex.Encode(errorData), estimate.ErrorData);

        // Checked arithmetic overflow: Panic(0x11).
        RpcError panic = await Assert.ThrowsAsync<RpcError>(() => EthCall(Abi.Call("add(uint256,uint256)", Abi.Uint(BigInteger.Pow(2, 256) - 1), Abi.Uint(1))));
        Assert.Equal(3, panic.Code);
        Assert.Equal(Hex.Encode([.. Abi.Selector("Panic(uint256)"), .. new ABIEncode().GetABIEncoded(Abi.Uint(0x11))]), panic.ErrorData);
        Assert.Contains("overflow", panic.RpcMessage);

        // A custom error is passed through as data with the bare message.
        RpcError custom = await Assert.ThrowsAsync<RpcError>(() => EthCall(Abi.Call("failCustom(uint256)", Abi.Uint(101))));
        Assert.Equal(3, custom.Code);
        Assert.Equal("execution reverted", custom.RpcMessage);
        Assert.StartsWith(Hex.Encode(Abi.Selector("LimitExceeded(address,uint256,uint256)")), custom.ErrorData);

        // A reverted transaction is still mined, with status 0.
        JsonElement receipt = await _node.SendAndWait(_node.Sign(0, _token, 0, 1, setZero, gas: 100_000));
        Assert.Equal("0x0", receipt.Str("status"));
        Assert.Equal(0, receipt.GetProperty("logs").GetArrayLength());
    }

    [Fact]
    public async Task EstimateGas_is_the_least_gas_that_succeeds()
    {
        byte[] set = Abi.Call("setMarker(uint256)", Abi.Uint(7));
        ulong estimate = (await _node.Client.Call("eth_estimateGas", new { from = _deployer, to = _token.ToString(), data = Hex.Encode(set) })).U64();
        // eth_call with exactly the estimate succeeds; one gas less does not (the search found the boundary).
        await EthCall(set, gas: estimate);
        await Assert.ThrowsAsync<RpcError>(() => EthCall(set, gas: estimate - 1));
        JsonElement receipt = await _node.SendAndWait(_node.Sign(0, _token, 0, 1, set, gas: estimate));
        Assert.Equal("0x1", receipt.Str("status"));
        // A plain transfer costs the intrinsic 21000 (Yellow Paper G_transaction).
        Assert.Equal(21000UL, (await _node.Client.Call("eth_estimateGas", new { from = _deployer, to = Bob.ToString(), value = "0x1" })).U64());
        RpcError poor = await _node.Client.Fails("eth_estimateGas", new { from = Bob.ToString(), to = _deployer, value = "0x1", maxFeePerGas = "0x3b9aca00" });
        Assert.Equal(-32000, poor.Code);
    }

    [Fact]
    public async Task State_overrides_change_balance_code_and_storage_for_the_call_only()
    {
        // ADDRESS BALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: returns its own balance.
        byte[] selfBalance = Hex.Decode("0x303160005260206000f3");
        var probe = Address.FromHex("0x0000000000000000000000000000000000c0ffee");
        var call = new { to = probe.ToString(), data = "0x" };
        var overrides = new Dictionary<string, object> { [probe.ToString()] = new { code = Hex.Encode(selfBalance), balance = "0x1234" } };
        Assert.Equal(Abi.Word(0x1234), (await _node.Client.Call("eth_call", call, "latest", overrides)).GetString());
        Assert.Equal("0x", (await _node.Client.Call("eth_getCode", probe.ToString(), "latest")).GetString());

        byte[] marker = Abi.Call("marker()");
        byte[] totalSupply = Abi.Call("totalSupply()");
        // stateDiff patches slot 5 (marker, per the contract's layout note) and keeps the rest.
        var diff = new Dictionary<string, object> { [_token.ToString()] = new { stateDiff = new Dictionary<string, string> { [Abi.Word(5)] = Abi.Word(42) } } };
        Assert.Equal(Abi.Word(42), (await EthCall(marker, overrides: diff)).GetString());
        Assert.Equal(Abi.Word(Supply), (await EthCall(totalSupply, overrides: diff)).GetString());
        // state replaces all storage: totalSupply (slot 2) reads zero.
        var state = new Dictionary<string, object> { [_token.ToString()] = new { state = new Dictionary<string, string> { [Abi.Word(5)] = Abi.Word(9) } } };
        Assert.Equal(Abi.Word(9), (await EthCall(marker, overrides: state)).GetString());
        Assert.Equal(Abi.Word(0), (await EthCall(totalSupply, overrides: state)).GetString());
        // Nothing stuck.
        Assert.Equal(Abi.Word(0), (await EthCall(marker)).GetString());
        var both = new Dictionary<string, object> { [_token.ToString()] = new { state = new { }, stateDiff = new { } } };
        Assert.Equal(-32602, (await Assert.ThrowsAsync<RpcError>(() => EthCall(marker, overrides: both))).Code);
    }

    [Fact]
    public async Task GetProof_verifies_against_the_block_state_root()
    {
        await _node.SendAndWait(_node.Sign(0, _token, 0, 1, Abi.Call("setMarker(uint256)", Abi.Uint(0x77)), gas: 200_000));
        JsonElement block = await _node.Client.Call("eth_getBlockByNumber", "latest", false);
        var stateRoot = Hash256.FromHex(block.Str("stateRoot"));
        JsonElement proof = await _node.Client.Call("eth_getProof", _token.ToString(), new[] { "0x5", Abi.Word(99) }, block.Str("number"));

        byte[][] accountNodes = [.. proof.GetProperty("accountProof").EnumerateArray().Select(n => Hex.Decode(n.GetString()!))];
        byte[] accountKey = new Nethereum.Util.Sha3Keccack().CalculateHash(_token.ToArray());
        byte[] account = PatriciaTrie.VerifyProof(stateRoot, accountKey, accountNodes)!;
        Assert.NotNull(account);
        // Yellow Paper 4.1: rlp([nonce, balance, storageRoot, codeHash]).
        var r = new RlpReader(account);
        r.ReadListHeader();
        Assert.Equal(proof.GetProperty("nonce").U64(), r.ReadUInt64());
        Assert.Equal(proof.GetProperty("balance").U256(), r.ReadUInt256());
        Hash256 storageRoot = r.ReadHash();
        Assert.Equal(proof.Str("storageHash"), storageRoot.ToString());
        Assert.Equal(proof.Str("codeHash"), r.ReadHash().ToString());
        byte[] code = Hex.Decode((await _node.Client.Call("eth_getCode", _token.ToString(), "latest")).GetString()!);
        Assert.Equal(Hex.Encode(new Nethereum.Util.Sha3Keccack().CalculateHash(code)), proof.Str("codeHash"));
        Assert.Equal(1UL, proof.GetProperty("nonce").U64()); // EIP-161: contracts start at nonce 1

        JsonElement slot5 = proof.GetProperty("storageProof")[0];
        Assert.Equal("0x77", slot5.Str("value"));
        Assert.Equal(Abi.Word(0x77), (await _node.Client.Call("eth_getStorageAt", _token.ToString(), "0x5", block.Str("number"))).GetString());
        Assert.Equal(Abi.Word(0), (await _node.Client.Call("eth_getStorageAt", _token.ToString(), "0x5", "0x1")).GetString());
        byte[] slotKey = new Nethereum.Util.Sha3Keccack().CalculateHash(Hex.Decode(Abi.Word(5)));
        byte[]? stored = PatriciaTrie.VerifyProof(storageRoot, slotKey, [.. slot5.GetProperty("proof").EnumerateArray().Select(n => Hex.Decode(n.GetString()!))]);
        Assert.Equal(new byte[] { 0x77 }, stored); // rlp(0x77) is the single byte 0x77 (Yellow Paper appendix B)

        JsonElement slot99 = proof.GetProperty("storageProof")[1];
        Assert.Equal("0x0", slot99.Str("value"));
        byte[] absentKey = new Nethereum.Util.Sha3Keccack().CalculateHash(Hex.Decode(Abi.Word(99)));
        Assert.Null(PatriciaTrie.VerifyProof(storageRoot, absentKey, [.. slot99.GetProperty("proof").EnumerateArray().Select(n => Hex.Decode(n.GetString()!))]));

        // A tampered proof fails.
        accountNodes[^1][^1] ^= 1;
        Assert.ThrowsAny<Exception>(() => PatriciaTrie.VerifyProof(stateRoot, accountKey, accountNodes));
    }
}
