using Lockstep.Crypto;
using Lockstep.Primitives;

namespace Lockstep.Transactions.Tests;

/// <summary>The static rules on hand-built transactions; expected numbers come from the EIP texts cited.</summary>
public class ValidationTests
{
    private static readonly byte[] Key = Keccak256.Compute("lockstep"u8).ToArray();

    private static Transaction Call(TxType type = TxType.DynamicFee, UInt256? chainId = null, byte[]? data = null, Hash256[]? blobs = null) => new()
    {
        Type = type, ChainId = type == TxType.Legacy ? chainId : chainId ?? 1, Nonce = 1, Data = data ?? [], GasPrice = 10, MaxFeePerGas = 10, MaxPriorityFeePerGas = 1, GasLimit = 100_000,
        To = Address.FromNumber(0xabc), Value = 5,
        BlobVersionedHashes = blobs ?? (type == TxType.Blob ? [VersionedHash(1)] : []),
    };

    private static Hash256 VersionedHash(byte version)
    {
        var b = new byte[32];
        b[0] = version;
        b[31] = 7;
        return new Hash256(b);
    }

    [Fact]
    public void HighS_IsRejected_ButEcrecoverAcceptsIt()
    {
        Transaction tx = Call().Sign(Key);
        // EIP-2: the same signature with s' = n - s and the parity flipped is a valid ECDSA signature but invalid in a transaction.
        Transaction malleated = tx.WithSignature(1 - tx.V, tx.R, Ecdsa.N - tx.S);
        Assert.False(malleated.TryRecoverSender(1, out _, out TransactionError error));
        Assert.Equal(TransactionError.InvalidSignature, error);
        Assert.True(Ecdsa.TryRecoverAddress(tx.SigningHash().ToArray(), tx.R.ToBigEndian(), (Ecdsa.N - tx.S).ToBigEndian(), (int)(1 - tx.V).U0, out Address a));
        Assert.Equal(Ecdsa.PrivateKeyToAddress(Key), a);
    }

    [Fact]
    public void SignatureRanges()
    {
        Transaction tx = Call().Sign(Key);
        Assert.Equal(TransactionError.InvalidSignature, Recover(tx.WithSignature(2, tx.R, tx.S)));
        Assert.Equal(TransactionError.InvalidSignature, Recover(tx.WithSignature(tx.V, 0, tx.S)));
        Assert.Equal(TransactionError.InvalidSignature, Recover(tx.WithSignature(tx.V, tx.R, 0)));
        Assert.Equal(TransactionError.InvalidSignature, Recover(tx.WithSignature(tx.V, Ecdsa.N, tx.S)));
        Assert.Equal(TransactionError.InvalidSignature, Recover(tx.WithSignature(tx.V, tx.R, Ecdsa.HalfN + 1)));
        Assert.Equal(TransactionError.None, Recover(tx));
    }

    [Fact]
    public void LegacyV_PerEip155()
    {
        Transaction unprotected = Call(TxType.Legacy).Sign(Key);
        Assert.True(unprotected.V == 27 || unprotected.V == 28);
        Assert.Null(TransactionDecoder.Decode(unprotected.Encode()).ChainId);
        Assert.Equal(TransactionError.None, Recover(unprotected, 1));
        Assert.Equal(TransactionError.None, Recover(unprotected, 5)); // replayable by design

        Transaction protectedTx = Call(TxType.Legacy, chainId: 5).Sign(Key);
        Assert.True(protectedTx.V == 45 || protectedTx.V == 46); // 35 + 2 * 5 + parity
        Assert.Equal(TransactionError.None, Recover(protectedTx, 5));
        Assert.Equal(TransactionError.InvalidChainId, Recover(protectedTx, 1));
        foreach (uint v in new uint[] { 0, 1, 26, 29, 34 })
            Assert.NotEqual(TransactionError.None, Recover(protectedTx.WithSignature(v, protectedTx.R, protectedTx.S), 5));
    }

