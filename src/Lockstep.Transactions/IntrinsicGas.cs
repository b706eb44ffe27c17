namespace Lockstep.Transactions;

/// <summary>Intrinsic (pre-execution) gas of a transaction under Cancun rules, and the constants it is made of.</summary>
public static class IntrinsicGas
{
    /// <summary>G_transaction: every transaction (Yellow Paper).</summary>
    public const ulong TxBase = 21000;

    /// <summary>G_txcreate: extra for a contract creation (EIP-2, Homestead).</summary>
    public const ulong TxCreate = 32000;

    /// <summary>G_txdatazero: per zero byte of data.</summary>
    public const ulong TxDataZeroByte = 4;

    /// <summary>G_txdatanonzero: per non-zero byte of data (EIP-2028, Istanbul).</summary>
    public const ulong TxDataNonZeroByte = 16;

    /// <summary>ACCESS_LIST_ADDRESS_COST (EIP-2930).</summary>
    public const ulong AccessListAddress = 2400;

    /// <summary>ACCESS_LIST_STORAGE_KEY_COST (EIP-2930).</summary>
    public const ulong AccessListStorageKey = 1900;

    /// <summary>INITCODE_WORD_COST: per 32-byte word of init code in a creation transaction (EIP-3860).</summary>
    public const ulong InitCodeWord = 2;

    /// <summary>MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE (EIP-3860).</summary>
    public const int MaxInitCodeSize = 49152;

    /// <summary>
    /// 21000 (+32000 for a creation), 4 per zero and 16 per non-zero data byte, 2400 per access-list address and
    /// 1900 per storage key, and for a creation 2 per 32-byte word of init code (EIP-3860). Cannot overflow:
    /// data is bounded by memory, so every term stays far below 2^64.
    /// </summary>
    public static ulong Compute(Transaction tx)
    {
        ReadOnlySpan<byte> data = tx.Data.Span;
        ulong zeros = (ulong)data.Count((byte)0);
        ulong nonZeros = (ulong)data.Length - zeros;
        ulong gas = TxBase + zeros * TxDataZeroByte + nonZeros * TxDataNonZeroByte;
        if (tx.IsCreate)
            gas += TxCreate + InitCodeWord * (((ulong)data.Length + 31) / 32);

        IReadOnlyList<AccessListEntry> accessList = tx.AccessList;
        for (int i = 0; i < accessList.Count; i++)
            gas += AccessListAddress + AccessListStorageKey * (ulong)accessList[i].StorageKeys.Count;
        return gas;
    }
}
