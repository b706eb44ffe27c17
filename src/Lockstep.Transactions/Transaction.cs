using System.Runtime.CompilerServices;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Transactions;

/// <summary>
/// An Ethereum transaction of any type Cancun knows (legacy, EIP-2930, EIP-1559, EIP-4844), immutable once built.
/// Fields a type does not have stay at their defaults. Build one with an object initializer, decode one with
/// <see cref="TransactionDecoder"/>, sign with <see cref="Sign"/>, recover its sender with <see cref="TryRecoverSender"/>.
/// </summary>
public sealed class Transaction
{
    // Lazily computed; boxed so that publishing a value is one atomic reference write when transactions are
    // shared between threads (a Nullable<Hash256> could be observed half-written).
    private StrongBox<Hash256>? _hash;
    private StrongBox<Address>? _sender;

    /// <summary>The EIP-2718 type.</summary>
    public TxType Type { get; init; }

    /// <summary>
    /// The chain id. Typed transactions carry it as a field. For legacy transactions it is derived from
    /// v = 35 + 2 * chainId + parity (EIP-155), and null for a pre-EIP-155 (v = 27/28) transaction; when signing
    /// a legacy transaction it selects EIP-155 (non-null) or Homestead (null) replay behaviour.
    /// </summary>
    public UInt256? ChainId { get; init; }

    /// <summary>Sender nonce (EIP-2681 bounds it below 2^64-1; see <see cref="TransactionValidator"/>).</summary>
    public ulong Nonce { get; init; }

    /// <summary>Gas price of legacy and EIP-2930 transactions.</summary>
    public UInt256 GasPrice { get; init; }

    /// <summary>EIP-1559 max priority fee per gas (types 2 and 3).</summary>
    public UInt256 MaxPriorityFeePerGas { get; init; }

    /// <summary>EIP-1559 max fee per gas (types 2 and 3).</summary>
    public UInt256 MaxFeePerGas { get; init; }

    /// <summary>Gas limit.</summary>
    public ulong GasLimit { get; init; }

    /// <summary>Recipient; null means contract creation (not allowed for blob transactions).</summary>
    public Address? To { get; init; }

    /// <summary>Wei transferred.</summary>
    public UInt256 Value { get; init; }

    /// <summary>Call data, or init code for a creation.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>EIP-2930 access list (types 1, 2, 3).</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    /// <summary>EIP-4844 max fee per blob gas (type 3).</summary>
    public UInt256 MaxFeePerBlobGas { get; init; }

    /// <summary>EIP-4844 versioned hashes of the blobs (type 3).</summary>
    public IReadOnlyList<Hash256> BlobVersionedHashes { get; init; } = [];

    /// <summary>Legacy: the raw v (27/28 or 35 + 2 * chainId + parity). Typed: the y parity, 0 or 1.</summary>
    public UInt256 V { get; init; }

    /// <summary>Signature r.</summary>
    public UInt256 R { get; init; }

    /// <summary>Signature s.</summary>
    public UInt256 S { get; init; }

    /// <summary>System transactions (<see cref="TxType.System"/>): the chain id of the rollup whose transaction sent the message.</summary>
    public ulong SourceChainId { get; init; }

    /// <summary>System transactions: the hash of the user transaction (on the source rollup) that sent the message.</summary>
    public Hash256 SourceTxHash { get; init; }

    /// <summary>System transactions: the message nonce (outbox index on the source == inbox index on this rollup).</summary>
    public ulong MessageNonce { get; init; }

    /// <summary>True for a protocol transaction (<see cref="TxType.System"/>): unsigned, sent by <see cref="SystemTransaction.ProtocolSender"/>.</summary>
    public bool IsSystem => Type == TxType.System;

    /// <summary>True when this is a contract creation.</summary>
    public bool IsCreate => To is null;

