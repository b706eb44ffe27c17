using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Transactions;

/// <summary>
/// Strict decoder for the canonical transaction encodings (EIP-2718 envelope; legacy, EIP-2930, EIP-1559 and
/// EIP-4844 bodies). Every malformed input raises <see cref="TransactionDecodeException"/> with a typed reason;
/// no other exception type escapes. Signature validity and the other static rules are checked separately
/// (<see cref="Transaction.TryRecoverSender"/>, <see cref="TransactionValidator"/>), as in every client.
/// </summary>
public static class TransactionDecoder
{
    private const int LegacyFields = 9;
    private const int AccessListFields = 11;
    private const int DynamicFeeFields = 12;
    private const int BlobFields = 14;
    private const int SystemFields = 7;

    /// <summary>
    /// Decodes one transaction in its canonical binary form: an RLP list for legacy, <c>type || rlp(list)</c> for typed.
    /// </summary>
    /// <remarks>
    /// Only the Cancun user types (legacy, 1, 2, 3): a protocol transaction (0x7F) is <see cref="TransactionError.UnsupportedType"/>
    /// here. <see cref="DecodeUser"/> names that refusal; <see cref="DecodeWithSystem"/> and <see cref="DecodeBlockItem"/> accept it.
    /// </remarks>
    /// <exception cref="TransactionDecodeException">Any malformed, non-canonical or unsupported input.</exception>
    public static Transaction Decode(ReadOnlySpan<byte> encoded) => DecodeCore(encoded, allowSystem: false);

    /// <summary>
    /// Decodes a transaction submitted by a user (eth_sendRawTransaction, the mempool): as <see cref="Decode"/>,
    /// but a protocol transaction (type 0x7F) is refused with <see cref="TransactionError.SystemTransactionNotAllowed"/>,
    /// whatever its body: only the sequencer creates those.
    /// </summary>
    /// <exception cref="TransactionDecodeException">Any malformed, non-canonical or unsupported input, or a system transaction.</exception>
    public static Transaction DecodeUser(ReadOnlySpan<byte> encoded)
    {
        if (!encoded.IsEmpty && encoded[0] == (byte)TxType.System)
            throw Fail(TransactionError.SystemTransactionNotAllowed, "protocol transactions (type 0x7f) are created by the sequencer only");
        return DecodeCore(encoded, allowSystem: false);
    }

    /// <summary>Decodes any transaction a block may contain, protocol transactions (type 0x7F) included.</summary>
    /// <exception cref="TransactionDecodeException">Any malformed, non-canonical or unsupported input.</exception>
    public static Transaction DecodeWithSystem(ReadOnlySpan<byte> encoded) => DecodeCore(encoded, allowSystem: true);

    private static Transaction DecodeCore(ReadOnlySpan<byte> encoded, bool allowSystem)
    {
        if (encoded.IsEmpty) throw new TransactionDecodeException(TransactionError.Empty, "no bytes");
        byte first = encoded[0];
        try
        {
            // EIP-2718: a first byte >= 0xc0 is an RLP list (legacy); [0x00, 0x7f] is a type byte.
            if (first >= 0xc0) return DecodeLegacy(encoded);
            if (first >= 0x80) throw Fail(TransactionError.UnsupportedType, "an RLP string is not a transaction");
            return first switch
            {
                (byte)TxType.AccessList or (byte)TxType.DynamicFee or (byte)TxType.Blob => DecodeTyped((TxType)first, encoded[1..]),
                (byte)TxType.System when allowSystem => DecodeSystem(encoded[1..]),
                _ => throw Fail(TransactionError.UnsupportedType, $"transaction type 0x{first:x2} is not supported under Cancun"),
            };
        }
        catch (RlpException e)
        {
            throw new TransactionDecodeException(TransactionError.MalformedRlp, e.Message, e);
        }
    }

