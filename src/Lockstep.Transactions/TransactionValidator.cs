using Lockstep.Primitives;

namespace Lockstep.Transactions;

/// <summary>
/// The state-independent validity rules of a transaction under Cancun (what a node checks before looking at the
/// sender's account): signature and chain id, EIP-2681 nonce bound, EIP-1559 fee ordering, the gas * price
/// product, EIP-3860 init code size, intrinsic gas, and the EIP-4844 blob hash rules.
/// </summary>
public static class TransactionValidator
{
    /// <summary>MAX_BLOB_GAS_PER_BLOCK / GAS_PER_BLOB under Cancun (EIP-4844).</summary>
    public const int MaxBlobsPerBlock = 6;

    /// <summary>VERSIONED_HASH_VERSION_KZG (EIP-4844).</summary>
    public const byte VersionedHashVersionKzg = 0x01;

    /// <summary>
    /// All static rules plus sender recovery. Returns <see cref="TransactionError.None"/> and the sender, or the first
    /// violated rule.
    /// </summary>
    public static TransactionError Validate(Transaction tx, ulong chainId, out Address sender, out ulong intrinsicGas)
    {
        // The sender comes first, as in clients that recover it while decoding the message, so a transaction
        // with a bad signature is reported as such even when other rules fail too.
        if (!tx.TryRecoverSender(chainId, out sender, out TransactionError error))
        {
            intrinsicGas = IntrinsicGas.Compute(tx);
            return error;
        }
        error = ValidateWithoutSignature(tx, out intrinsicGas);
        if (error != TransactionError.None) sender = default;
        return error;
    }

    /// <summary>The rules that need neither state nor the signature.</summary>
    public static TransactionError ValidateWithoutSignature(Transaction tx, out ulong intrinsicGas)
    {
        intrinsicGas = IntrinsicGas.Compute(tx);

        // EIP-2681: the nonce is limited to 2^64-1 exclusive, so that incrementing it never overflows.
        if (tx.Nonce == ulong.MaxValue) return TransactionError.NonceTooBig;

        // EIP-1559: "assert transaction.max_fee_per_gas >= transaction.max_priority_fee_per_gas".
        if (tx.Type >= TxType.DynamicFee && tx.MaxPriorityFeePerGas > tx.MaxFeePerGas)
            return TransactionError.PriorityFeeGreaterThanMaxFee;

        // The up-front cost gasLimit * feeCap must be representable (geth: ErrFeeCapVeryHigh / ErrGasUintOverflow).
        if (MultiplyOverflows(tx.FeeCap, tx.GasLimit)) return TransactionError.GasLimitPriceProductOverflow;

        // EIP-3860: creation transactions carry at most MAX_INITCODE_SIZE bytes of init code.
        if (tx.IsCreate && tx.Data.Length > IntrinsicGas.MaxInitCodeSize) return TransactionError.InitCodeTooLarge;

        if (tx.GasLimit < intrinsicGas) return TransactionError.IntrinsicGasTooLow;

        if (tx.Type == TxType.Blob)
        {
            // EIP-4844: "assert len(tx.blob_versioned_hashes) > 0" and the block-level maximum, which a
            // single transaction can exceed on its own.
            int count = tx.BlobVersionedHashes.Count;
            if (count == 0 || count > MaxBlobsPerBlock) return TransactionError.InvalidBlobCount;
            Span<byte> h = stackalloc byte[32];
            for (int i = 0; i < count; i++)
            {
                tx.BlobVersionedHashes[i].CopyTo(h);
                if (h[0] != VersionedHashVersionKzg) return TransactionError.InvalidBlobVersionedHash;
            }
        }
        return TransactionError.None;
    }

    /// <summary>True when a * b does not fit in 256 bits.</summary>
    private static bool MultiplyOverflows(in UInt256 a, ulong b) => b != 0 && !FitsExact(a, b);

    /// <summary>Schoolbook product of four limbs by one limb; true when the carry out of the top limb is zero.</summary>
    private static bool FitsExact(in UInt256 a, ulong b)
    {
        ulong carry = 0;
        Step(a.U0, b, ref carry);
        Step(a.U1, b, ref carry);
        Step(a.U2, b, ref carry);
        Step(a.U3, b, ref carry);
        return carry == 0;
    }

    private static void Step(ulong limb, ulong b, ref ulong carry)
    {
        ulong hi = Math.BigMul(limb, b, out ulong lo);
        ulong sum = lo + carry;
        if (sum < lo) hi++;
        carry = hi;
    }
}