    [Fact]
    public void IntrinsicGas_MatchesEipFormulas()
    {
        // 3 zero bytes and 2 non-zero: 21000 + 3*4 + 2*16 (EIP-2028).
        var data = new byte[] { 0, 1, 0, 2, 0 };
        Assert.Equal(21000UL + 12 + 32, IntrinsicGas.Compute(Call(data: data)));
        // Creation with 33 bytes of init code: + 32000 + 2 words * 2 (EIP-3860).
        var init = new byte[33];
        init[0] = 1;
        Transaction create = new() { Type = TxType.DynamicFee, ChainId = 1, GasLimit = 100_000, Data = init };
        Assert.Equal(21000UL + 32000 + 32 * 4 + 16 + 2 * 2, IntrinsicGas.Compute(create));
        // Access list: 2 addresses, 3 keys: 2*2400 + 3*1900 (EIP-2930).
        Transaction withList = new()
        {
            Type = TxType.AccessList, ChainId = 1, GasLimit = 100_000, To = Address.Zero,
            AccessList = [new AccessListEntry(Address.Zero, [Hash256.Zero, Hash256.Zero]), new AccessListEntry(Address.FromNumber(1), [Hash256.Zero])],
        };
        Assert.Equal(21000UL + 2 * 2400 + 3 * 1900, IntrinsicGas.Compute(withList));
    }

    [Fact]
    public void StaticRules()
    {
        Assert.Equal(TransactionError.None, Static(Call()));
        Assert.Equal(TransactionError.NonceTooBig, Static(new Transaction { Type = TxType.DynamicFee, ChainId = 1, Nonce = ulong.MaxValue, GasLimit = 21000, To = Address.Zero }));
        Assert.Equal(TransactionError.PriorityFeeGreaterThanMaxFee, Static(new Transaction { Type = TxType.DynamicFee, ChainId = 1, MaxFeePerGas = 1, MaxPriorityFeePerGas = 2, GasLimit = 21000, To = Address.Zero }));
        Assert.Equal(TransactionError.GasLimitPriceProductOverflow, Static(new Transaction { Type = TxType.Legacy, GasPrice = UInt256.MaxValue, GasLimit = 21000, To = Address.Zero }));
        Assert.Equal(TransactionError.None, Static(new Transaction { Type = TxType.Legacy, GasPrice = UInt256.MaxValue / 21000, GasLimit = 21000, To = Address.Zero }));
        Assert.Equal(TransactionError.IntrinsicGasTooLow, Static(new Transaction { Type = TxType.Legacy, GasLimit = 20999, To = Address.Zero }));
        Assert.Equal(TransactionError.None, Static(new Transaction { Type = TxType.Legacy, GasLimit = 21000, To = Address.Zero }));
        // EIP-3860: 49152 bytes of init code are allowed, 49153 are not.
        Assert.Equal(TransactionError.None, Static(new Transaction { Type = TxType.Legacy, GasLimit = 30_000_000, Data = new byte[49152] }));
        Assert.Equal(TransactionError.InitCodeTooLarge, Static(new Transaction { Type = TxType.Legacy, GasLimit = 30_000_000, Data = new byte[49153] }));
        Assert.Equal(TransactionError.None, Static(new Transaction { Type = TxType.Legacy, GasLimit = 30_000_000, To = Address.Zero, Data = new byte[49153] }));
    }

