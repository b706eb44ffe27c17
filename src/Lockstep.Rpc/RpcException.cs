namespace Lockstep.Rpc;

/// <summary>JSON-RPC 2.0 and Ethereum error codes used by the server.</summary>
public static class RpcErrorCodes
{
    /// <summary>Invalid JSON.</summary>
    public const int ParseError = -32700;
    /// <summary>The JSON is not a valid request object (or the batch is empty or too large, or the body too big).</summary>
    public const int InvalidRequest = -32600;
    /// <summary>No such method (or not enabled: admin methods without --admin).</summary>
    public const int MethodNotFound = -32601;
    /// <summary>A parameter is missing, has the wrong type or an invalid value; the message names it.</summary>
    public const int InvalidParams = -32602;
    /// <summary>A bug or an unexpected failure inside the server.</summary>
    public const int Internal = -32603;
    /// <summary>geth's generic server error: pool rejections, unknown blocks, invalid messages in eth_call.</summary>
    public const int Server = -32000;
    /// <summary>A configured limit was hit (log range or count, subscriptions per connection).</summary>
    public const int LimitExceeded = -32005;
    /// <summary>eth_call / eth_estimateGas reverted; <c>data</c> holds the revert bytes (geth, EIP-1474 practice).</summary>
    public const int ExecutionReverted = 3;
}

/// <summary>Thrown by a handler to answer with a JSON-RPC error instead of a result.</summary>
/// <param name="code">The error code (<see cref="RpcErrorCodes"/>).</param>
/// <param name="message">The error message.</param>
/// <param name="data">Optional <c>data</c> member, written as a JSON string (revert data as 0x hex).</param>
public sealed class RpcException(int code, string message, string? data = null) : Exception(message)
{
    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; } = code;

    /// <summary>The <c>data</c> member, null to omit it.</summary>
    public string? ErrorData { get; } = data;

    /// <summary>-32602 for parameter <paramref name="index"/> (geth's "invalid argument N: ..." wording).</summary>
    public static RpcException InvalidParam(int index, string message) => new(RpcErrorCodes.InvalidParams, $"invalid argument {index}: {message}");
}