    /// <summary>The fee cap per gas: maxFeePerGas for EIP-1559 types, gasPrice otherwise.</summary>
    public UInt256 FeeCap => Type >= TxType.DynamicFee ? MaxFeePerGas : GasPrice;

    /// <summary>The tip cap per gas: maxPriorityFeePerGas for EIP-1559 types, gasPrice otherwise.</summary>
    public UInt256 TipCap => Type >= TxType.DynamicFee ? MaxPriorityFeePerGas : GasPrice;

    /// <summary>GAS_PER_BLOB = 2^17 (EIP-4844).</summary>
    public const ulong GasPerBlob = 131072;

    /// <summary>Blob gas this transaction consumes: GAS_PER_BLOB per versioned hash (EIP-4844), zero for other types.</summary>
    public ulong BlobGas => Type == TxType.Blob ? GasPerBlob * (ulong)BlobVersionedHashes.Count : 0;

    /// <summary>
    /// The price per gas actually paid in a block with <paramref name="baseFee"/>: gasPrice for legacy and EIP-2930,
    /// <c>min(maxFeePerGas, baseFee + maxPriorityFeePerGas)</c> for EIP-1559 types. The caller must already have
    /// checked that the fee cap covers the base fee.
    /// </summary>
    public UInt256 EffectiveGasPrice(in UInt256 baseFee)
    {
        if (Type < TxType.DynamicFee) return GasPrice;
        UInt256 withTip = UInt256.AddOverflow(baseFee, MaxPriorityFeePerGas, out bool overflow);
        return overflow || withTip > MaxFeePerGas ? MaxFeePerGas : withTip;
    }

    /// <summary>
    /// The canonical encoding: <c>rlp([...])</c> for legacy, <c>type || rlp([...])</c> for typed transactions
    /// (EIP-2718). This is what <see cref="TransactionDecoder.Decode"/> reads and what the transaction hash covers.
    /// </summary>
    public byte[] Encode() => EncodeInto(new RlpWriter(129 + Data.Length)).ToArray();

    /// <summary>
    /// Writes <see cref="Encode"/>'s bytes into <paramref name="writer"/> (reset first) and returns them: a block
    /// builder hashing or rooting a thousand transactions reuses one writer instead of an array and a writer per
    /// transaction. The span is valid until the writer is used again.
    /// </summary>
    public ReadOnlySpan<byte> EncodeInto(RlpWriter writer)
    {
        writer.Reset();
        int payload = writer.ReserveListHeader();
        WriteFields(writer, signing: false, ChainId);
        return writer.CloseReservedList(payload, Type == TxType.Legacy ? -1 : (int)Type); // EIP-2718: type || rlp([...])
    }

    /// <summary>
    /// Writes this transaction as an item of a block body's transaction list: the RLP list itself for legacy,
    /// an RLP byte string holding <c>type || rlp([...])</c> for typed transactions (EIP-2718).
    /// </summary>
    public void WriteBlockItem(RlpWriter writer)
    {
        if (Type == TxType.Legacy) writer.WriteRaw(Encode());
        else writer.WriteBytes(Encode());
    }

    /// <summary>keccak256 of <see cref="Encode"/>: the transaction hash.</summary>
    public Hash256 Hash => (_hash ??= new StrongBox<Hash256>(Keccak256.Compute(EncodeInto(t_hashWriter ??= new RlpWriter(512))))).Value;

    // One writer per thread for hashing: the encoding is only hashed, never kept (issue 4: re-encoding every
    // transaction into a fresh array for its hash was 9% of a superblock build's allocations).
    [ThreadStatic] private static RlpWriter? t_hashWriter;

    /// <summary>The hash signed by the sender, committing to this transaction's own chain id.</summary>
    public Hash256 SigningHash() => SigningHash(ChainId);

