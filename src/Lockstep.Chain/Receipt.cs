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
    private Bloom? _bloom;

    /// <summary>
    /// The logs bloom: as given (decoded receipts), else computed from <see cref="Logs"/> on first use. A block builder
    /// never asks for it (the block bloom and the encoding take the bits from the logs directly), so building does not
    /// allocate a 256-byte bloom per receipt.
    /// </summary>
    public Bloom Bloom
    {
        get
        {
            if (_bloom is not null) return _bloom;
            var bloom = new Bloom();
            bloom.Add(Logs);
            return _bloom = bloom;
        }
        init => _bloom = value;
    }

    public IReadOnlyList<LogEntry> Logs { get; init; } = [];

    /// <summary>ORs this receipt's bloom into <paramref name="blockBloom"/> (Yellow Paper 4.3: the block's bloom is the OR of its receipts').</summary>
    public void AccumulateBloomInto(Bloom blockBloom)
    {
        if (_bloom is not null) blockBloom.Accumulate(_bloom);
        else blockBloom.Add(Logs);
    }

    /// <summary>A receipt whose bloom is that of <paramref name="logs"/> (computed when first needed).</summary>
    public static Receipt Create(byte type, bool success, ulong cumulativeGasUsed, IReadOnlyList<LogEntry> logs) =>
        new() { Type = type, Success = success, CumulativeGasUsed = cumulativeGasUsed, Logs = logs };

    private byte[]? _encoded;

    /// <summary>
    /// The consensus encoding (the receipts trie value), written once into an array of the exact size (lengths are
    /// computed first, so no list is moved to widen its header) and kept: the receipts root and the store both need it.
    /// Callers must not modify the returned array.
    /// </summary>
    public byte[] Encode()
    {
        if (_encoded is not null) return _encoded;
        var buffer = new byte[EncodedLength];
        EncodeInto(buffer);
        return _encoded = buffer;
    }

    /// <summary>The length of <see cref="Encode"/>'s bytes, computed from the fields (nothing is encoded).</summary>
    public int EncodedLength => _encoded?.Length ?? (Type != 0 ? 1 : 0) + ListLength(Payload(out _));

    /// <summary>
    /// Writes the consensus encoding into the first <see cref="EncodedLength"/> bytes of <paramref name="buffer"/> and
    /// returns them, without keeping an array: a block builder roots its receipts through one reused buffer (issue 4:
    /// a kept array per receipt was 9% of a superblock build's allocations, all of it copied by every gen0 GC during
    /// the build); the store encodes them again when it writes them.
    /// </summary>
    public ReadOnlySpan<byte> EncodeInto(Span<byte> buffer) => EncodeInto(buffer, null);

    /// <summary>
    /// <see cref="EncodeInto(Span{byte})"/>, also ORing this receipt's bloom into <paramref name="blockBloom"/>: a block
    /// builder gets the header's bloom from the same pass, so each log's address and topics are hashed once per block
    /// (sealing hashed them twice, once for the block bloom and once for the receipts root: 13% of a pair build).
    /// </summary>
    public ReadOnlySpan<byte> EncodeInto(Span<byte> buffer, Bloom? blockBloom)
    {
        if (_encoded is not null)
        {
            _encoded.CopyTo(buffer);
            blockBloom?.Accumulate(_encoded.AsSpan(BloomOffset(), Bloom.Size));
            return buffer[.._encoded.Length];
        }
        int payload = Payload(out int logsPayload);
        return Write(buffer, payload, logsPayload, blockBloom);
    }

    /// <summary><see cref="EncodeInto(Span{byte}, Bloom?)"/> into <paramref name="scratch"/>, replaced by a larger array when too small (the lengths are computed once).</summary>
    internal ReadOnlySpan<byte> EncodeInto(ref byte[] scratch, Bloom? blockBloom)
    {
        if (_encoded is not null)
        {
            if (scratch.Length < _encoded.Length) scratch = new byte[Math.Max(_encoded.Length, 2 * scratch.Length)];
            return EncodeInto(scratch, blockBloom);
        }
        int payload = Payload(out int logsPayload);
        int length = (Type != 0 ? 1 : 0) + ListLength(payload);
        if (scratch.Length < length) scratch = new byte[Math.Max(length, 2 * scratch.Length)];
        return Write(scratch, payload, logsPayload, blockBloom);
    }

    private ReadOnlySpan<byte> Write(Span<byte> buffer, int payload, int logsPayload, Bloom? blockBloom)
    {
        int length = (Type != 0 ? 1 : 0) + ListLength(payload);
        buffer = buffer[..length];
        int at = 0;
        if (Type != 0) buffer[at++] = Type;
        at = WriteListHeader(buffer, at, payload);
        // EIP-658: status is the RLP of 1 or of the empty string.
        buffer[at++] = Success ? (byte)0x01 : (byte)0x80;
        at = WriteUInt64(buffer, at, CumulativeGasUsed);
        buffer[at++] = 0xb9; // a 256-byte string: 0xb7 + 2 length bytes, then 0x0100
        buffer[at++] = 0x01;
        buffer[at++] = 0x00;
        Span<byte> bloomBytes = buffer.Slice(at, Bloom.Size);
        if (_bloom is not null) _bloom.Bytes.CopyTo(bloomBytes);
        else
        {
            bloomBytes.Clear();
            Bloom.AddTo(bloomBytes, Logs); // the bits of the logs, without a Bloom object
        }
        blockBloom?.Accumulate(bloomBytes);
        at += Bloom.Size;
        at = WriteListHeader(buffer, at, logsPayload);
        for (int i = 0; i < Logs.Count; i++)
        {
            LogEntry log = Logs[i];
            at = WriteListHeader(buffer, at, LogPayload(log));
            buffer[at++] = 0x94; // a 20-byte string
            log.Address.CopyTo(buffer.Slice(at, 20));
            at += 20;
            at = WriteListHeader(buffer, at, 33 * log.Topics.Length);
            foreach (Hash256 topic in log.Topics)
            {
                buffer[at++] = 0xa0; // a 32-byte string
                topic.CopyTo(buffer.Slice(at, 32));
                at += 32;
            }
            at = WriteBytes(buffer, at, log.Data);
        }
        if (at != length) throw new InvalidOperationException($"receipt encoding wrote {at} of {length} bytes");
        return buffer;
    }

    // Where the bloom starts in the encoding: type, list header, status (1 byte), cumulative gas, the string header (3).
    private int BloomOffset()
    {
        int payload = Payload(out _);
        return (Type != 0 ? 1 : 0) + (ListLength(payload) - payload) + 1 + UInt64Length(CumulativeGasUsed) + 3;
    }

    private int Payload(out int logsPayload)
    {
        logsPayload = 0;
        for (int i = 0; i < Logs.Count; i++) logsPayload += ListLength(LogPayload(Logs[i]));
        return 1 + UInt64Length(CumulativeGasUsed) + 3 + Bloom.Size + ListLength(logsPayload);
    }

    // RLP sizes (Yellow Paper appendix B): a list or string of n payload bytes has a 1-byte header below 56 bytes,
    // else 1 + the big-endian length's byte count; a single byte below 0x80 is its own encoding.
    private static int LogPayload(LogEntry log) => 21 + ListLength(33 * log.Topics.Length) + BytesLength(log.Data);
    private static int LengthOfLength(int n) => n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
    private static int ListLength(int payload) => payload + (payload < 56 ? 1 : 1 + LengthOfLength(payload));
    private static int BytesLength(byte[] data) =>
        data.Length == 1 && data[0] < 0x80 ? 1 : data.Length + (data.Length < 56 ? 1 : 1 + LengthOfLength(data.Length));
    private static int UInt64Length(ulong v) => v < 0x80 && v != 0 ? 1 : 1 + (64 - System.Numerics.BitOperations.LeadingZeroCount(v) + 7) / 8;

    private static int WriteLength(Span<byte> buffer, int at, byte shortBase, int n)
    {
        if (n < 56) { buffer[at++] = (byte)(shortBase + n); return at; }
        int lol = LengthOfLength(n);
        buffer[at++] = (byte)(shortBase + 55 + lol);
        for (int i = lol - 1; i >= 0; i--) buffer[at++] = (byte)(n >> (8 * i));
        return at;
    }

    private static int WriteListHeader(Span<byte> buffer, int at, int payload) => WriteLength(buffer, at, 0xc0, payload);

    private static int WriteBytes(Span<byte> buffer, int at, byte[] data)
    {
        if (data.Length == 1 && data[0] < 0x80) { buffer[at] = data[0]; return at + 1; }
        at = WriteLength(buffer, at, 0x80, data.Length);
        data.CopyTo(buffer[at..]);
        return at + data.Length;
    }

    private static int WriteUInt64(Span<byte> buffer, int at, ulong v)
    {
        if (v != 0 && v < 0x80) { buffer[at] = (byte)v; return at + 1; }
        int n = (64 - System.Numerics.BitOperations.LeadingZeroCount(v) + 7) / 8;
        buffer[at++] = (byte)(0x80 + n);
        for (int i = n - 1; i >= 0; i--) buffer[at++] = (byte)(v >> (8 * i));
        return at;
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
