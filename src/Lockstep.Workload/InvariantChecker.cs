using System.Diagnostics;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.SystemContracts;

namespace Lockstep.Workload;

/// <summary>Result of an <see cref="InvariantChecker"/> run; <see cref="Ok"/> when no violation was found.</summary>
public sealed class InvariantReport
{
    /// <summary>Superblock height at which supplies and roots were read (the same block number on every rollup).</summary>
    public ulong Height { get; init; }
    /// <summary>Acknowledged honest transactions with a receipt.</summary>
    public int Receipts { get; init; }
    /// <summary>Acknowledged failing transactions found rejected, still pending, or (unexpectedly) included.</summary>
    public int FailingRejected { get; init; }
    /// <summary>Acknowledged failing transactions still in the pool (held back), not lost.</summary>
    public int FailingPending { get; init; }
    /// <summary>Sum of the LST total supplies over the rollups.</summary>
    public UInt256 TokenSupply { get; init; }
    /// <summary>Ordered pairs whose outbox root was compared with the inbox root.</summary>
    public int PairsChecked { get; init; }
    /// <summary>Last superblock height posted on the L1 when the check ended (null without an L1).</summary>
    public ulong? L1PostedHeight { get; init; }
    /// <summary>Every violation, in words.</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];
    /// <summary>True when nothing was violated.</summary>
    public bool Ok => Violations.Count == 0;
}

/// <summary>
/// The end-of-run invariants of issue 8, read over JSON-RPC at one superblock height: every acknowledged honest
/// transaction has a receipt; every acknowledged failing transaction is accounted for (rejected, or still pending in
/// the pool, never unknown); the LST supply summed over the rollups equals the genesis supply (burns and mints
/// atomic); for every ordered pair (X, Y) the outbox root on X for Y equals the inbox root on Y for X; and the L1
/// posting reached that height.
/// </summary>
public static class InvariantChecker
{
    private const int Chunk = 200;