    /// <summary>
    /// Decodes a transaction as it appears inside a block body's transaction list: a legacy transaction is the RLP
    /// list itself, a typed one is an RLP byte string wrapping <c>type || rlp(list)</c> (EIP-2718).
    /// </summary>
    /// <exception cref="TransactionDecodeException">Any malformed, non-canonical or unsupported input.</exception>
    public static Transaction DecodeBlockItem(ReadOnlySpan<byte> rlpItem)
    {
        if (rlpItem.IsEmpty) throw new TransactionDecodeException(TransactionError.Empty, "no bytes");
        if (rlpItem[0] >= 0xc0) return Decode(rlpItem);
        ReadOnlySpan<byte> payload;
        try
        {
            var r = new RlpReader(rlpItem);
            payload = r.ReadBytes();
            r.ExpectEndOfInput();
        }
        catch (RlpException e)
        {
            throw new TransactionDecodeException(TransactionError.MalformedRlp, e.Message, e);
        }
        if (payload.IsEmpty || payload[0] >= 0x80) throw Fail(TransactionError.UnsupportedType, "a typed transaction must start with its type byte");
        // Block bodies carry the sequencer's protocol transactions too.
        return DecodeCore(payload, allowSystem: true);
    }

    private static Transaction DecodeLegacy(ReadOnlySpan<byte> encoded)
    {
        var r = new RlpReader(encoded);
        int end = r.ReadListHeader();
        if (end != encoded.Length) throw Fail(TransactionError.TrailingBytes, "bytes after the transaction list");
        int fields = 0;
        ulong nonce = ReadU64(ref r, end, ref fields, "nonce");
        UInt256 gasPrice = ReadU256(ref r, end, ref fields, "gasPrice");
        ulong gasLimit = ReadU64(ref r, end, ref fields, "gasLimit");
        Address? to = ReadTo(ref r, end, ref fields);
        UInt256 value = ReadU256(ref r, end, ref fields, "value");
        byte[] data = ReadString(ref r, end, ref fields, "data").ToArray();
        UInt256 v = ReadU256(ref r, end, ref fields, "v");
        UInt256 rs = ReadU256(ref r, end, ref fields, "r");
        UInt256 s = ReadU256(ref r, end, ref fields, "s");
        ExpectListEnd(ref r, end, LegacyFields);

        // EIP-155: v = 35 + 2 * chainId + parity; 27/28 (and anything else below 35) carry no chain id.
        UInt256? chainId = v >= 35 ? (v - 35) >> 1 : null;
        return new Transaction
        {
            Type = TxType.Legacy, ChainId = chainId, Nonce = nonce, GasPrice = gasPrice, GasLimit = gasLimit, To = to,
            Value = value, Data = data, V = v, R = rs, S = s,
        };
    }

    private static Transaction DecodeTyped(TxType type, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) throw Fail(TransactionError.MalformedRlp, "type byte without a payload");
        var r = new RlpReader(payload);
        if (!r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "a typed transaction payload must be an RLP list");
        int end = r.ReadListHeader();
        if (end != payload.Length) throw Fail(TransactionError.TrailingBytes, "bytes after the transaction list");
        int fields = 0;
        UInt256 chainId = ReadU256(ref r, end, ref fields, "chainId");
        ulong nonce = ReadU64(ref r, end, ref fields, "nonce");
        UInt256 gasPrice = default, maxPriority = default, maxFee = default;
        if (type == TxType.AccessList)
        {
            gasPrice = ReadU256(ref r, end, ref fields, "gasPrice");
        }
        else
        {
            maxPriority = ReadU256(ref r, end, ref fields, "maxPriorityFeePerGas");
            maxFee = ReadU256(ref r, end, ref fields, "maxFeePerGas");
        }
        ulong gasLimit = ReadU64(ref r, end, ref fields, "gasLimit");
        Address? to = ReadTo(ref r, end, ref fields);
        // EIP-4844: "tx.to ... MUST NOT be nil", blob transactions cannot create contracts.
        if (type == TxType.Blob && to is null) throw Fail(TransactionError.BlobTxWithoutTo, "blob transactions must have a recipient");
        UInt256 value = ReadU256(ref r, end, ref fields, "value");
        byte[] data = ReadString(ref r, end, ref fields, "data").ToArray();
        AccessListEntry[] accessList = ReadAccessList(ref r, end, ref fields);
        UInt256 maxFeePerBlobGas = default;
        Hash256[] blobHashes = [];
        if (type == TxType.Blob)
        {
            maxFeePerBlobGas = ReadU256(ref r, end, ref fields, "maxFeePerBlobGas");
            blobHashes = ReadHashList(ref r, end, ref fields, "blobVersionedHashes");
        }
        UInt256 yParity = ReadU256(ref r, end, ref fields, "yParity");
        UInt256 rs = ReadU256(ref r, end, ref fields, "r");
        UInt256 s = ReadU256(ref r, end, ref fields, "s");
        ExpectListEnd(ref r, end, type switch { TxType.AccessList => AccessListFields, TxType.DynamicFee => DynamicFeeFields, _ => BlobFields });

