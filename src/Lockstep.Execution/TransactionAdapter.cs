using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.Execution;

/// <summary>Turns a decoded, sender-recovered <see cref="Transaction"/> into the processor's <see cref="TransactionInput"/>.</summary>
public static class TransactionAdapter
{
    public static TransactionInput ToInput(this Transaction tx, in Address sender)
    {
        var accessList = new AccessListItem[tx.AccessList.Count];
        for (int i = 0; i < accessList.Length; i++)
        {
            AccessListEntry e = tx.AccessList[i];
            var keys = new UInt256[e.StorageKeys.Count];
            for (int k = 0; k < keys.Length; k++) keys[k] = e.StorageKeys[k].ToUInt256();
            accessList[i] = new AccessListItem(e.Address, keys);
        }
        var blobHashes = new Hash256[tx.BlobVersionedHashes.Count];
        for (int i = 0; i < blobHashes.Length; i++) blobHashes[i] = tx.BlobVersionedHashes[i];
        return new TransactionInput
        {
            Type = (byte)tx.Type,
            Sender = sender,
            To = tx.To,
            Nonce = tx.Nonce,
            Value = tx.Value,
            Data = tx.Data.ToArray(),
            GasLimit = tx.GasLimit,
            GasPrice = tx.GasPrice,
            MaxFeePerGas = tx.MaxFeePerGas,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            AccessList = accessList,
            BlobVersionedHashes = blobHashes,
            MaxFeePerBlobGas = tx.MaxFeePerBlobGas,
        };
    }
}
