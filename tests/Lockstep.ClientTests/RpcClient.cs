using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Nethereum.Signer;
using Nethereum.Util;

namespace Lockstep.ClientTests;

/// <summary>A JSON-RPC error answer (the node is up but refused the request).</summary>
internal sealed class RpcErrorException(string method, string error) : Exception($"{method}: {error}")
{
    /// <summary>The error object as JSON text.</summary>
    public string Error { get; } = error;
}

/// <summary>Minimal JSON-RPC 2.0 client over HTTP for the restart and crash tests (no Ethereum library in between).</summary>
internal sealed class RpcClient(string url) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private int _id;

    /// <summary>Calls <paramref name="method"/>; returns the result (a clone, so it outlives the response).</summary>
    public async Task<JsonElement> CallAsync(string method, params object?[] args)
    {
        string body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id = Interlocked.Increment(ref _id), method, @params = args });
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage res = await _http.PostAsync(url, content);
        string text = await res.Content.ReadAsStringAsync();
        using JsonDocument doc = JsonDocument.Parse(text);
        if (doc.RootElement.TryGetProperty("error", out JsonElement err) && err.ValueKind != JsonValueKind.Null)
            throw new RpcErrorException(method, err.GetRawText());
        return doc.RootElement.GetProperty("result").Clone();
    }

    /// <summary>Synchronous <see cref="CallAsync"/> for straight-line test code.</summary>
    public JsonElement Call(string method, params object?[] args) => CallAsync(method, args).GetAwaiter().GetResult();

    /// <summary>Hex quantity result as a big integer.</summary>
    public static BigInteger Quantity(JsonElement e) => BigInteger.Parse("0" + e.GetString()![2..], System.Globalization.NumberStyles.HexNumber);

    /// <summary>Hex quantity for a request parameter.</summary>
    public static string Hex(BigInteger v) => "0x" + (v.IsZero ? "0" : v.ToString("x").TrimStart('0'));

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>The dev accounts of the standard test mnemonic (anvil prints the same keys) and independent signing.</summary>
internal static class DevAccounts
{
    /// <summary>Private keys of m/44'/60'/0'/0/i, i = 0..9, as anvil 1.7.1 prints them.</summary>
    public static readonly string[] Keys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];

    /// <summary>Address of dev account <paramref name="i"/>.</summary>
    public static string Address(int i) => new EthECKey(Keys[i]).GetPublicAddress();

    /// <summary>
    /// Signs an EIP-155 legacy value transfer with Nethereum (not the node's code) and returns the raw transaction
    /// (0x hex) and its hash keccak256(raw).
    /// </summary>
    public static (string Raw, string Hash) SignTransfer(int from, string to, BigInteger value, BigInteger nonce, BigInteger chainId, BigInteger gasPrice)
    {
        string signed = new LegacyTransactionSigner().SignTransaction(Keys[from], chainId, to, value, nonce, gasPrice, 21000);
        string raw = signed.StartsWith("0x", StringComparison.Ordinal) ? signed : "0x" + signed;
        string hash = "0x" + Sha3Keccack.Current.CalculateHashFromHex(raw);
        return (raw, hash);
    }
}
