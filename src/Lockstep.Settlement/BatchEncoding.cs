using System.IO.Compression;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Transactions;

namespace Lockstep.Settlement;

/// <summary>
/// The bytes one rollup contributes to a superbatch (<c>RollupBatch.data</c> in <c>L1SharedInbox.submit</c>):
/// <c>version (0x02) || brotli( rlp([ [number, timestamp, [tx, ...]], ... ]) )</c>, one entry per block of the
/// range, EVERY transaction of the block in block order as its EIP-2718 encoding (an RLP byte string), the 0x7F
/// protocol transactions (cross-rollup deliveries) included: a delivery's position in the destination block decides
/// that block's state, so a verifier re-executes the posted block as it is and then checks every delivery through
/// the outbox/inbox root equality (docs/verifier.md). Version 0x01 (user transactions only) still decodes. The inbox
/// commits to <c>keccak256(data)</c> itself. See docs/settlement.md.
/// </summary>
public static class BatchEncoding
{
    /// <summary>Version byte of the first format: Brotli-compressed RLP of the user transactions only (decoded, no longer written).</summary>
    public const byte VersionBrotliRlp = 0x01;

    /// <summary>Version byte of the current format: Brotli-compressed RLP of every transaction, 0x7F deliveries included.</summary>
    public const byte VersionBrotliRlpWithDeliveries = 0x02;

    /// <summary>A decoded block entry of a batch: its transactions as EIP-2718 bytes, in block order.</summary>
    /// <param name="Number">Block number.</param>
    /// <param name="Timestamp">Block timestamp.</param>
    /// <param name="Transactions">Every transaction (version 0x02: deliveries included; 0x01: user transactions only).</param>
    /// <param name="IncludesDeliveries">True for version 0x02 data, where the list is the whole block body.</param>
    public sealed record BatchBlock(ulong Number, ulong Timestamp, IReadOnlyList<byte[]> Transactions, bool IncludesDeliveries = true);

    /// <summary>The uncompressed RLP of <paramref name="blocks"/> (every transaction, deliveries included).</summary>
    public static byte[] EncodeBlocksRlp(IReadOnlyList<Block> blocks) => EncodeBlocksRlp(blocks, includeDeliveries: true);

    /// <summary>The uncompressed RLP of <paramref name="blocks"/>, with or without the 0x7F protocol transactions.</summary>
    public static byte[] EncodeBlocksRlp(IReadOnlyList<Block> blocks, bool includeDeliveries)
    {
        var w = new RlpWriter(1024);
        w.StartList();
        foreach (Block block in blocks)
        {
            w.StartList().WriteUInt64(block.Number).WriteUInt64(block.Header.Timestamp).StartList();
            foreach (Transaction tx in block.Transactions)
                if (includeDeliveries || tx.Type != TxType.System) w.WriteBytes(tx.Encode());
            w.EndList().EndList();
        }
        w.EndList();
        return w.ToArray();
    }

    /// <summary>The batch data of <paramref name="blocks"/> (version 0x02): version byte then the Brotli-compressed RLP.</summary>
    public static byte[] Encode(IReadOnlyList<Block> blocks) => Encode(blocks, VersionBrotliRlpWithDeliveries);

    /// <summary>The batch data of <paramref name="blocks"/> in format <paramref name="version"/> (0x01 leaves the deliveries out).</summary>
    public static byte[] Encode(IReadOnlyList<Block> blocks, byte version)
    {
        if (version is not (VersionBrotliRlp or VersionBrotliRlpWithDeliveries)) throw new ArgumentException($"unknown batch data version {version}", nameof(version));
        byte[] rlp = EncodeBlocksRlp(blocks, includeDeliveries: version == VersionBrotliRlpWithDeliveries);
        // Quality 6: measured on a soak round's 633 KB of transactions, quality 11 cost 1,748 ms of CPU against 21-25 ms
        // at 5-6 for 0.3% more bytes (docs/load.md), and at 11 the poster fell behind a busy sequencer.
        var output = new byte[1 + BrotliEncoder.GetMaxCompressedLength(rlp.Length)];
        output[0] = version;
        if (!BrotliEncoder.TryCompress(rlp, output.AsSpan(1), out int written, CompressionQuality, CompressionWindowBits))
            throw new InvalidOperationException("Brotli compression did not fit its own maximum length");
        return output.AsSpan(0, 1 + written).ToArray();
    }

    /// <summary>Brotli quality of new batch data (0-11); decoding accepts any.</summary>
    public const int CompressionQuality = 6;