    [Fact]
    public void BlobRules_Eip4844()
    {
        Assert.Equal(TransactionError.None, Static(Call(TxType.Blob)));
        Assert.Equal(TransactionError.InvalidBlobCount, Static(Call(TxType.Blob, blobs: [])));
        Assert.Equal(TransactionError.InvalidBlobCount, Static(Call(TxType.Blob, blobs: Enumerable.Repeat(VersionedHash(1), 7).ToArray())));
        Assert.Equal(TransactionError.None, Static(Call(TxType.Blob, blobs: Enumerable.Repeat(VersionedHash(1), 6).ToArray())));
        Assert.Equal(TransactionError.InvalidBlobVersionedHash, Static(Call(TxType.Blob, blobs: [VersionedHash(2)])));

        // A blob transaction without `to` cannot even be decoded.
        byte[] noTo = new Transaction { Type = TxType.Blob, ChainId = 1, GasLimit = 21000, BlobVersionedHashes = [VersionedHash(1)] }.Sign(Key).Encode();
        var e = Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(noTo));
        Assert.Equal(TransactionError.BlobTxWithoutTo, e.Reason);
    }

    [Fact]
    public void Decoder_RejectsUnsupportedTypesAndTrailingBytes()
    {
        byte[] ok = Call().Sign(Key).Encode();
        foreach (byte t in new byte[] { 0x00, 0x04, 0x7f })
        {
            byte[] other = (byte[])ok.Clone();
            other[0] = t;
            Assert.Equal(TransactionError.UnsupportedType, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(other)).Reason);
        }
        Assert.Equal(TransactionError.TrailingBytes, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode([.. ok, 0x80])).Reason);
        Assert.Equal(TransactionError.Empty, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode([])).Reason);
        Assert.Equal(TransactionError.MalformedRlp, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(ok.AsSpan(0, ok.Length - 1))).Reason);
    }

    [Fact]
    public void EffectiveGasPriceAndBlobGas()
    {
        // EIP-1559: priority_fee_per_gas = min(max_priority_fee_per_gas, max_fee_per_gas - base_fee);
        // effective_gas_price = priority_fee_per_gas + base_fee.
        Transaction tx = Call(); // maxFee 10, tip 1
        Assert.Equal((UInt256)8, tx.EffectiveGasPrice(7));
        Assert.Equal((UInt256)10, tx.EffectiveGasPrice(9));
        Assert.Equal((UInt256)10, tx.EffectiveGasPrice(10));
        Assert.Equal((UInt256)10, Call(TxType.Legacy).EffectiveGasPrice(3)); // gasPrice whatever the base fee
        Assert.Equal((UInt256)10, tx.EffectiveGasPrice(UInt256.MaxValue)); // base + tip overflows: capped
        // EIP-4844: GAS_PER_BLOB = 2**17 per blob.
        Assert.Equal(3UL * (1 << 17), Call(TxType.Blob, blobs: [VersionedHash(1), VersionedHash(1), VersionedHash(1)]).BlobGas);
        Assert.Equal(0UL, tx.BlobGas);
    }

    [Fact]
    public void Decoder_RejectsBlobNetworkWrapperAndWrappedLegacy()
    {
        // EIP-4844 network form: type || rlp([tx_payload_body, blobs, commitments, proofs]); blocks carry only the body.
        Transaction blobTx = Call(TxType.Blob).Sign(Key);
        byte[] body = blobTx.Encode()[1..];
        byte[] blob = new byte[64];
        var w = new Lockstep.Primitives.Rlp.RlpWriter();
        w.StartList().WriteRaw(body).StartList().WriteBytes(blob).EndList().StartList().WriteBytes(new byte[48]).EndList().StartList().WriteBytes(new byte[48]).EndList().EndList();
        byte[] network = [0x03, .. w.ToArray()];
        Assert.Equal(TransactionError.UnexpectedItemKind, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(network)).Reason);

        // In a block body a legacy transaction is the list itself, never a string around it.
        byte[] legacy = Call(TxType.Legacy).Sign(Key).Encode();
        byte[] wrapped = Lockstep.Primitives.Rlp.RlpWriter.EncodeBytes(legacy);
        Assert.Equal(TransactionError.UnsupportedType, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeBlockItem(wrapped)).Reason);
        Assert.Equal(TransactionError.UnsupportedType, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.Decode(wrapped)).Reason);
    }

    private static TransactionError Recover(Transaction tx, ulong chainId = 1) =>
        tx.TryRecoverSender(chainId, out _, out TransactionError error) ? TransactionError.None : error;

    private static TransactionError Static(Transaction tx) => TransactionValidator.ValidateWithoutSignature(tx, out _);
}
