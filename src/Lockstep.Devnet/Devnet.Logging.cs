using Lockstep.Sequencer;
using Lockstep.Settlement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's structured logs (Microsoft.Extensions.Logging, category <c>Lockstep.Devnet</c>): superblocks at Debug,
/// rejected bundles with their reason and posted superbatches at Information, posting failures (retried) at Warning,
/// a failed superblock build at Error. The console sink and its format are the host's choice (<c>--log-format</c>).
/// </summary>
public sealed partial class Devnet
{
    private ILogger _log = NullLogger.Instance;

    /// <summary>The devnet's logger (for the host's own start-up and shutdown lines).</summary>
    public ILogger Log => _log;

    private void StartLogging()
    {
        ILogger log = _log = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Lockstep.Devnet");
        Sequencer.SuperblockSealed += sb =>
        {
            // Raised on the sequencer thread: nothing is formatted unless the level is on.
            if (log.IsEnabled(LogLevel.Debug))
            {
                int txs = 0;
                foreach (RollupBlock b in sb.Blocks) txs += b.Built.Block.Transactions.Count;
                log.LogDebug("superblock {Height} sealed: {Transactions} transactions, {Bundles} user transactions", sb.Height, txs, sb.Bundles.Count);
            }
            if (!log.IsEnabled(LogLevel.Information)) return;
            foreach (BundleReport r in sb.Bundles)
                if (r.Outcome is BundleOutcome.Rejected or BundleOutcome.Invalid)
                    log.LogInformation("bundle {TxHash} on chain {ChainId} {Outcome} at superblock {Height}: {Reason}",
                        r.TxHash, r.ChainId, r.Outcome == BundleOutcome.Rejected ? "rejected" : "invalid", sb.Height, r.Reason);
        };
        Sequencer.Failed += e => log.LogError(e, "superblock build failed");
        if (Faults is { } faults)
        {
            log.LogWarning("fault injection armed (dev mode): {Faults}", DevnetFaults.Format(faults.Faults));
            faults.Injected += (f, what) => log.LogWarning("injected fault {Kind} at superblock {Height}: {What}", f.Kind, f.Height, what);
        }
        // The poster retries every half second: the same failure is written once per 30 s with the count held back.
        var repeated = new RepeatedMessages(TimeSpan.FromSeconds(30));
        PosterFailed += e =>
        {
            if (!repeated.ShouldWrite(e.Message, out int heldBack)) return;
            if (heldBack == 0) log.LogWarning("L1 posting failed (will retry): {Error}", e.Message);
            else log.LogWarning("L1 posting failed (will retry): {Error} (the previous failure repeated {Repeats} more times)", e.Message, heldBack);
        };
        if (Poster is { } poster)
            poster.Posted += p => log.LogInformation("superbatch {Index} posted: superblocks {First}-{Last}, L1 transaction {L1Tx} in block {L1Block}, {Bytes} calldata bytes, {Gas} gas",
                p.Index, p.FirstHeight, p.LastHeight, p.Receipt.TransactionHash, p.Receipt.BlockNumber, p.CalldataBytes, p.Receipt.GasUsed);
        log.LogInformation("devnet started: {Rollups} rollups, data in {DataDir}, L1 {L1}", Rollups.Count, Path.GetFullPath(Options.DataDir),
            L1 is null ? "none" : L1.Url.ToString().TrimEnd('/'));
    }
}