    /// <summary>Brotli window (log2 of bytes, 10-24): 4 MiB, enough to span a superbatch's transactions.</summary>
    public const int CompressionWindowBits = 22;

    /// <summary>Decodes batch data back into its blocks; throws <see cref="InvalidDataException"/> on anything malformed.</summary>
    public static List<BatchBlock> Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || data[0] is not (VersionBrotliRlp or VersionBrotliRlpWithDeliveries)) throw new InvalidDataException("unknown batch data version");
        bool withDeliveries = data[0] == VersionBrotliRlpWithDeliveries;
        byte[] rlp;
        try
        {
            using var input = new MemoryStream(data[1..].ToArray());
            using var brotli = new BrotliStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            brotli.CopyTo(output);
            rlp = output.ToArray();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            throw new InvalidDataException("batch data is not valid Brotli", e);
        }
        var blocks = new List<BatchBlock>();
        try
        {
            var r = new RlpReader(rlp);
            int end = r.ReadListHeader();
            while (r.IsBefore(end))
            {
                int blockEnd = r.ReadListHeader();
                ulong number = r.ReadUInt64();
                ulong timestamp = r.ReadUInt64();
                int txEnd = r.ReadListHeader();
                var txs = new List<byte[]>();
                while (r.IsBefore(txEnd)) txs.Add(r.ReadBytes().ToArray());
                r.ExpectEnd(txEnd);
                r.ExpectEnd(blockEnd);
                blocks.Add(new BatchBlock(number, timestamp, txs, withDeliveries));
            }
            r.ExpectEnd(end);
            r.ExpectEndOfInput();
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException("batch data is not valid RLP: " + e.Message, e);
        }
        return blocks;
    }

    /// <summary>
    /// The submission of superblocks [<paramref name="firstHeight"/>, <paramref name="lastHeight"/>] of
    /// <paramref name="chains"/> (in the inbox's <c>chainIds()</c> order): per rollup the block range, the batch data
    /// and the claimed post-state root = the state root of its block at <paramref name="lastHeight"/>.
    /// </summary>
    /// <param name="index">Superbatch index.</param>
    /// <param name="parentHash">The previous superbatch's hash (zero for the first).</param>
    /// <param name="depositCount">Deposit queue entries consumed through this superbatch.</param>
    /// <param name="chains">The rollups, in the inbox's order.</param>
    /// <param name="firstHeight">First superblock of the range.</param>
    /// <param name="lastHeight">Last superblock of the range.</param>
    /// <param name="faults">Devnet/test only: a <see cref="Lockstep.Sequencer.FaultInjector"/> whose armed forged roots are
    /// applied to the claims (issue 6); null (always in production) claims the real roots.</param>
    /// <param name="chainIds">The chain ids of <paramref name="chains"/> (needed with <paramref name="faults"/>).</param>
    public static SuperbatchSubmission BuildSubmission(ulong index, Hash256 parentHash, ulong depositCount, IReadOnlyList<ChainStore> chains,
        ulong firstHeight, ulong lastHeight, Lockstep.Sequencer.FaultInjector? faults = null, IReadOnlyList<ulong>? chainIds = null)
    {
        if (lastHeight < firstHeight) throw new ArgumentException($"empty range [{firstHeight}, {lastHeight}]");
        var batches = new List<RollupBatch>(chains.Count);
        foreach (ChainStore chain in chains)
        {
            var blocks = new List<Block>((int)(lastHeight - firstHeight + 1));
            for (ulong h = firstHeight; h <= lastHeight; h++)
                blocks.Add(chain.GetBlock(h) ?? throw new InvalidOperationException($"block {h} is missing from a rollup's store"));
            batches.Add(new RollupBatch(firstHeight, lastHeight, blocks[^1].Header.StateRoot, Encode(blocks)));
        }
        if (faults is not null)
        {
            if (chainIds is null || chainIds.Count != chains.Count) throw new ArgumentException("fault injection needs the chain ids of the chains", nameof(chainIds));
            var roots = new Hash256[chains.Count];
            for (int i = 0; i < chains.Count; i++) roots[i] = batches[i].StateRoot;
            foreach ((int at, Hash256 forged) in faults.ForgeClaims(chainIds, roots, firstHeight, lastHeight))
                batches[at] = batches[at] with { StateRoot = forged };
        }
        return new SuperbatchSubmission(index, parentHash, depositCount, batches);
    }
}
