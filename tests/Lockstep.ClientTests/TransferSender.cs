using System.Collections.Concurrent;
using System.Numerics;
using System.Text.Json;

namespace Lockstep.ClientTests;

/// <summary>A transaction whose receipt the node returned: the node promised it is in block <see cref="BlockHash"/>.</summary>
internal sealed record Acknowledged(string Hash, string BlockHash, string BlockNumber, string Receipt);

/// <summary>
/// Sends value transfers from one dev account and waits for each receipt; every receipt that comes back is recorded
/// as acknowledged. Stops quietly when the node goes away (the crash test kills it mid-send).
/// </summary>
internal sealed class TransferSender(string url, int account, string[] recipients, Random random, BigInteger chainId)
{
    /// <summary>3 gwei: above the dev genesis' 1 gwei base fee, which only falls on mostly empty blocks.</summary>
    private static readonly BigInteger GasPrice = 3_000_000_000;

    /// <summary>Every acknowledged transaction, in order per sender.</summary>
    public ConcurrentQueue<Acknowledged> Acks { get; } = new();

    /// <summary>Transactions the node accepted (hash returned) but whose receipt never arrived before the node went away.</summary>
    public int Unacknowledged { get; private set; }

    /// <summary>How often a nonce collision (nonce too low, replacement, already known) made the sender re-read its nonce.</summary>
    public int Resyncs { get; private set; }

    private static bool IsNonceRace(string error) =>
        error.Contains("nonce too low", StringComparison.OrdinalIgnoreCase) ||
        error.Contains("replacement", StringComparison.OrdinalIgnoreCase) ||
        error.Contains("already known", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the loop stopped (null while running or when cancelled normally).</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// Sends transfers in bursts of <paramref name="burst"/> consecutive nonces (all sent, then every receipt waited
    /// for; 1 = one at a time) until <paramref name="count"/> are done, the test cancels, or the node dies.
    /// </summary>
    public async Task RunAsync(int count, CancellationToken cancel, int burst = 1)
    {
        using var rpc = new RpcClient(url);
        try
        {
            string from = DevAccounts.Address(account);
            // "pending" so a transaction left in the pool is not sent twice with the same nonce.
            BigInteger nonce = RpcClient.Quantity(await rpc.CallAsync("eth_getTransactionCount", from, "pending"));
            var hashes = new List<string>(burst);
            for (int done = 0; done < count && !cancel.IsCancellationRequested; done += burst)
            {
                hashes.Clear();
                for (int j = 0; j < burst; j++)
                {
                    string to;
                    BigInteger value;
                    lock (random)
                    {
                        to = recipients[random.Next(recipients.Length)];
                        value = 1_000_000_000 + random.Next(1_000_000);
                    }
                    (string raw, string hash) = DevAccounts.SignTransfer(account, to, value, nonce + j, chainId, GasPrice);
                    JsonElement sent;
                    try
                    {
                        sent = await rpc.CallAsync("eth_sendRawTransaction", raw);
                    }
                    catch (RpcErrorException e) when (Resyncs < 5 && IsNonceRace(e.Error))
                    {
                        // After a restart the node may still be replaying its pool journal when the first "pending"
                        // nonce is read; a nonce collision with a replayed transaction is not a loss: resynchronise.
                        Resyncs++;
                        break;
                    }
                    if (!string.Equals(sent.GetString(), hash, StringComparison.OrdinalIgnoreCase))
                        throw new InvalidOperationException($"eth_sendRawTransaction returned {sent.GetString()}, keccak256(raw) is {hash}");
                    hashes.Add(hash);
                    Unacknowledged++;
                }
                foreach (string hash in hashes)
                {
                    JsonElement receipt = await WaitReceiptAsync(rpc, hash, cancel);
                    Unacknowledged--;
                    Acks.Enqueue(new Acknowledged(hash, receipt.GetProperty("blockHash").GetString()!,
                        receipt.GetProperty("blockNumber").GetString()!, receipt.GetRawText()));
                }
                nonce = hashes.Count == burst ? nonce + burst
                    : RpcClient.Quantity(await rpc.CallAsync("eth_getTransactionCount", from, "pending"));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
        {
            StopReason = e.GetType().Name + ": " + e.Message;
        }
    }

    private static async Task<JsonElement> WaitReceiptAsync(RpcClient rpc, string hash, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            JsonElement r = await rpc.CallAsync("eth_getTransactionReceipt", hash);
            if (r.ValueKind == JsonValueKind.Object) return r;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no receipt for {hash} within 20 s");
            await Task.Delay(10, cancel);
        }
    }
}
