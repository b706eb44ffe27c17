using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Node;

/// <summary>
/// An <c>eth_getLogs</c>/<c>logs</c>-subscription filter: any of <see cref="Addresses"/> (empty = any), and per topic
/// position any of the listed hashes (null or empty = any), as in go-ethereum's filter criteria.
/// </summary>
public sealed class LogFilter
{
    /// <summary>Emitters to match; empty matches every address.</summary>
    public IReadOnlyList<Address> Addresses { get; init; } = [];

    /// <summary>Per position, the accepted topics (OR); a null or empty position is a wildcard.</summary>
    public IReadOnlyList<Hash256[]?> Topics { get; init; } = [];

    /// <summary>True when <paramref name="log"/> passes the address and topic criteria.</summary>
    public bool Matches(LogEntry log)
    {
        if (Addresses.Count > 0)
        {
            bool any = false;
            for (int i = 0; i < Addresses.Count && !any; i++) any = Addresses[i] == log.Address;
            if (!any) return false;
        }
        if (Topics.Count > log.Topics.Length) return false;
        for (int p = 0; p < Topics.Count; p++)
        {
            Hash256[]? accepted = Topics[p];
            if (accepted is null || accepted.Length == 0) continue;
            bool any = false;
            for (int i = 0; i < accepted.Length && !any; i++) any = accepted[i] == log.Topics[p];
            if (!any) return false;
        }
        return true;
    }

    /// <summary>
    /// False when the block's bloom proves no log can match (Yellow Paper 4.3.1), so its receipts need not be read.
    /// </summary>
    public bool MayMatch(Bloom bloom)
    {
        if (Addresses.Count > 0)
        {
            bool any = false;
            for (int i = 0; i < Addresses.Count && !any; i++) any = bloom.MayContain(Addresses[i].ToArray());
            if (!any) return false;
        }
        for (int p = 0; p < Topics.Count; p++)
        {
            Hash256[]? accepted = Topics[p];
            if (accepted is null || accepted.Length == 0) continue;
            bool any = false;
            for (int i = 0; i < accepted.Length && !any; i++) any = bloom.MayContain(accepted[i].ToArray());
            if (!any) return false;
        }
        return true;
    }
}

/// <summary>A log with its position: the block, the transaction index and the block-wide log index.</summary>
public readonly record struct MatchedLog(BlockData Block, int TransactionIndex, int LogIndex, LogEntry Log);
