using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Chain;

/// <summary>
/// A block header (Yellow Paper 4.3) with the fields added by later forks: base fee (London, EIP-1559),
/// withdrawals root (Shanghai, EIP-4895), blob gas used and excess blob gas (Cancun, EIP-4844) and the parent
/// beacon block root (Cancun, EIP-4788). Older headers lack the trailing fields: a null field ends the
/// encoding, so a later field can only be set when every earlier one is.
/// </summary>
public sealed class BlockHeader
{
    public Hash256 ParentHash { get; init; }
    /// <summary>keccak(rlp([])) since the merge: no ommers.</summary>
    public Hash256 OmmersHash { get; init; } = Keccak256.EmptyListHash;
    public Address Coinbase { get; init; }
    public Hash256 StateRoot { get; init; }
    public Hash256 TransactionsRoot { get; init; } = Keccak256.EmptyTrieRoot;
    public Hash256 ReceiptsRoot { get; init; } = Keccak256.EmptyTrieRoot;
    public Bloom LogsBloom { get; init; } = new();
    public UInt256 Difficulty { get; init; }
    public ulong Number { get; init; }
    public ulong GasLimit { get; init; }
    public ulong GasUsed { get; init; }
    public ulong Timestamp { get; init; }
    public byte[] ExtraData { get; init; } = [];
    /// <summary>mixHash before the merge, PREVRANDAO (EIP-4399) after.</summary>
    public Hash256 MixHash { get; init; }
    /// <summary>The 8-byte proof-of-work nonce (zero since the merge).</summary>
    public ulong Nonce { get; init; }
    public UInt256? BaseFeePerGas { get; init; }
    public Hash256? WithdrawalsRoot { get; init; }
    public ulong? BlobGasUsed { get; init; }
    public ulong? ExcessBlobGas { get; init; }
    public Hash256? ParentBeaconBlockRoot { get; init; }

    private Hash256? _hash;

    /// <summary>keccak256 of the RLP encoding: the block hash.</summary>
    public Hash256 Hash => _hash ??= Keccak256.Compute(Encode());

    /// <summary>The canonical RLP list.</summary>
    public byte[] Encode()
    {
        var w = new RlpWriter(600);
        Write(w);
        return w.ToArray();
    }

    /// <summary>Writes the header's RLP list to <paramref name="w"/>.</summary>
    public void Write(RlpWriter w)
    {
        Span<byte> nonce = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonce, Nonce);
        w.StartList()
            .WriteHash(ParentHash).WriteHash(OmmersHash).WriteAddress(Coinbase)
            .WriteHash(StateRoot).WriteHash(TransactionsRoot).WriteHash(ReceiptsRoot)
            .WriteBytes(LogsBloom.Bytes).WriteUInt256(Difficulty).WriteUInt64(Number)
            .WriteUInt64(GasLimit).WriteUInt64(GasUsed).WriteUInt64(Timestamp).WriteBytes(ExtraData)
            .WriteHash(MixHash).WriteBytes(nonce);
        // Each fork appends fields; a missing field ends the list (geth's optional "rlp:optional" tail).
        if (BaseFeePerGas is { } baseFee)
        {
            w.WriteUInt256(baseFee);
            if (WithdrawalsRoot is { } withdrawals)
            {
                w.WriteHash(withdrawals);
                if (BlobGasUsed is { } blobGasUsed && ExcessBlobGas is { } excess)
                {
                    w.WriteUInt64(blobGasUsed).WriteUInt64(excess);
                    if (ParentBeaconBlockRoot is { } beacon) w.WriteHash(beacon);
                }
            }
        }
        w.EndList();
    }

    /// <summary>Decodes a header from its RLP list (and nothing after it).</summary>
    public static BlockHeader Decode(ReadOnlySpan<byte> rlp)
    {
        var r = new RlpReader(rlp);
        BlockHeader h = Read(ref r);
        r.ExpectEndOfInput();
        return h;
    }

    /// <summary>Reads a header list at the reader's position.</summary>
    public static BlockHeader Read(ref RlpReader r)
    {
        int end = r.ReadListHeader();
        Hash256 parent = r.ReadHash(), ommers = r.ReadHash();
        Address coinbase = r.ReadAddress();
        Hash256 state = r.ReadHash(), txs = r.ReadHash(), receipts = r.ReadHash();
        ReadOnlySpan<byte> bloom = r.ReadBytes();
        if (bloom.Length != Bloom.Size) throw new RlpException("logs bloom must be 256 bytes");
        var logsBloom = new Bloom(bloom);
        UInt256 difficulty = r.ReadUInt256();
        ulong number = r.ReadUInt64(), gasLimit = r.ReadUInt64(), gasUsed = r.ReadUInt64(), timestamp = r.ReadUInt64();
        byte[] extra = r.ReadBytes().ToArray();
        Hash256 mix = r.ReadHash();
        ReadOnlySpan<byte> nonce = r.ReadBytes();
        if (nonce.Length != 8) throw new RlpException("nonce must be 8 bytes");
        ulong nonceValue = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(nonce);
        UInt256? baseFee = r.IsBefore(end) ? r.ReadUInt256() : null;
        Hash256? withdrawals = r.IsBefore(end) ? r.ReadHash() : null;
        ulong? blobGasUsed = r.IsBefore(end) ? r.ReadUInt64() : null;
        ulong? excess = blobGasUsed is not null ? r.ReadUInt64() : null;
        Hash256? beacon = r.IsBefore(end) ? r.ReadHash() : null;
        r.ExpectEnd(end);
        var header = new BlockHeader
        {
            ParentHash = parent, OmmersHash = ommers, Coinbase = coinbase, StateRoot = state, TransactionsRoot = txs,
            ReceiptsRoot = receipts, LogsBloom = logsBloom, Difficulty = difficulty, Number = number, GasLimit = gasLimit,
            GasUsed = gasUsed, Timestamp = timestamp, ExtraData = extra, MixHash = mix, Nonce = nonceValue,
            BaseFeePerGas = baseFee, WithdrawalsRoot = withdrawals, BlobGasUsed = blobGasUsed, ExcessBlobGas = excess,
            ParentBeaconBlockRoot = beacon,
        };
        return header;
    }
}
