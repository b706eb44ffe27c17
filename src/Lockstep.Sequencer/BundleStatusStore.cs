using System.Text.Json;
using System.Text.Json.Serialization;
using Lockstep.Primitives;
using Lockstep.Storage;

namespace Lockstep.Sequencer;

/// <summary>One transaction of a recorded bundle (<see cref="BundleLeg"/> in a storable, printable form).</summary>
public sealed record BundleLegStatus(ulong ChainId, string TxHash, int Depth, ulong? SourceChainId, ulong? MessageNonce, string? MessageHash);

/// <summary>
/// The recorded fate of a user transaction: <c>included</c> (a cross-rollup bundle, with every leg), <c>rejected</c>
/// (a leg failed: nothing of it is on any rollup; <see cref="Reason"/> names the leg and its revert reason) or
/// <c>invalid</c> (never executable: signature, nonce, funds, fees).
/// </summary>
public sealed record BundleStatus(
    string TxHash,
    string Status,
    ulong ChainId,
    ulong SuperblockHeight,
    string? Reason,
    BundleLegStatus? FailedLeg,
    IReadOnlyList<BundleLegStatus> Legs);

/// <summary>
/// Statuses of user transactions that are not plain inclusions, written in the superblock's own write batch (so a
/// crash never shows a superblock without its statuses): key <c>'B' ++ txHash</c>, value JSON. Plain inclusions and
/// self-reverted transactions are not recorded: their receipts say everything.
/// </summary>
public sealed class BundleStatusStore(IKeyValueStore db)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Queues the statuses of <paramref name="superblock"/>'s notable bundles into <paramref name="batch"/>.</summary>
    public void Stage(IWriteBatch batch, Superblock superblock)
    {
        foreach (BundleReport r in superblock.Bundles)
        {
            string? status = r.Outcome switch
            {
                BundleOutcome.Rejected => "rejected",
                BundleOutcome.Invalid => "invalid",
                BundleOutcome.Included when r.Legs.Count > 1 => "included",
                _ => null,
            };
            if (status is null) continue;
            var record = new BundleStatus(r.TxHash.ToString(), status, r.ChainId, superblock.Height, r.Reason,
                r.FailedLeg is BundleLeg f ? ToStatus(f) : null, [.. r.Legs.Select(ToStatus)]);
            batch.Put(Key(r.TxHash), JsonSerializer.SerializeToUtf8Bytes(record, Json));
        }
    }

    /// <summary>The recorded status of <paramref name="txHash"/>, null when none was recorded.</summary>
    public BundleStatus? Get(Hash256 txHash)
    {
        byte[]? value = db.Get(Key(txHash));
        return value is null ? null : JsonSerializer.Deserialize<BundleStatus>(value, Json);
    }

    private static BundleLegStatus ToStatus(BundleLeg leg) => leg.Depth == 0
        ? new BundleLegStatus(leg.ChainId, leg.TxHash.ToString(), 0, null, null, null)
        : new BundleLegStatus(leg.ChainId, leg.TxHash.ToString(), leg.Depth, leg.SourceChainId, leg.MessageNonce, leg.MessageHash.ToString());

    private static byte[] Key(Hash256 txHash)
    {
        var key = new byte[1 + Hash256.Size];
        key[0] = (byte)'B';
        txHash.CopyTo(key.AsSpan(1));
        return key;
    }
}
