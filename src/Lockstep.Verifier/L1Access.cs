using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Settlement;
using Lockstep.Transactions;

namespace Lockstep.Verifier;

/// <summary>
/// What the verifier needs from L1 beyond <see cref="IL1Client"/>: a transaction's input (the superbatch bytes are in the
/// submit calldata, not in the event) and sending its own transactions (challenge, flag) with a funded key.
/// </summary>
public sealed class L1Access(JsonRpcL1Client client)
{
    /// <summary>The underlying client.</summary>
    public JsonRpcL1Client Client { get; } = client;

    /// <summary><c>eth_getTransactionByHash</c>: the transaction's <c>to</c> and input; throws when unknown.</summary>
    public async Task<(Address? To, byte[] Input)> GetTransactionAsync(Hash256 hash, CancellationToken cancel = default)
    {
        JsonElement tx = await Client.RequestAsync("eth_getTransactionByHash", [hash.ToString()], cancel).ConfigureAwait(false);
        if (tx.ValueKind != JsonValueKind.Object) throw new L1Exception($"transaction {hash} is unknown to the L1 node");
        string? to = tx.TryGetProperty("to", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string input = tx.TryGetProperty("input", out JsonElement i) ? i.GetString() ?? "0x" : tx.GetProperty("data").GetString() ?? "0x";
        return (to is null ? null : Address.FromHex(to), Hex.Decode(input));
    }

    /// <summary>
    /// Signs (type 2) and sends a call from <paramref name="key"/> to <paramref name="to"/>, waits for its receipt. A
    /// pre-flight <c>eth_estimateGas</c> revert throws <see cref="L1Exception"/> with the revert data and sends nothing.
    /// </summary>
    public async Task<L1Receipt> SendAsync(byte[] key, Address to, byte[] data, UInt256 value, TimeSpan timeout, CancellationToken cancel = default)
    {
        Address from = Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(key);
        ulong chainId = await Client.GetChainIdAsync(cancel).ConfigureAwait(false);
        ulong gas = await EstimateAsync(from, to, data, value, cancel).ConfigureAwait(false);
        ulong nonce = await Client.GetNonceAsync(from, "pending", cancel).ConfigureAwait(false);
        L1FeeData fees = await Client.GetFeeDataAsync(cancel).ConfigureAwait(false);
        var tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(chainId), Nonce = nonce, MaxPriorityFeePerGas = fees.PriorityFee,
            MaxFeePerGas = fees.BaseFee * new UInt256(2) + fees.PriorityFee, GasLimit = gas + gas / 4 + 20_000, To = to, Value = value, Data = data,
        }.Sign(key);
        Hash256 hash = await Client.SendRawTransactionAsync(tx.Encode(), cancel).ConfigureAwait(false);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            L1Receipt? receipt = await Client.GetReceiptAsync(hash, cancel).ConfigureAwait(false);
            if (receipt is not null) return receipt;
            if (DateTime.UtcNow > deadline) throw new L1Exception($"no receipt for {hash} after {timeout}");
            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
    }

    private async Task<ulong> EstimateAsync(Address from, Address to, byte[] data, UInt256 value, CancellationToken cancel)
    {
        if (value.IsZero) return await Client.EstimateGasAsync(from, to, data, cancel).ConfigureAwait(false);
        var call = new Dictionary<string, string> { ["from"] = from.ToString(), ["to"] = to.ToString(), ["data"] = Hex.Encode(data), ["value"] = value.ToHexQuantity() };
        JsonElement r = await Client.RequestAsync("eth_estimateGas", [call], cancel).ConfigureAwait(false);
        return Convert.ToUInt64(r.GetString()![2..], 16);
    }
}
