using System.IO.Compression;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Transactions;

namespace Lockstep.Settlement;

/// <summary>
/// The bytes one rollup contributes to a superbatch (<c>RollupBatch.data</c> in <c>L1SharedInbox.submit</c>):
/// <c>version (0x01) || brotli( rlp([ [number, timestamp, [tx, ...]], ... ]) )</c>, one entry per block of the
/// range, each user transaction as its EIP-2718 encoding (an RLP byte string). Protocol transactions (type 0x7F) are
/// left out: a verifier re-derives every delivery from the logs of the transactions it names (docs/protocol.md), and
/// deposits from L1 events. The inbox commits to <c>keccak256(data)</c> itself. See docs/settlement.md.
/// </summary>
public static class BatchEncoding
{
    /// <summary>Version byte of the Brotli-compressed RLP format.</summary>
    public const byte VersionBrotliRlp = 0x01;

    /// <summary>A decoded block entry of a batch.</summary>
    public sealed record BatchBlock(ulong Number, ulong Timestamp, IReadOnlyList<byte[]> Transactions);

    /// <summary>The uncompressed RLP of <paramref name="blocks"/> (user transactions only).</summary>
    public static byte[] EncodeBlocksRlp(IReadOnlyList<Block> blocks)
    {
        var w = new RlpWriter(1024);
        w.StartList();
        foreach (Block block in blocks)
        {
            w.StartList().WriteUInt64(block.Number).WriteUInt64(block.Header.Timestamp).StartList();
            foreach (Transaction tx in block.Transactions)
                if (tx.Type != TxType.System) w.WriteBytes(tx.Encode());
            w.EndList().EndList();
        }
        w.EndList();
        return w.ToArray();
    }

    /// <summary>The batch data of <paramref name="blocks"/>: version byte then the Brotli-compressed RLP.</summary>
    public static byte[] Encode(IReadOnlyList<Block> blocks)
    {
        byte[] rlp = EncodeBlocksRlp(blocks);
        using var output = new MemoryStream(rlp.Length / 2 + 16);
        output.WriteByte(VersionBrotliRlp);
        // Quality 11 (the maximum): posting is rare, calldata is what L1 charges for (16 gas per non-zero byte).
        using (var brotli = new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) brotli.Write(rlp);
        return output.ToArray();
    }

    /// <summary>Decodes batch data back into its blocks; throws <see cref="InvalidDataException"/> on anything malformed.</summary>
    public static List<BatchBlock> Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || data[0] != VersionBrotliRlp) throw new InvalidDataException("unknown batch data version");
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
                blocks.Add(new BatchBlock(number, timestamp, txs));
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
    public static SuperbatchSubmission BuildSubmission(ulong index, Hash256 parentHash, ulong depositCount, IReadOnlyList<ChainStore> chains,
        ulong firstHeight, ulong lastHeight)
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
        return new SuperbatchSubmission(index, parentHash, depositCount, batches);
    }
}
