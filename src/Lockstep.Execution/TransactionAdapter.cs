using System.Runtime.InteropServices;
using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.Execution;

/// <summary>Turns a decoded, sender-recovered <see cref="Transaction"/> into the processor's <see cref="TransactionInput"/>.</summary>
public static class TransactionAdapter
{
    public static TransactionInput ToInput(this Transaction tx, in Address sender)
    {
        // Empty lists share the empty array (most transactions have neither access list nor blobs).
        AccessListItem[] accessList = tx.AccessList.Count == 0 ? [] : new AccessListItem[tx.AccessList.Count];
        for (int i = 0; i < accessList.Length; i++)
        {
            AccessListEntry e = tx.AccessList[i];
            var keys = new UInt256[e.StorageKeys.Count];
            for (int k = 0; k < keys.Length; k++) keys[k] = e.StorageKeys[k].ToUInt256();
            accessList[i] = new AccessListItem(e.Address, keys);
        }
        Hash256[] blobHashes = tx.BlobVersionedHashes.Count == 0 ? [] : new Hash256[tx.BlobVersionedHashes.Count];
        for (int i = 0; i < blobHashes.Length; i++) blobHashes[i] = tx.BlobVersionedHashes[i];
        return new TransactionInput
        {
            Type = (byte)tx.Type,
            Sender = sender,
            To = tx.To,
            Nonce = tx.Nonce,
            Value = tx.Value,
            Data = CalldataArray(tx.Data),
            GasLimit = tx.GasLimit,
            GasPrice = tx.GasPrice,
            MaxFeePerGas = tx.MaxFeePerGas,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            AccessList = accessList,
            BlobVersionedHashes = blobHashes,
            MaxFeePerBlobGas = tx.MaxFeePerBlobGas,
        };
    }

    /// <summary>
    /// The calldata as an array without a copy when the transaction's memory is a whole array (the decoder and the
    /// builders make them so). Nothing writes to it: the interpreter only reads its input (CALLDATALOAD/COPY/SIZE).
    /// </summary>
    private static byte[] CalldataArray(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty) return [];
        if (MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment) && segment.Offset == 0
            && segment.Count == segment.Array!.Length)
            return segment.Array;
        return data.ToArray();
    }
}
