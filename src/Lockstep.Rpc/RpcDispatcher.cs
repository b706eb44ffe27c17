using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Lockstep.Node;

namespace Lockstep.Rpc;

/// <summary>One call being served: its method, params and where it came from.</summary>
public sealed class RpcCall
{
    /// <summary>The method name.</summary>
    public required string Method { get; init; }

    /// <summary>The positional parameters.</summary>
    public RpcParams Params { get; init; }

    /// <summary>The WebSocket connection it arrived on (subscriptions), null over HTTP.</summary>
    public RpcConnection? Connection { get; init; }

    /// <summary>True when the client is on a loopback address (admin methods require it).</summary>
    public bool FromLoopback { get; init; }
}

/// <summary>A method: writes its result as one JSON value, or throws <see cref="RpcException"/>.</summary>
public delegate void RpcHandler(RpcCall call, Utf8JsonWriter result);

/// <summary>
/// A chain-agnostic JSON-RPC 2.0 dispatcher: modules register named handlers (eth_*, net_*, lockstep_*), and it
/// turns a request body (single or batch, notifications included) into a response body. It never throws on bad
/// input: every problem becomes a JSON-RPC error object.
/// </summary>
public sealed class RpcDispatcher(RpcServerOptions options)
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 64 };
    private readonly ConcurrentDictionary<string, RpcHandler> _handlers = new(StringComparer.Ordinal);

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_result;

    /// <summary>The limits in force.</summary>
    public RpcServerOptions Options => options;

    /// <summary>Registers (or replaces) <paramref name="method"/>.</summary>
    public void Register(string method, RpcHandler handler) => _handlers[method] = handler;

    /// <summary>True when <paramref name="method"/> has a handler.</summary>
    public bool IsRegistered(string method) => _handlers.ContainsKey(method);

    /// <summary>The handler of <paramref name="method"/>, or null (lets a host wrap handlers, e.g. to time them).</summary>
    public RpcHandler? GetHandler(string method) => _handlers.TryGetValue(method, out RpcHandler? h) ? h : null;

    /// <summary>The registered method names.</summary>
    public ICollection<string> Methods => _handlers.Keys;

    /// <summary>
    /// Serves one HTTP body or WebSocket message. Returns the response body, or null when nothing is to be sent
    /// (only notifications).
    /// </summary>
    public byte[]? Process(ReadOnlyMemory<byte> body, RpcConnection? connection, bool fromLoopback)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, ReaderOptions); }
        catch (JsonException e) { return ErrorResponse(RpcErrorCodes.ParseError, "parse error: " + e.Message); }
        using (doc)
        {
            var output = new ArrayBufferWriter<byte>(256);
            using var w = new Utf8JsonWriter(output, WriterOptions);
            JsonElement root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                int n = root.GetArrayLength();
                if (n == 0) return ErrorResponse(RpcErrorCodes.InvalidRequest, "empty batch");
                if (n > options.MaxBatchLength)
                    return ErrorResponse(RpcErrorCodes.InvalidRequest, $"batch too large: {n} requests, the limit is {options.MaxBatchLength}");
                w.WriteStartArray();
                bool any = false;
                foreach (JsonElement request in root.EnumerateArray()) any |= Serve(request, w, connection, fromLoopback);
                w.WriteEndArray();
                w.Flush();
                return any ? output.WrittenSpan.ToArray() : null;
            }
            if (!Serve(root, w, connection, fromLoopback)) return null;
            w.Flush();
            return output.WrittenSpan.ToArray();
        }
    }

    // Writes the response of one request; false for a notification (no id: no response).
    private bool Serve(JsonElement request, Utf8JsonWriter w, RpcConnection? connection, bool fromLoopback)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            WriteError(w, default, RpcErrorCodes.InvalidRequest, "invalid request: not a JSON object", null);
            return true;
        }
        bool hasId = request.TryGetProperty("id", out JsonElement id);
        if (hasId && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
        {
            WriteError(w, default, RpcErrorCodes.InvalidRequest, "invalid request: id must be a string, a number or null", null);
            return true;
        }
        if (request.TryGetProperty("jsonrpc", out JsonElement version) && !(version.ValueKind == JsonValueKind.String && version.ValueEquals("2.0"u8)))
        {
            WriteError(w, id, RpcErrorCodes.InvalidRequest, "invalid request: jsonrpc must be \"2.0\"", null);
            return true;
        }
        if (!request.TryGetProperty("method", out JsonElement methodElement) || methodElement.ValueKind != JsonValueKind.String)
        {
            WriteError(w, id, RpcErrorCodes.InvalidRequest, "invalid request: method must be a string", null);
            return true;
        }
        string method = methodElement.GetString()!;
        JsonElement parameters = default;
        if (request.TryGetProperty("params", out JsonElement p))
        {
            if (p.ValueKind == JsonValueKind.Array) parameters = p;
            else if (p.ValueKind != JsonValueKind.Null)
            {
                if (!hasId) return false;
                WriteError(w, id, RpcErrorCodes.InvalidParams, "invalid params: params must be an array", null);
                return true;
            }
        }

        ArrayBufferWriter<byte> scratch = t_result ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        int code;
        string message;
        string? data = null;
        if (!_handlers.TryGetValue(method, out RpcHandler? handler))
        {
            code = RpcErrorCodes.MethodNotFound;
            message = $"the method {method} does not exist/is not available";
        }
        else
        {
            try
            {
                using (var result = new Utf8JsonWriter(scratch, WriterOptions))
                {
                    handler(new RpcCall { Method = method, Params = new RpcParams(parameters), Connection = connection, FromLoopback = fromLoopback }, result);
                }
                if (!hasId) return false;
                WriteResult(w, id, scratch.WrittenSpan);
                return true;
            }
            catch (RpcException e) { (code, message, data) = (e.Code, e.Message, e.ErrorData); }
            catch (ChainQueryException e) { (code, message) = (RpcErrorCodes.LimitExceeded, e.Message); }
            catch (Exception e) { (code, message) = (RpcErrorCodes.Internal, "internal error: " + e.Message); }
        }
        if (!hasId) return false;
        WriteError(w, id, code, message, data);
        return true;
    }

    private static void WriteResult(Utf8JsonWriter w, JsonElement id, ReadOnlySpan<byte> result)
    {
        StartResponse(w, id);
        w.WritePropertyName("result"u8);
        w.WriteRawValue(result, skipInputValidation: true);
        w.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter w, JsonElement id, int code, string message, string? data)
    {
        StartResponse(w, id);
        w.WriteStartObject("error"u8);
        w.WriteNumber("code"u8, code);
        w.WriteString("message"u8, message);
        if (data is not null) w.WriteString("data"u8, data);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Opens a response object with <c>jsonrpc</c> and the request's <c>id</c> (null unless a string or a number).</summary>
    private static void StartResponse(Utf8JsonWriter w, JsonElement id)
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0"u8);
        w.WritePropertyName("id"u8);
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number) id.WriteTo(w);
        else w.WriteNullValue();
    }

    /// <summary>A complete error response with a null id (parse errors, oversized bodies).</summary>
    public static byte[] ErrorResponse(int code, string message)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(output))
            WriteError(w, default, code, message, null);
        return output.WrittenSpan.ToArray();
    }
}