    /// <summary>Checks the invariants on the rollups at <paramref name="endpoints"/> (set order, chain ids <paramref name="chainIds"/>).</summary>
    /// <param name="endpoints">RPC URL of every rollup.</param>
    /// <param name="chainIds">Chain id of every rollup.</param>
    /// <param name="honest">Acknowledged honest transactions (rollup index, hash).</param>
    /// <param name="failing">Acknowledged failing transactions (rollup index, hash).</param>
    /// <param name="expectedSupply">LST minted at genesis over the set.</param>
    /// <param name="l1PostedHeight">Last superblock height posted on the L1; null when there is no L1.</param>
    /// <param name="l1Timeout">How long to wait for the L1 posting to catch up.</param>
    /// <param name="cancel">Cancels the checks.</param>
    public static async Task<InvariantReport> CheckAsync(IReadOnlyList<Uri> endpoints, IReadOnlyList<ulong> chainIds,
        IReadOnlyList<(int Rollup, Hash256 Hash)> honest, IReadOnlyList<(int Rollup, Hash256 Hash)> failing, UInt256 expectedSupply,
        Func<ulong>? l1PostedHeight, TimeSpan l1Timeout, CancellationToken cancel = default)
    {
        var violations = new List<string>();
        var clients = new RpcClient[endpoints.Count];
        for (int r = 0; r < clients.Length; r++) clients[r] = new RpcClient(endpoints[r], 4);
        try
        {
            ulong height = ulong.MaxValue;
            foreach (RpcClient c in clients)
                height = Math.Min(height, RpcClient.Quantity(await c.CallAsync("eth_blockNumber", "[]", cancel).ConfigureAwait(false)));
            string at = "\"" + RpcClient.ToQuantity(height) + "\"";

            int receipts = 0;
            for (int start = 0; start < honest.Count; start += Chunk)
            {
                int end = Math.Min(honest.Count, start + Chunk);
                for (int r = 0; r < clients.Length; r++)
                {
                    var hashes = new List<Hash256>();
                    for (int i = start; i < end; i++) if (honest[i].Rollup == r) hashes.Add(honest[i].Hash);
                    RpcAnswer[] answers = await clients[r].BatchAsync("eth_getTransactionReceipt", hashes.ConvertAll(h => $"[\"{h}\"]"), cancel).ConfigureAwait(false);
                    for (int k = 0; k < answers.Length; k++)
                    {
                        if (!answers[k].Ok || answers[k].Result.ValueKind != JsonValueKind.Object)
                            violations.Add($"acknowledged transaction {hashes[k]} on rollup {chainIds[r]} has no receipt");
                        else receipts++;
                    }
                }
            }

            int rejected = 0, pending = 0;
            for (int r = 0; r < clients.Length; r++)
            {
                var hashes = new List<Hash256>();
                foreach ((int rollup, Hash256 h) in failing) if (rollup == r) hashes.Add(h);
                for (int start = 0; start < hashes.Count; start += Chunk)
                {
                    List<Hash256> part = hashes.GetRange(start, Math.Min(Chunk, hashes.Count - start));
                    RpcAnswer[] answers = await clients[r].BatchAsync("lockstep_getMessageStatus", part.ConvertAll(h => $"[\"{h}\"]"), cancel).ConfigureAwait(false);
                    for (int k = 0; k < answers.Length; k++)
                    {
                        string? status = answers[k].Ok && answers[k].Result.ValueKind == JsonValueKind.Object ? answers[k].Result.GetProperty("status").GetString() : null;
                        if (status == "rejected") rejected++;
                        else if (status == "pending") pending++;
                        else violations.Add($"acknowledged failing transaction {part[k]} on rollup {chainIds[r]}: status {status ?? "unknown (lost)"}");
                    }
                }
            }

            UInt256 supply = UInt256.Zero;
            string totalSupply = Hex.Encode(SystemCalldata.TotalSupply());
            for (int r = 0; r < clients.Length; r++)
                supply += Word(await clients[r].CallAsync("eth_call", $"[{{\"to\":\"{SystemAddresses.CrossRollupToken}\",\"data\":\"{totalSupply}\"}},{at}]", cancel).ConfigureAwait(false));
            if (supply != expectedSupply) violations.Add($"LST supply over the rollups is {supply} at height {height}, genesis minted {expectedSupply}");

            int pairs = 0;
            for (int x = 0; x < clients.Length; x++)
                for (int y = 0; y < clients.Length; y++)
                {
                    if (x == y) continue;
                    string outbox = Hex.Encode(SystemCalldata.OutboxRoot(chainIds[y]));
                    string inbox = Hex.Encode(SystemCalldata.InboxRoot(chainIds[x]));
                    JsonElement o = await clients[x].CallAsync("eth_call", $"[{{\"to\":\"{SystemAddresses.MessageTrees}\",\"data\":\"{outbox}\"}},{at}]", cancel).ConfigureAwait(false);
                    JsonElement i = await clients[y].CallAsync("eth_call", $"[{{\"to\":\"{SystemAddresses.MessageTrees}\",\"data\":\"{inbox}\"}},{at}]", cancel).ConfigureAwait(false);
                    pairs++;
                    if (o.GetString() != i.GetString())
                        violations.Add($"height {height}: outbox root of {chainIds[x]} for {chainIds[y]} is {o.GetString()}, inbox root of {chainIds[y]} for {chainIds[x]} is {i.GetString()}");
                }

            ulong? posted = null;
            if (l1PostedHeight is not null)
            {
                long deadline = Stopwatch.GetTimestamp() + (long)(l1Timeout.TotalSeconds * Stopwatch.Frequency);
                while ((posted = l1PostedHeight()) < height && Stopwatch.GetTimestamp() < deadline) await Task.Delay(100, cancel).ConfigureAwait(false);
                if (posted < height) violations.Add($"L1 posting is at height {posted}, the rollups at {height} (waited {l1Timeout.TotalSeconds:0} s)");
            }

            return new InvariantReport
            {
                Height = height, Receipts = receipts, FailingRejected = rejected, FailingPending = pending, TokenSupply = supply,
                PairsChecked = pairs, L1PostedHeight = posted, Violations = violations,
            };
        }
        finally
        {
            foreach (RpcClient c in clients) c.Dispose();
        }
    }

    private static UInt256 Word(JsonElement hex)
    {
        byte[] b = Hex.Decode(hex.GetString()!);
        return b.Length == 32 ? new UInt256(b) : throw new InvalidOperationException($"expected one word, got {b.Length} bytes");
    }
}
