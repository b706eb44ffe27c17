using System.Text.Json;
using Lockstep.Execution;
using Lockstep.Node;
using Lockstep.Primitives;

namespace Lockstep.Rpc;

public sealed partial class EthModule
{
    // Resolves a block parameter: a tag, a number, or an EIP-1898 object {blockNumber} / {blockHash, requireCanonical}.
    // Missing means "latest". Unknown blocks are an error (-32000 "header not found", geth's wording).
    private BlockData ResolveBlock(RpcCall call, int index)
    {
        BlockData? block = TryResolveBlock(call, index, out string what);
        return block ?? throw new RpcException(RpcErrorCodes.Server, $"header not found: {what}");
    }

    private BlockData? TryResolveBlock(RpcCall call, int index, out string what)
    {
        what = "latest";
        if (!call.Params.Has(index)) return _chain.HeadBlock;
        JsonElement e = call.Params.Get(index, "block");
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("blockHash", out JsonElement hashElement))
            {
                Hash256 hash = RpcParams.ParseHash(hashElement, index, "blockHash");
                what = hash.ToString();
                BlockData? byHash = _chain.GetBlock(hash);
                if (byHash is not null && e.TryGetProperty("requireCanonical", out JsonElement rc) && rc.ValueKind == JsonValueKind.True
                    && _chain.Store.GetBlockHash(byHash.Number) != hash)
                    throw new RpcException(RpcErrorCodes.Server, $"hash {hash} is not currently canonical");
                return byHash;
            }
            if (e.TryGetProperty("blockNumber", out JsonElement numberElement)) return ResolveTag(numberElement, index, out what);
            throw RpcException.InvalidParam(index, "a block object needs blockHash or blockNumber (EIP-1898)");
        }
        return ResolveTag(e, index, out what);
    }

    private BlockData? ResolveTag(JsonElement e, int index, out string what)
    {
        ulong? n = ResolveNumber(e, index);
        what = n?.ToString() ?? "latest";
        return n is ulong number ? _chain.GetBlock(number) : _chain.HeadBlock;
    }

    // A block number from a tag or a quantity; null for latest/pending/safe/finalized (a dev chain finalizes at once).
    private static ulong? ResolveNumber(JsonElement e, int index)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            string s = e.GetString()!;
            switch (s)
            {
                case "latest" or "pending" or "safe" or "finalized": return null;
                case "earliest": return 0;
            }
        }
        try { return RpcParams.ParseQuantity(e, index, "block"); }
        catch (RpcException) { throw RpcException.InvalidParam(index, "block must be a hex number, a tag (latest, earliest, pending, safe, finalized) or an EIP-1898 object"); }
    }

    // geth's TransactionArgs: from, to, gas, gasPrice | maxFeePerGas/maxPriorityFeePerGas, value, input | data, accessList.
    private static CallRequest ParseCallRequest(RpcCall call, int index)
    {
        JsonElement e = call.Params.Get(index, "transaction");
        if (e.ValueKind != JsonValueKind.Object) throw RpcException.InvalidParam(index, "the transaction call object must be a JSON object");
        byte[] data = [];
        bool hasInput = e.TryGetProperty("input", out JsonElement input) && input.ValueKind != JsonValueKind.Null;
        bool hasData = e.TryGetProperty("data", out JsonElement dataElement) && dataElement.ValueKind != JsonValueKind.Null;
        if (hasInput) data = RpcParams.ParseBytes(input, index, "input");
        if (hasData)
        {
            byte[] d = RpcParams.ParseBytes(dataElement, index, "data");
            if (hasInput && !d.AsSpan().SequenceEqual(data))
                throw RpcException.InvalidParam(index, "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
            data = d;
        }
        if (Optional(e, "gasPrice") is not null && (Optional(e, "maxFeePerGas") is not null || Optional(e, "maxPriorityFeePerGas") is not null))
            throw RpcException.InvalidParam(index, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
        var accessList = new List<AccessListItem>();
        if (Optional(e, "accessList") is JsonElement list)
        {
            if (list.ValueKind != JsonValueKind.Array) throw RpcException.InvalidParam(index, "accessList must be an array");
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("address", out JsonElement a))
                    throw RpcException.InvalidParam(index, "accessList entries are {address, storageKeys}");
                var keys = new List<UInt256>();
                if (item.TryGetProperty("storageKeys", out JsonElement ks) && ks.ValueKind == JsonValueKind.Array)
                    foreach (JsonElement k in ks.EnumerateArray()) keys.Add(RpcParams.ParseHash(k, index, "storageKeys").ToUInt256());
                accessList.Add(new AccessListItem(RpcParams.ParseAddress(a, index, "accessList.address"), [.. keys]));
            }
        }
        return new CallRequest
        {
            From = Optional(e, "from") is JsonElement f ? RpcParams.ParseAddress(f, index, "from") : null,
            To = Optional(e, "to") is JsonElement t ? RpcParams.ParseAddress(t, index, "to") : null,
            Gas = Optional(e, "gas") is JsonElement g ? RpcParams.ParseQuantity(g, index, "gas") : null,
            GasPrice = Optional(e, "gasPrice") is JsonElement gp ? RpcParams.ParseUInt256(gp, index, "gasPrice") : null,
            MaxFeePerGas = Optional(e, "maxFeePerGas") is JsonElement mf ? RpcParams.ParseUInt256(mf, index, "maxFeePerGas") : null,
            MaxPriorityFeePerGas = Optional(e, "maxPriorityFeePerGas") is JsonElement mp ? RpcParams.ParseUInt256(mp, index, "maxPriorityFeePerGas") : null,
            Value = Optional(e, "value") is JsonElement v ? RpcParams.ParseUInt256(v, index, "value") : UInt256.Zero,
            Data = data,
            AccessList = [.. accessList],
        };
    }

    // geth's StateOverride: {address: {balance, nonce, code, state | stateDiff}}.
    private static Dictionary<Address, AccountOverride>? ParseOverrides(RpcCall call, int index)
    {
        if (!call.Params.Has(index)) return null;
        JsonElement e = call.Params.Get(index, "stateOverrides");
        if (e.ValueKind != JsonValueKind.Object) throw RpcException.InvalidParam(index, "state overrides must be an object keyed by address");
        var result = new Dictionary<Address, AccountOverride>();
        foreach (JsonProperty p in e.EnumerateObject())
        {
            Address address;
            try { address = Lockstep.Primitives.Address.FromHex(p.Name); }
            catch (Exception) { throw RpcException.InvalidParam(index, $"invalid address in state overrides: {p.Name}"); }
            JsonElement o = p.Value;
            if (o.ValueKind != JsonValueKind.Object) throw RpcException.InvalidParam(index, $"override of {p.Name} must be an object");
            JsonElement? state = Optional(o, "state"), diff = Optional(o, "stateDiff");
            if (state is not null && diff is not null) throw RpcException.InvalidParam(index, $"account {p.Name} has both 'state' and 'stateDiff'");
            result[address] = new AccountOverride
            {
                Balance = Optional(o, "balance") is JsonElement b ? RpcParams.ParseUInt256(b, index, "balance") : null,
                Nonce = Optional(o, "nonce") is JsonElement n ? RpcParams.ParseQuantity(n, index, "nonce") : null,
                Code = Optional(o, "code") is JsonElement c ? RpcParams.ParseBytes(c, index, "code") : null,
                State = state is JsonElement s ? ParseSlots(s, index) : null,
                StateDiff = diff is JsonElement d ? ParseSlots(d, index) : null,
            };
        }
        return result;
    }

    private static Dictionary<UInt256, UInt256> ParseSlots(JsonElement e, int index)
    {
        if (e.ValueKind != JsonValueKind.Object) throw RpcException.InvalidParam(index, "state/stateDiff must be an object of slot: value");
        var slots = new Dictionary<UInt256, UInt256>();
        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (!p.Name.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || !UInt256.TryParse(p.Name, out UInt256 key))
                throw RpcException.InvalidParam(index, $"invalid storage slot {p.Name}");
            slots[key] = RpcParams.ParseUInt256(p.Value, index, "storage value");
        }
        return slots;
    }

    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;

    // geth's wording for messages that cannot run at all (core/error.go).
    private static string InvalidMessage(InvalidTransactionReason reason) => reason switch
    {
        InvalidTransactionReason.InsufficientFunds => "insufficient funds for gas * price + value",
        InvalidTransactionReason.FeeCapBelowBaseFee => "max fee per gas less than block base fee",
        InvalidTransactionReason.PriorityFeeAboveFeeCap => "max priority fee per gas higher than max fee per gas",
        InvalidTransactionReason.IntrinsicGasTooLow => "intrinsic gas too low",
        InvalidTransactionReason.GasLimitExceedsBlock => "exceeds block gas limit",
        InvalidTransactionReason.InitCodeTooLarge => "max initcode size exceeded",
        InvalidTransactionReason.NonceIsMax => "nonce has max value",
        _ => "invalid transaction: " + reason,
    };

    private static RpcException Reverted(byte[] output)
    {
        string? reason = RevertReason.Decode(output);
        return new RpcException(RpcErrorCodes.ExecutionReverted, reason is null ? "execution reverted" : "execution reverted: " + reason, Hex.Encode(output));
    }
}