    /// <summary>
    /// The hash a sender signs, per type: legacy <c>keccak(rlp([nonce, gasPrice, gas, to, value, data]))</c>
    /// (Homestead, <paramref name="chainId"/> null) or with <c>[chainId, 0, 0]</c> appended (EIP-155);
    /// typed <c>keccak(type || rlp([chainId, ...fields]))</c> (EIP-2930, EIP-1559, EIP-4844).
    /// </summary>
    /// <param name="chainId">The chain id to commit to; required for typed transactions.</param>
    public Hash256 SigningHash(UInt256? chainId)
    {
        if (Type != TxType.Legacy && chainId is null) throw new ArgumentException("typed transactions always commit to a chain id", nameof(chainId));
        if (Type == TxType.System) throw new InvalidOperationException("system transactions are not signed");
        RlpWriter w = t_hashWriter ??= new RlpWriter(512);
        w.Reset();
        int payload = w.ReserveListHeader();
        WriteFields(w, signing: true, chainId);
        return Keccak256.Compute(w.CloseReservedList(payload, Type == TxType.Legacy ? -1 : (int)Type));
    }

    /// <summary>
    /// Returns a copy signed with <paramref name="privateKey32"/> (RFC 6979, low s). Legacy transactions get
    /// v = 35 + 2 * chainId + parity when <see cref="ChainId"/> is set (EIP-155), else 27 + parity.
    /// </summary>
    public Transaction Sign(ReadOnlySpan<byte> privateKey32)
    {
        Span<byte> hash = stackalloc byte[32];
        SigningHash().CopyTo(hash);
        var (r, s, recoveryId) = Ecdsa.Sign(hash, privateKey32);
        UInt256 v = Type != TxType.Legacy
            ? (UInt256)(uint)recoveryId
            : ChainId is { } c ? c * 2 + (UInt256)(uint)(35 + recoveryId) : (UInt256)(uint)(27 + recoveryId);
        return WithSignature(v, r, s);
    }

    /// <summary>A copy of this transaction with another signature (and nothing else changed).</summary>
    public Transaction WithSignature(UInt256 v, UInt256 r, UInt256 s) => new()
    {
        Type = Type, ChainId = ChainId, Nonce = Nonce, GasPrice = GasPrice, MaxPriorityFeePerGas = MaxPriorityFeePerGas,
        MaxFeePerGas = MaxFeePerGas, GasLimit = GasLimit, To = To, Value = Value, Data = Data, AccessList = AccessList,
        MaxFeePerBlobGas = MaxFeePerBlobGas, BlobVersionedHashes = BlobVersionedHashes, V = v, R = r, S = s,
        SourceChainId = SourceChainId, SourceTxHash = SourceTxHash, MessageNonce = MessageNonce,
    };

    /// <summary>
    /// Recovers the sender under the signature validity rules: v per type (27/28 or 35 + 2 * chainId + {0,1} for
    /// legacy, yParity 0/1 for typed), chain id equal to <paramref name="chainId"/> whenever the transaction
    /// commits to one, r in [1, n-1] and s in [1, n/2] (EIP-2).
    /// </summary>
    /// <returns>True with the sender, or false with the reason.</returns>
    public bool TryRecoverSender(ulong chainId, out Address sender, out TransactionError error)
    {
        sender = default;
        // A protocol transaction has no signature: its sender is implied, and only the block builder may use it.
        if (Type == TxType.System) { error = TransactionError.SystemTransactionNotAllowed; return false; }
        UInt256? signingChainId;
        int recoveryId;
        if (Type == TxType.Legacy)
        {
            if (V == 27 || V == 28)
            {
                // Homestead-style, replayable across chains; still valid (EIP-155 made protection optional).
                signingChainId = null;
                recoveryId = (int)(V.U0 - 27);
            }
            else if (V >= 35)
            {
                UInt256 offset = V - 35;
                UInt256 txChainId = offset >> 1;
                if (txChainId != chainId) { error = TransactionError.InvalidChainId; return false; }
                signingChainId = txChainId;
                recoveryId = (int)(offset.U0 & 1);
            }
            else
            {
                error = V.IsZero || V.IsOne ? TransactionError.InvalidSignature : TransactionError.InvalidChainId;
                return false;
            }
        }
        else
        {
            if (ChainId is not { } txChainId || txChainId != chainId) { error = TransactionError.InvalidChainId; return false; }
            if (V > 1) { error = TransactionError.InvalidSignature; return false; }
            signingChainId = txChainId;
            recoveryId = (int)V.U0;
        }

        // EIP-2: s above n/2 is malleable and invalid for transactions (ecrecover itself still accepts it).
        if (R.IsZero || R >= Ecdsa.N || S.IsZero || S > Ecdsa.HalfN) { error = TransactionError.InvalidSignature; return false; }

        if (_sender is { } cached) { sender = cached.Value; error = TransactionError.None; return true; }

        Span<byte> hash = stackalloc byte[32];
        Span<byte> r = stackalloc byte[32];
        Span<byte> s = stackalloc byte[32];
        SigningHash(signingChainId).CopyTo(hash);
        R.WriteBigEndian(r);
        S.WriteBigEndian(s);
        if (!Ecdsa.TryRecoverAddress(hash, r, s, recoveryId, out sender)) { error = TransactionError.RecoveryFailed; return false; }
        _sender = new StrongBox<Address>(sender);
        error = TransactionError.None;
        return true;
    }

