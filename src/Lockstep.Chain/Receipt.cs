using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.State;

namespace Lockstep.Chain;

/// <summary>
/// A transaction receipt (Yellow Paper 4.3.1, post-Byzantium EIP-658 status form):
/// rlp([status, cumulativeGasUsed, logsBloom, logs]), prefixed by the transaction type for typed transactions
/// (EIP-2718: <c>type ++ rlp(...)</c>).
/// </summary>
public sealed class Receipt
{
    /// <summary>The EIP-2718 type of the transaction (0 = legacy, no prefix).</summary>
    public byte Type { get; init; }
    /// <summary>EIP-658: true when execution succeeded.</summary>
    public bool Success { get; init; }
    /// <summary>Gas used by this and every earlier transaction of the block.</summary>
    public ulong CumulativeGasUsed { get; init; }
    public Bloom Bloom { get; init; } = new();
    public IReadOnlyList<LogEntry> Logs { get; init; } = [];

    /// <summary>A receipt whose bloom is computed from <paramref name="logs"/>.</summary>
    public static Receipt Create(byte type, bool success, ulong cumulativeGasUsed, IReadOnlyList<LogEntry> logs)
    {
        var bloom = new Bloom();
        bloom.Add(logs);
        return new Receipt { Type = type, Success = success, CumulativeGasUsed = cumulativeGasUsed, Bloom = bloom, Logs = logs };
    }

    /// <summary>The consensus encoding (the receipts trie value).</summary>
    public byte[] Encode()
    {
        var w = new RlpWriter(300);
        if (Type != 0) w.WriteRaw([Type]);
        w.StartList();
        // EIP-658: status is the RLP of 1 or of the empty string.
        if (Success) w.WriteUInt64(1); else w.WriteBytes([]);
        w.WriteUInt64(CumulativeGasUsed).WriteBytes(Bloom.Bytes);
        LogEntry.WriteList(w, Logs);
        w.EndList();
        return w.ToArray();
    }

    /// <summary>Decodes the consensus encoding.</summary>
    public static Receipt Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty) throw new RlpException("empty receipt");
        byte type = 0;
        // A typed receipt starts with its type byte (< 0x7f per EIP-2718); a legacy one with a list prefix (>= 0xc0).
        if (encoded[0] < 0x80)
        {
            type = encoded[0];
            encoded = encoded[1..];
        }
        var r = new RlpReader(encoded);
        int end = r.ReadListHeader();
        ReadOnlySpan<byte> status = r.ReadBytes();
        bool success = status.Length switch
        {
            0 => false,
            1 when status[0] == 1 => true,
            _ => throw new RlpException("receipt status must be 0 or 1 (EIP-658)"),
        };
        ulong cumulative = r.ReadUInt64();
        ReadOnlySpan<byte> bloom = r.ReadBytes();
        if (bloom.Length != Bloom.Size) throw new RlpException("receipt bloom must be 256 bytes");
        var logsBloom = new Bloom(bloom);
        var logs = new List<LogEntry>();
        int logsEnd = r.ReadListHeader();
        while (r.IsBefore(logsEnd))
        {
            int logEnd = r.ReadListHeader();
            Address address = r.ReadAddress();
            var topics = new List<Hash256>();
            int topicsEnd = r.ReadListHeader();
            while (r.IsBefore(topicsEnd)) topics.Add(r.ReadHash());
            r.ExpectEnd(topicsEnd);
            byte[] data = r.ReadBytes().ToArray();
            r.ExpectEnd(logEnd);
            logs.Add(new LogEntry(address, topics.ToArray(), data));
        }
        r.ExpectEnd(logsEnd);
        r.ExpectEnd(end);
        r.ExpectEndOfInput();
        return new Receipt { Type = type, Success = success, CumulativeGasUsed = cumulative, Bloom = logsBloom, Logs = logs };
    }
}
