using System.Text.Json;
using Lockstep.Node;

namespace Lockstep.Rpc;

/// <summary>
/// Dev-node control methods (anvil/Hardhat names): evm_mine, evm_setNextBlockTimestamp, evm_increaseTime.
/// Registered only with --admin, and answered only to loopback clients.
/// </summary>
public sealed class AdminModule(BlockProducer producer)
{
    /// <summary>Registers the admin methods.</summary>
    public void Register(RpcDispatcher dispatcher)
    {
        dispatcher.Register("evm_mine", Guard(Mine));
        dispatcher.Register("evm_setNextBlockTimestamp", Guard(SetNextBlockTimestamp));
        dispatcher.Register("evm_increaseTime", Guard(IncreaseTime));
    }

    private static RpcHandler Guard(RpcHandler inner) => (call, w) =>
    {
        if (!call.FromLoopback) throw new RpcException(RpcErrorCodes.MethodNotFound, $"the method {call.Method} is only served to loopback clients");
        inner(call, w);
    };

    // evm_mine([timestamp]): one block now with whatever is executable.
    private void Mine(RpcCall call, Utf8JsonWriter w)
    {
        ulong? timestamp = null;
        if (call.Params.Has(0))
        {
            JsonElement p = call.Params.Get(0, "timestamp");
            // Hardhat accepts a bare timestamp; ethers-style options objects carry it as "timestamp".
            if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty("timestamp", out JsonElement ts)) timestamp = RpcParams.ParseQuantity(ts, 0, "timestamp");
            else if (p.ValueKind != JsonValueKind.Object) timestamp = RpcParams.ParseQuantity(p, 0, "timestamp");
        }
        if (timestamp is ulong t) SetTimestamp(t);
        producer.Mine();
        w.WriteStringValue("0x0");
    }

    private void SetNextBlockTimestamp(RpcCall call, Utf8JsonWriter w)
    {
        SetTimestamp(call.Params.Quantity(0, "timestamp"));
        w.WriteNullValue();
    }

    private void SetTimestamp(ulong timestamp)
    {
        try { producer.SetNextTimestamp(timestamp); }
        catch (ArgumentException e) { throw new RpcException(RpcErrorCodes.Server, e.Message); }
    }

    private void IncreaseTime(RpcCall call, Utf8JsonWriter w)
    {
        ulong seconds = call.Params.Quantity(0, "seconds");
        if (seconds > int.MaxValue) throw RpcException.InvalidParam(0, "seconds too large");
        RpcJson.QuantityValue(w, (ulong)producer.IncreaseTime((long)seconds));
    }
}
