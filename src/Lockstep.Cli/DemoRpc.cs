using System.Globalization;
using System.Text.Json;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Settlement;
using Lockstep.Transactions;

namespace Lockstep.Cli;

/// <summary>One chain the demo talks to over JSON-RPC (a rollup of the set, or the L1): reads, signed sends, polls.</summary>
internal sealed class DemoChain(string name, ulong chainId, Uri url, TimeSpan wait) : IDisposable
{
    private readonly JsonRpcL1Client _rpc = new(url, TimeSpan.FromSeconds(30));

    /// <summary>rollup-a, rollup-b, ..., or "L1".</summary>
    public string Name { get; } = name;

    /// <summary>The chain id (devnet.json or <c>lockstep_rollups</c>; checked against <c>eth_chainId</c>).</summary>
    public ulong ChainId { get; } = chainId;

    /// <summary>The RPC URL.</summary>
    public Uri Url { get; } = url;

    /// <summary>One raw request.</summary>
    public Task<JsonElement> Request(string method, params object[] args) => _rpc.RequestAsync(method, args);

    /// <summary><c>eth_call</c> at <paramref name="block"/>; a revert throws <see cref="L1Exception"/> with its data.</summary>
    public async Task<byte[]> Call(Address to, byte[] data, string block = "latest") =>
        Hex.Decode((await Request("eth_call", new Dictionary<string, string> { ["to"] = to.ToString(), ["data"] = Hex.Encode(data) }, block)).GetString()!);

    /// <summary>The first word an <c>eth_call</c> returns.</summary>
    public async Task<UInt256> CallWord(Address to, byte[] data, string block = "latest")
    {
        byte[] r = await Call(to, data, block);
        return r.Length >= 32 ? new UInt256(r.AsSpan(0, 32)) : throw new InvalidOperationException($"{Name}: call to {to} returned {r.Length} bytes, not a word");
    }

    /// <summary>ETH balance at <paramref name="block"/>.</summary>
    public async Task<UInt256> Balance(Address who, string block = "latest") => UInt256.Parse((await Request("eth_getBalance", who.ToString(), block)).GetString()!);

    /// <summary>The account's nonce after the latest block.</summary>
    public async Task<ulong> Nonce(Address who) => Quantity(await Request("eth_getTransactionCount", who.ToString(), "latest"));

    /// <summary>The head's number.</summary>
    public async Task<ulong> BlockNumber() => Quantity(await Request("eth_blockNumber"));

    /// <summary>Block <paramref name="number"/> (header fields only).</summary>
    public async Task<JsonElement> Block(ulong number) => await Request("eth_getBlockByNumber", Tag(number), false);

    /// <summary>
    /// Signs (EIP-1559, our own secp256k1) and sends a transaction from <paramref name="from"/> with an explicit gas
    /// limit (nothing estimated: a bundle that is rejected must not be refused up front); returns its hash.
    /// </summary>
    public async Task<Hash256> Send(DevAccount from, Address? to, byte[] data, UInt256 value = default, ulong gas = 1_000_000, ulong? nonce = null)
    {
        L1FeeData fees = await _rpc.GetFeeDataAsync();
        var tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(ChainId), Nonce = nonce ?? await Nonce(from.Address),
            MaxPriorityFeePerGas = fees.PriorityFee, MaxFeePerGas = fees.BaseFee * new UInt256(2) + fees.PriorityFee,
            GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(from.PrivateKey);
        return await _rpc.SendRawTransactionAsync(tx.Encode());
    }

    /// <summary>The receipt of <paramref name="hash"/>, polled until it exists; throws after the wait.</summary>
    public async Task<JsonElement> Receipt(Hash256 hash)
    {
        for (DateTime end = DateTime.UtcNow + wait; ;)
        {
            JsonElement r = await Request("eth_getTransactionReceipt", hash.ToString());
            if (r.ValueKind == JsonValueKind.Object) return r;
            if (DateTime.UtcNow > end)
                throw new TimeoutException($"no receipt for {hash} on {Name} within {wait.TotalSeconds} s; status {await Request("lockstep_getMessageStatus", hash.ToString())}");
            await Task.Delay(50);
        }
    }

    /// <summary>The receipt of <paramref name="hash"/> now, or null.</summary>
    public async Task<JsonElement?> ReceiptNow(Hash256 hash)
    {
        JsonElement r = await Request("eth_getTransactionReceipt", hash.ToString());
        return r.ValueKind == JsonValueKind.Object ? r : null;
    }

    /// <summary><c>lockstep_getMessageStatus</c>, polled until it leaves <c>pending</c>.</summary>
    public async Task<JsonElement> Status(Hash256 hash)
    {
        for (DateTime end = DateTime.UtcNow + wait; ;)
        {
            JsonElement s = await Request("lockstep_getMessageStatus", hash.ToString());
            if (s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() != "pending") return s;
            if (DateTime.UtcNow > end) throw new TimeoutException($"{hash} still pending on {Name} after {wait.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    /// <summary>A JSON-RPC block tag for <paramref name="number"/>.</summary>
    public static string Tag(ulong number) => "0x" + number.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>A hex quantity (<c>"0x1a"</c>) as a number.</summary>
    public static ulong Quantity(JsonElement e) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose() => _rpc.Dispose();
}
