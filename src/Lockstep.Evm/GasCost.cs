namespace Lockstep.Evm;

/// <summary>
/// Every gas constant the interpreter and the transaction processor charge, named after the Yellow Paper
/// (Appendix G) or the EIP that set it. Opcode bodies use these names, never literals.
/// </summary>
public static class GasCost
{
    // Yellow Paper Appendix G tiers.
    public const long Zero = 0;
    public const long Base = 2;
    public const long VeryLow = 3;
    public const long Low = 5;
    public const long Mid = 8;
    public const long High = 10;
    public const long JumpDest = 1;

    public const long Exp = 10;
    /// <summary>EIP-160: per byte of the exponent.</summary>
    public const long ExpByteEip160 = 50;
    public const long Keccak256 = 30;
    public const long Keccak256Word = 6;
    public const long Copy = 3;
    public const long Memory = 3;
    /// <summary>Quadratic memory divisor: cost = 3·words + words²/512.</summary>
    public const long QuadCoeffDiv = 512;
    public const long Log = 375;
    public const long LogTopic = 375;
    public const long LogData = 8;
    public const long BlockHash = 20;

    /// <summary>EIP-2929: first access of an account in a transaction.</summary>
    public const long ColdAccountAccessEip2929 = 2600;
    /// <summary>EIP-2929: first access of a storage slot in a transaction.</summary>
    public const long ColdSloadEip2929 = 2100;
    /// <summary>EIP-2929: any later access (account or slot).</summary>
    public const long WarmStorageReadEip2929 = 100;

    /// <summary>EIP-2200: SSTORE that turns a zero slot non-zero.</summary>
    public const long SstoreSetEip2200 = 20000;
    /// <summary>EIP-2929: SSTORE_RESET (5000) minus COLD_SLOAD (2100).</summary>
    public const long SstoreResetEip2929 = 5000 - ColdSloadEip2929;
    /// <summary>EIP-3529: SSTORE_CLEARS_SCHEDULE = SSTORE_RESET - COLD_SLOAD + ACCESS_LIST_STORAGE_KEY.</summary>
    public const long SstoreClearsScheduleEip3529 = SstoreResetEip2929 + AccessListStorageKeyEip2930;
    /// <summary>EIP-2200: SSTORE fails when no more than the call stipend is left.</summary>
    public const long SstoreSentryEip2200 = 2300;

    public const long CallValueTransfer = 9000;
    /// <summary>EIP-161: a value-bearing CALL to an empty account.</summary>
    public const long CallNewAccount = 25000;
    public const long CallStipend = 2300;
    public const long Create = 32000;
    public const long CodeDeposit = 200;
    /// <summary>EIP-3860: per 32-byte word of initcode.</summary>
    public const long InitCodeWordEip3860 = 2;
    public const long SelfDestructEip150 = 5000;
    public const long SelfDestructNewAccount = 25000;

    /// <summary>EIP-1153 TLOAD / TSTORE (= warm storage read).</summary>
    public const long TransientEip1153 = WarmStorageReadEip2929;
    /// <summary>EIP-4844 BLOBHASH.</summary>
    public const long BlobHashEip4844 = 3;

    // Transaction intrinsic gas (Yellow Paper 6.2, EIP-2028, EIP-2930, EIP-3860).
    public const long Transaction = 21000;
    public const long TransactionCreate = 53000;
    public const long TxDataZero = 4;
    /// <summary>EIP-2028.</summary>
    public const long TxDataNonZeroEip2028 = 16;
    public const long AccessListAddressEip2930 = 2400;
    public const long AccessListStorageKeyEip2930 = 1900;

    /// <summary>EIP-3529: refunds are capped at gasUsed / 5.</summary>
    public const long MaxRefundQuotientEip3529 = 5;
    /// <summary>EIP-4844: gas per blob.</summary>
    public const ulong BlobGasPerBlob = 1 << 17;
}

/// <summary>Size limits the interpreter enforces.</summary>
public static class EvmLimits
{
    public const int StackLimit = 1024;
    public const int CallDepthLimit = 1024;
    /// <summary>EIP-170.</summary>
    public const int MaxCodeSize = 24576;
    /// <summary>EIP-3860.</summary>
    public const int MaxInitCodeSize = 2 * MaxCodeSize;
    /// <summary>EIP-4844 (Cancun): at most 6 blobs per block, hence per transaction.</summary>
    public const int MaxBlobsPerTransaction = 6;
}
