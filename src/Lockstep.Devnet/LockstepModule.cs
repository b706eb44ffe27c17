using System.Text.Json;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Rpc;
using Lockstep.Sequencer;

namespace Lockstep.Devnet;

/// <summary>
/// The <c>lockstep_*</c> JSON-RPC methods of a rollup of the set (docs/rpc.md):
/// <list type="bullet">
/// <item><c>lockstep_getMessageStatus(txHash)</c>: what became of a user transaction sent to this rollup:
/// <c>pending</c>, <c>included</c> (with every leg of its cross-rollup bundle), <c>rejected</c> (a leg failed: no trace
/// on any rollup, no nonce, no fee; <c>reason</c> and <c>failedLeg</c> say why) or <c>invalid</c>; null when unknown.</item>
/// <item><c>lockstep_getSuperblock(height | "latest")</c>: the blocks of one superblock, one per rollup.</item>
/// <item><c>lockstep_rollups()</c>: the set (name, chain id, RPC URL of each rollup).</item>
/// <item><c>lockstep_l1()</c>: the L1 the set settles on (RPC URL, chain id, contract addresses by name, as in
/// <c>devnet.json</c>), null without one; lets a client that knows one rollup URL (e.g. <c>lockstep demo</c>) find it.</item>
/// </list>
/// </summary>
public sealed class LockstepModule(Devnet devnet, RollupChain chain)
{
    /// <summary>Registers the methods.</summary>
    public void Register(RpcDispatcher dispatcher)
    {
        dispatcher.Register("lockstep_getMessageStatus", GetMessageStatus);
        dispatcher.Register("lockstep_getSuperblock", GetSuperblock);
        dispatcher.Register("lockstep_rollups", Rollups);
        dispatcher.Register("lockstep_l1", L1);
    }

    private void L1(RpcCall call, Utf8JsonWriter w)
    {
        DevnetL1Description? l1 = devnet.Describe().L1;
        if (l1 is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        w.WriteString("rpc", l1.Rpc);
        RpcJson.Quantity(w, "chainId"u8, l1.ChainId);
        w.WriteStartObject("contracts");
        foreach (KeyValuePair<string, string> kv in l1.Contracts) w.WriteString(kv.Key, kv.Value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void GetMessageStatus(RpcCall call, Utf8JsonWriter w)
    {
        Hash256 hash = call.Params.Hash(0, "transaction hash");
        BundleStatus? recorded = devnet.Sequencer.Statuses.Get(hash);
        if (recorded is not null && recorded.ChainId == chain.ChainId)
        {
            WriteStatus(w, recorded);
            return;
        }
        if (chain.TryGetTransaction(hash, out BlockData block, out int index))
        {
            // A plain inclusion: the receipt is the whole story (one leg, this rollup).
            bool success = block.Receipts[index].Success;
            WriteStatus(w, new BundleStatus(hash.ToString(), success ? "included" : "reverted", chain.ChainId, block.Number, null, null,
                [new BundleLegStatus(chain.ChainId, hash.ToString(), 0, null, null, null)]));
            return;
        }
        if (chain.Pool.Contains(hash))
        {
            WriteStatus(w, new BundleStatus(hash.ToString(), "pending", chain.ChainId, 0, null, null, []));
            return;
        }
        w.WriteNullValue();
    }

    private static void WriteStatus(Utf8JsonWriter w, BundleStatus s)
    {
        w.WriteStartObject();
        w.WriteString("transactionHash", s.TxHash);
        w.WriteString("status", s.Status);
        RpcJson.Quantity(w, "chainId"u8, s.ChainId);
        if (s.Status == "pending") w.WriteNull("superblock");
        else RpcJson.Quantity(w, "superblock"u8, s.SuperblockHeight);
        if (s.Reason is null) w.WriteNull("reason");
        else w.WriteString("reason", s.Reason);
        w.WritePropertyName("failedLeg");
        if (s.FailedLeg is null) w.WriteNullValue();
        else WriteLeg(w, s.FailedLeg);
        w.WriteStartArray("legs");
        foreach (BundleLegStatus leg in s.Legs) WriteLeg(w, leg);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLeg(Utf8JsonWriter w, BundleLegStatus leg)
    {
        w.WriteStartObject();
        RpcJson.Quantity(w, "chainId"u8, leg.ChainId);
        w.WriteString("transactionHash", leg.TxHash);
        RpcJson.Quantity(w, "depth"u8, (ulong)leg.Depth);
        if (leg.SourceChainId is ulong source) RpcJson.Quantity(w, "sourceChainId"u8, source);
        if (leg.MessageNonce is ulong nonce) RpcJson.Quantity(w, "messageNonce"u8, nonce);
        if (leg.MessageHash is not null) w.WriteString("messageHash", leg.MessageHash);
        w.WriteEndObject();
    }

    private void GetSuperblock(RpcCall call, Utf8JsonWriter w)
    {
        ulong height;
        JsonElement p = call.Params.Get(0, "height");
        if (p.ValueKind == JsonValueKind.String && p.GetString() == "latest") height = devnet.Sequencer.Height;
        else height = RpcParams.ParseQuantity(p, 0, "height");
        // Genesis is every rollup's block 0; it is not in the superblock index (nothing was sealed).
        IReadOnlyList<(ulong ChainId, Hash256 BlockHash)>? blocks = height == 0
            ? [.. devnet.Sequencer.Chains.Select(c => (c.ChainId, c.Store.GetBlockHash(0)))]
            : devnet.Sequencer.Superblocks.GetSuperblock(height);
        if (blocks is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        RpcJson.Quantity(w, "height"u8, height);
        w.WriteStartArray("blocks");
        foreach ((ulong id, Hash256 hash) in blocks) WriteBlockRef(w, id, hash);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBlockRef(Utf8JsonWriter w, ulong chainId, Hash256 hash)
    {
        w.WriteStartObject();
        RpcJson.Quantity(w, "chainId"u8, chainId);
        RpcJson.Hash(w, "hash"u8, hash);
        w.WriteEndObject();
    }

    private void Rollups(RpcCall call, Utf8JsonWriter w)
    {
        w.WriteStartArray();
        foreach (DevnetRollup r in devnet.Rollups)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            RpcJson.Quantity(w, "chainId"u8, r.Chain.ChainId);
            w.WriteString("rpc", r.Server.Url.ToString().TrimEnd('/'));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
