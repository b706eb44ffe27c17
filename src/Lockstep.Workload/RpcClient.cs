using System.Net;
using System.Text;
using System.Text.Json;

namespace Lockstep.Workload;

/// <summary>One JSON-RPC answer: a result or an error.</summary>
/// <param name="Result">The result (undefined when <paramref name="Error"/> is set).</param>
/// <param name="Error">The error's message, null on success.</param>
public readonly record struct RpcAnswer(JsonElement Result, string? Error)
{
    /// <summary>True when there is no error.</summary>
    public bool Ok => Error is null;
}

/// <summary>
/// A small JSON-RPC 2.0 client over HTTP keep-alive connections (up to <c>connections</c> to one endpoint), with
/// single and batch calls. Raw JSON is written by hand so the load driver spends little on the client side.
/// </summary>
public sealed class RpcClient : IDisposable
{
    private readonly HttpClient _http;
    private long _id;

    /// <summary>A client of <paramref name="url"/> with at most <paramref name="connections"/> open connections.</summary>
    public RpcClient(Uri url, int connections = 16, TimeSpan? timeout = null)
    {
        Url = url;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        { BaseAddress = url, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
    }

    /// <summary>The endpoint.</summary>
    public Uri Url { get; }

    /// <summary>One call with already-serialized JSON parameters (<paramref name="paramsJson"/> is a JSON array).</summary>
    public async Task<RpcAnswer> CallRawAsync(string method, string paramsJson, CancellationToken cancel = default)
    {
        long id = Interlocked.Increment(ref _id);
        string body = $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":{paramsJson}}}";
        using JsonDocument doc = await PostAsync(body, cancel).ConfigureAwait(false);
        return Answer(doc.RootElement);
    }

    /// <summary>One call; throws <see cref="InvalidOperationException"/> on a JSON-RPC error.</summary>
    public async Task<JsonElement> CallAsync(string method, string paramsJson, CancellationToken cancel = default)
    {
        RpcAnswer a = await CallRawAsync(method, paramsJson, cancel).ConfigureAwait(false);
        return a.Ok ? a.Result : throw new InvalidOperationException($"{method}: {a.Error}");
    }

    /// <summary>A batch of calls of one method; answers in the order of <paramref name="paramsJson"/>.</summary>
    public async Task<RpcAnswer[]> BatchAsync(string method, IReadOnlyList<string> paramsJson, CancellationToken cancel = default)
    {
        if (paramsJson.Count == 0) return [];
        long first = Interlocked.Add(ref _id, paramsJson.Count) - paramsJson.Count + 1;
        var sb = new StringBuilder(paramsJson.Count * 64);
        sb.Append('[');
        for (int i = 0; i < paramsJson.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(first + i).Append(",\"method\":\"").Append(method).Append("\",\"params\":").Append(paramsJson[i]).Append('}');
        }
        sb.Append(']');
        using JsonDocument doc = await PostAsync(sb.ToString(), cancel).ConfigureAwait(false);
        var answers = new RpcAnswer[paramsJson.Count];
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            RpcAnswer whole = Answer(doc.RootElement);
            for (int i = 0; i < answers.Length; i++) answers[i] = new RpcAnswer(default, whole.Error ?? "batch answered with one object");
            return answers;
        }
        for (int i = 0; i < answers.Length; i++) answers[i] = new RpcAnswer(default, "no answer in the batch");
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("id", out JsonElement idEl) || !idEl.TryGetInt64(out long id)) continue;
            long k = id - first;
            if (k >= 0 && k < answers.Length) answers[k] = Answer(e);
        }
        return answers;
    }

    private async Task<JsonDocument> PostAsync(string body, CancellationToken cancel)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.PostAsync((string?)null, content, cancel).ConfigureAwait(false);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancel).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: not JSON: {Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 200))}");
        }
    }

    private static RpcAnswer Answer(JsonElement e)
    {
        if (e.TryGetProperty("error", out JsonElement err) && err.ValueKind != JsonValueKind.Null)
            return new RpcAnswer(default, err.TryGetProperty("message", out JsonElement m) ? m.ToString() : err.ToString());
        return new RpcAnswer(e.TryGetProperty("result", out JsonElement r) ? r.Clone() : default, null);
    }

    /// <summary>A JSON-RPC quantity ("0x1a") as a number.</summary>
    public static ulong Quantity(JsonElement e) => Convert.ToUInt64(e.GetString()![2..], 16);

    /// <summary>A number as a JSON-RPC quantity.</summary>
    public static string ToQuantity(ulong v) => "0x" + v.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