        return new Transaction
        {
            Type = type, ChainId = chainId, Nonce = nonce, GasPrice = gasPrice, MaxPriorityFeePerGas = maxPriority,
            MaxFeePerGas = maxFee, GasLimit = gasLimit, To = to, Value = value, Data = data, AccessList = accessList,
            MaxFeePerBlobGas = maxFeePerBlobGas, BlobVersionedHashes = blobHashes, V = yParity, R = rs, S = s,
        };
    }

    /// <summary>rlp([chainId, sourceChainId, sourceTxHash, messageNonce, to, gasLimit, data]), no signature.</summary>
    private static Transaction DecodeSystem(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) throw Fail(TransactionError.MalformedRlp, "type byte without a payload");
        var r = new RlpReader(payload);
        if (!r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "a typed transaction payload must be an RLP list");
        int end = r.ReadListHeader();
        if (end != payload.Length) throw Fail(TransactionError.TrailingBytes, "bytes after the transaction list");
        int fields = 0;
        UInt256 chainId = ReadU256(ref r, end, ref fields, "chainId");
        ulong sourceChainId = ReadU64(ref r, end, ref fields, "sourceChainId");
        ReadOnlySpan<byte> sourceTx = ReadString(ref r, end, ref fields, "sourceTxHash");
        if (sourceTx.Length != Hash256.Size) throw Fail(TransactionError.InvalidHashLength, $"sourceTxHash is {sourceTx.Length} bytes");
        var sourceTxHash = new Hash256(sourceTx);
        ulong messageNonce = ReadU64(ref r, end, ref fields, "messageNonce");
        // A delivery always calls a system contract: no creation.
        Address to = ReadTo(ref r, end, ref fields) ?? throw Fail(TransactionError.InvalidAddressLength, "a system transaction must have a recipient");
        ulong gasLimit = ReadU64(ref r, end, ref fields, "gasLimit");
        byte[] data = ReadString(ref r, end, ref fields, "data").ToArray();
        ExpectListEnd(ref r, end, SystemFields);
        return new Transaction
        {
            Type = TxType.System, ChainId = chainId, SourceChainId = sourceChainId, SourceTxHash = sourceTxHash,
            MessageNonce = messageNonce, To = to, GasLimit = gasLimit, Data = data,
        };
    }

    private static AccessListEntry[] ReadAccessList(ref RlpReader r, int end, ref int fields)
    {
        BeginField(ref r, end, ref fields, "accessList");
        if (!r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "accessList must be a list");
        int listEnd = r.ReadListHeader();
        if (listEnd > end) throw Fail(TransactionError.MalformedRlp, "accessList overruns the transaction");
        if (!r.IsBefore(listEnd)) { r.ExpectEnd(listEnd); return []; }
        var entries = new List<AccessListEntry>();
        while (r.IsBefore(listEnd))
        {
            if (!r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "an access-list entry must be a list");
            int entryEnd = r.ReadListHeader();
            if (entryEnd > listEnd) throw Fail(TransactionError.MalformedRlp, "access-list entry overruns its list");
            if (!r.IsBefore(entryEnd)) throw Fail(TransactionError.TooFewFields, "access-list entry without an address");
            if (r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "access-list address must be a string");
            ReadOnlySpan<byte> addr = r.ReadBytes();
            if (addr.Length != Address.Size) throw Fail(TransactionError.InvalidAddressLength, $"access-list address is {addr.Length} bytes");
            if (!r.IsBefore(entryEnd)) throw Fail(TransactionError.TooFewFields, "access-list entry without storage keys");
            if (!r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "access-list storage keys must be a list");
            int keysEnd = r.ReadListHeader();
            if (keysEnd > entryEnd) throw Fail(TransactionError.MalformedRlp, "storage keys overrun their entry");
            var keys = new List<Hash256>();
            while (r.IsBefore(keysEnd))
            {
                if (r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, "a storage key must be a string");
                ReadOnlySpan<byte> key = r.ReadBytes();
                if (key.Length != Hash256.Size) throw Fail(TransactionError.InvalidHashLength, $"storage key is {key.Length} bytes");
                keys.Add(new Hash256(key));
            }
            r.ExpectEnd(keysEnd);
            if (r.IsBefore(entryEnd)) throw Fail(TransactionError.TooManyFields, "access-list entry has more than two items");
            r.ExpectEnd(entryEnd);
            entries.Add(new AccessListEntry(new Address(addr), keys.ToArray()));
        }
        r.ExpectEnd(listEnd);
        return entries.ToArray();
    }

    private static Hash256[] ReadHashList(ref RlpReader r, int end, ref int fields, string name)
    {
        BeginField(ref r, end, ref fields, name);
        if (!r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, $"{name} must be a list");
        int listEnd = r.ReadListHeader();
        if (listEnd > end) throw Fail(TransactionError.MalformedRlp, $"{name} overruns the transaction");
        var hashes = new List<Hash256>();
        while (r.IsBefore(listEnd))
        {
            if (r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, $"an item of {name} must be a string");
            ReadOnlySpan<byte> h = r.ReadBytes();
            if (h.Length != Hash256.Size) throw Fail(TransactionError.InvalidHashLength, $"an item of {name} is {h.Length} bytes");
            hashes.Add(new Hash256(h));
        }
        r.ExpectEnd(listEnd);
        return hashes.ToArray();
    }

    private static Address? ReadTo(ref RlpReader r, int end, ref int fields)
    {
        ReadOnlySpan<byte> b = ReadString(ref r, end, ref fields, "to");
        if (b.IsEmpty) return null;
        if (b.Length != Address.Size) throw Fail(TransactionError.InvalidAddressLength, $"to is {b.Length} bytes");
        return new Address(b);
    }

    private static ulong ReadU64(ref RlpReader r, int end, ref int fields, string name)
    {
        ReadOnlySpan<byte> b = ReadString(ref r, end, ref fields, name);
        if (b.Length > 8) throw Fail(TransactionError.IntegerOverflow, $"{name} exceeds 64 bits");
        if (b.Length > 0 && b[0] == 0) throw Fail(TransactionError.LeadingZeros, $"{name} has leading zeros");
        ulong v = 0;
        for (int i = 0; i < b.Length; i++) v = (v << 8) | b[i];
        return v;
    }

    private static UInt256 ReadU256(ref RlpReader r, int end, ref int fields, string name)
    {
        ReadOnlySpan<byte> b = ReadString(ref r, end, ref fields, name);
        if (b.Length > 32) throw Fail(TransactionError.IntegerOverflow, $"{name} exceeds 256 bits");
        if (b.Length > 0 && b[0] == 0) throw Fail(TransactionError.LeadingZeros, $"{name} has leading zeros");
        return new UInt256(b);
    }

    private static ReadOnlySpan<byte> ReadString(ref RlpReader r, int end, ref int fields, string name)
    {
        BeginField(ref r, end, ref fields, name);
        if (r.NextIsList) throw Fail(TransactionError.UnexpectedItemKind, $"{name} must be a byte string, found a list");
        ReadOnlySpan<byte> b = r.ReadBytes();
        if (r.Position > end) throw Fail(TransactionError.MalformedRlp, $"{name} overruns the transaction list");
        return b;
    }

    private static void BeginField(ref RlpReader r, int end, ref int fields, string name)
    {
        if (!r.IsBefore(end)) throw Fail(TransactionError.TooFewFields, $"missing {name} (field {fields + 1})");
        fields++;
    }

    private static void ExpectListEnd(ref RlpReader r, int end, int expectedFields)
    {
        if (r.IsBefore(end)) throw Fail(TransactionError.TooManyFields, $"more than {expectedFields} fields");
        if (r.Position != end) throw Fail(TransactionError.MalformedRlp, "a field overruns the transaction list");
    }

    private static TransactionDecodeException Fail(TransactionError reason, string message) => new(reason, message);
}