    /// <summary>The fields of the transaction's list, without the list header (the caller reserved it).</summary>
    private void WriteFields(RlpWriter w, bool signing, UInt256? chainId)
    {
        if (Type == TxType.System)
        {
            w.WriteUInt256(chainId ?? UInt256.Zero).WriteUInt64(SourceChainId).WriteHash(SourceTxHash).WriteUInt64(MessageNonce);
            if (To is { } target) w.WriteAddress(target);
            else w.WriteBytes([]);
            w.WriteUInt64(GasLimit).WriteBytes(Data.Span);
        }
        else if (Type == TxType.Legacy)
        {
            WriteCommon(w, withChainId: false, chainId);
            if (signing)
            {
                if (chainId is { } c) w.WriteUInt256(c).WriteUInt64(0).WriteUInt64(0); // EIP-155
            }
            else
            {
                w.WriteUInt256(V).WriteUInt256(R).WriteUInt256(S);
            }
        }
        else
        {
            WriteCommon(w, withChainId: true, chainId);
            WriteAccessList(w, AccessList);
            if (Type == TxType.Blob)
            {
                w.WriteUInt256(MaxFeePerBlobGas);
                w.StartList();
                for (int i = 0; i < BlobVersionedHashes.Count; i++) w.WriteHash(BlobVersionedHashes[i]);
                w.EndList();
            }
            if (!signing) w.WriteUInt256(V).WriteUInt256(R).WriteUInt256(S);
        }
    }

    private void WriteCommon(RlpWriter w, bool withChainId, UInt256? chainId)
    {
        if (withChainId) w.WriteUInt256(chainId ?? UInt256.Zero);
        w.WriteUInt64(Nonce);
        if (Type >= TxType.DynamicFee) w.WriteUInt256(MaxPriorityFeePerGas).WriteUInt256(MaxFeePerGas);
        else w.WriteUInt256(GasPrice);
        w.WriteUInt64(GasLimit);
        if (To is { } to) w.WriteAddress(to);
        else w.WriteBytes([]);
        w.WriteUInt256(Value);
        w.WriteBytes(Data.Span);
    }

    private static void WriteAccessList(RlpWriter w, IReadOnlyList<AccessListEntry> list)
    {
        w.StartList();
        for (int i = 0; i < list.Count; i++)
        {
            w.StartList();
            w.WriteAddress(list[i].Address);
            w.StartList();
            IReadOnlyList<Hash256> keys = list[i].StorageKeys;
            for (int k = 0; k < keys.Count; k++) w.WriteHash(keys[k]);
            w.EndList();
            w.EndList();
        }
        w.EndList();
    }
}
