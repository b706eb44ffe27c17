using System.Buffers.Text;
using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.Rpc;

/// <summary>
/// Writes Ethereum JSON-RPC objects (blocks, transactions, receipts, logs) the way geth does, directly into a
/// <see cref="Utf8JsonWriter"/>: quantities as minimal 0x hex, data as 0x hex.
/// </summary>
public static class RpcJson
{
    /// <summary>A 64-bit quantity ("0x0", "0x1f"), written without allocating.</summary>
    public static void Quantity(Utf8JsonWriter w, ReadOnlySpan<byte> name, ulong value)
    {
        Span<byte> buffer = stackalloc byte[18];
        buffer[0] = (byte)'0';
        buffer[1] = (byte)'x';
        Utf8Formatter.TryFormat(value, buffer[2..], out int written, new System.Buffers.StandardFormat('x'));
        w.WriteString(name, buffer[..(2 + written)]);
    }

    /// <summary>A 64-bit quantity as a bare value.</summary>
    public static void QuantityValue(Utf8JsonWriter w, ulong value)
    {
        Span<byte> buffer = stackalloc byte[18];
        buffer[0] = (byte)'0';
        buffer[1] = (byte)'x';
        Utf8Formatter.TryFormat(value, buffer[2..], out int written, new System.Buffers.StandardFormat('x'));
        w.WriteStringValue(buffer[..(2 + written)]);
    }

    /// <summary>A 256-bit quantity as a bare value.</summary>
    public static void BigQuantityValue(Utf8JsonWriter w, in UInt256 value)
    {
        if (value.FitsInUlong) QuantityValue(w, value.U0);
        else w.WriteStringValue(value.ToHexQuantity());
    }

    /// <summary>A 256-bit quantity.</summary>
    public static void Quantity(Utf8JsonWriter w, ReadOnlySpan<byte> name, in UInt256 value)
    {
        if (value.FitsInUlong) Quantity(w, name, value.U0);
        else w.WriteString(name, value.ToHexQuantity());
    }

    /// <summary>0x-hex bytes.</summary>
    public static void Data(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<byte> bytes)
    {
        w.WritePropertyName(name);
        DataValue(w, bytes);
    }

    /// <summary>0x-hex bytes as a bare value.</summary>
    public static void DataValue(Utf8JsonWriter w, ReadOnlySpan<byte> bytes)
    {
        int length = 2 + bytes.Length * 2;
        byte[]? rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[length];
        buffer[0] = (byte)'0';
        buffer[1] = (byte)'x';
        const string digits = "0123456789abcdef";
        for (int i = 0; i < bytes.Length; i++)
        {
            buffer[2 + 2 * i] = (byte)digits[bytes[i] >> 4];
            buffer[3 + 2 * i] = (byte)digits[bytes[i] & 15];
        }
        w.WriteStringValue(buffer[..length]);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>A hash.</summary>
    public static void Hash(Utf8JsonWriter w, ReadOnlySpan<byte> name, in Hash256 hash)
    {
        Span<byte> b = stackalloc byte[32];
        hash.CopyTo(b);
        Data(w, name, b);
    }

    /// <summary>A hash as a bare value.</summary>
    public static void HashValue(Utf8JsonWriter w, in Hash256 hash)
    {
        Span<byte> b = stackalloc byte[32];
        hash.CopyTo(b);
        DataValue(w, b);
    }

    /// <summary>An address.</summary>
    public static void Address(Utf8JsonWriter w, ReadOnlySpan<byte> name, in Address address)
    {
        Span<byte> b = stackalloc byte[20];
        address.CopyTo(b);
        Data(w, name, b);
    }

    /// <summary>A block header and body: full transactions or their hashes.</summary>
    public static void Block(Utf8JsonWriter w, BlockData block, bool fullTransactions)
    {
        BlockHeader h = block.Header;
        w.WriteStartObject();
        WriteHeaderFields(w, h);
        Quantity(w, "size"u8, (ulong)block.Block.Encode().Length);
        Quantity(w, "totalDifficulty"u8, 0UL);
        w.WriteStartArray("transactions"u8);
        for (int i = 0; i < block.Block.Transactions.Count; i++)
        {
            if (fullTransactions) Transaction(w, block.Block.Transactions[i], block.Senders[i], block, i);
            else HashValue(w, block.Block.Transactions[i].Hash);
        }
        w.WriteEndArray();
        w.WriteStartArray("uncles"u8);
        w.WriteEndArray();
        if (h.WithdrawalsRoot is not null)
        {
            w.WriteStartArray("withdrawals"u8);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>A header as newHeads notifications carry it.</summary>
    public static void Header(Utf8JsonWriter w, BlockHeader h)
    {
        w.WriteStartObject();
        WriteHeaderFields(w, h);
        w.WriteEndObject();
    }

    private static void WriteHeaderFields(Utf8JsonWriter w, BlockHeader h)
    {
        Hash(w, "hash"u8, h.Hash);
        Hash(w, "parentHash"u8, h.ParentHash);
        Hash(w, "sha3Uncles"u8, h.OmmersHash);
        Address(w, "miner"u8, h.Coinbase);
        Hash(w, "stateRoot"u8, h.StateRoot);
        Hash(w, "transactionsRoot"u8, h.TransactionsRoot);
        Hash(w, "receiptsRoot"u8, h.ReceiptsRoot);
        Data(w, "logsBloom"u8, h.LogsBloom.Bytes);
        Quantity(w, "difficulty"u8, h.Difficulty);
        Quantity(w, "number"u8, h.Number);
        Quantity(w, "gasLimit"u8, h.GasLimit);
        Quantity(w, "gasUsed"u8, h.GasUsed);
        Quantity(w, "timestamp"u8, h.Timestamp);
        Data(w, "extraData"u8, h.ExtraData);
        Hash(w, "mixHash"u8, h.MixHash);
        Span<byte> nonce = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonce, h.Nonce);
        Data(w, "nonce"u8, nonce);
        if (h.BaseFeePerGas is UInt256 baseFee) Quantity(w, "baseFeePerGas"u8, baseFee);
        if (h.WithdrawalsRoot is Hash256 wr) Hash(w, "withdrawalsRoot"u8, wr);
        if (h.BlobGasUsed is ulong bgu) Quantity(w, "blobGasUsed"u8, bgu);
        if (h.ExcessBlobGas is ulong ebg) Quantity(w, "excessBlobGas"u8, ebg);
        if (h.ParentBeaconBlockRoot is Hash256 pbr) Hash(w, "parentBeaconBlockRoot"u8, pbr);
    }

    /// <summary>
    /// A transaction; <paramref name="block"/> null for a pending one (then blockHash/blockNumber/transactionIndex
    /// are null and gasPrice is the fee cap, as geth reports pending transactions).
    /// </summary>
    public static void Transaction(Utf8JsonWriter w, Transaction tx, in Address from, BlockData? block, int index)
    {
        w.WriteStartObject();
        if (block is null)
        {
            w.WriteNull("blockHash"u8);
            w.WriteNull("blockNumber"u8);
            w.WriteNull("transactionIndex"u8);
        }
        else
        {
            Hash(w, "blockHash"u8, block.Hash);
            Quantity(w, "blockNumber"u8, block.Number);
            Quantity(w, "transactionIndex"u8, (ulong)index);
        }
        Hash(w, "hash"u8, tx.Hash);
        Address(w, "from"u8, from);
        if (tx.To is Address to) Address(w, "to"u8, to);
        else w.WriteNull("to"u8);
        Quantity(w, "nonce"u8, tx.Nonce);
        Quantity(w, "gas"u8, tx.GasLimit);
        Quantity(w, "value"u8, tx.Value);
        Data(w, "input"u8, tx.Data.Span);
        Quantity(w, "type"u8, (ulong)tx.Type);
        if (tx.Type is TxType.DynamicFee or TxType.Blob)
        {
            UInt256 price = block is null ? tx.MaxFeePerGas : tx.EffectiveGasPrice(block.Header.BaseFeePerGas ?? UInt256.Zero);
            Quantity(w, "gasPrice"u8, price);
            Quantity(w, "maxFeePerGas"u8, tx.MaxFeePerGas);
            Quantity(w, "maxPriorityFeePerGas"u8, tx.MaxPriorityFeePerGas);
        }
        else
        {
            Quantity(w, "gasPrice"u8, tx.GasPrice);
        }
        if (tx.Type == TxType.Blob)
        {
            Quantity(w, "maxFeePerBlobGas"u8, tx.MaxFeePerBlobGas);
            w.WriteStartArray("blobVersionedHashes"u8);
            foreach (Hash256 h in tx.BlobVersionedHashes) HashValue(w, h);
            w.WriteEndArray();
        }
        if (tx.ChainId is UInt256 chainId) Quantity(w, "chainId"u8, chainId);
        bool typed = tx.Type is TxType.AccessList or TxType.DynamicFee or TxType.Blob;
        if (typed)
        {
            w.WriteStartArray("accessList"u8);
            foreach (AccessListEntry e in tx.AccessList)
            {
                w.WriteStartObject();
                Address(w, "address"u8, e.Address);
                w.WriteStartArray("storageKeys"u8);
                foreach (Hash256 k in e.StorageKeys) HashValue(w, k);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        Quantity(w, "v"u8, tx.V);
        Quantity(w, "r"u8, tx.R);
        Quantity(w, "s"u8, tx.S);
        if (typed) Quantity(w, "yParity"u8, tx.V);
        w.WriteEndObject();
    }

    /// <summary>The receipt of transaction <paramref name="index"/> of <paramref name="block"/>.</summary>
    public static void Receipt(Utf8JsonWriter w, BlockData block, int index)
    {
        Transaction tx = block.Block.Transactions[index];
        Receipt receipt = block.Receipts[index];
        w.WriteStartObject();
        Hash(w, "transactionHash"u8, tx.Hash);
        Quantity(w, "transactionIndex"u8, (ulong)index);
        Hash(w, "blockHash"u8, block.Hash);
        Quantity(w, "blockNumber"u8, block.Number);
        Address(w, "from"u8, block.Senders[index]);
        if (tx.To is Address to) Address(w, "to"u8, to);
        else w.WriteNull("to"u8);
        Quantity(w, "cumulativeGasUsed"u8, receipt.CumulativeGasUsed);
        Quantity(w, "gasUsed"u8, block.GasUsed(index));
        if (block.ContractAddress(index) is Address created) Address(w, "contractAddress"u8, created);
        else w.WriteNull("contractAddress"u8);
        w.WriteStartArray("logs"u8);
        int logIndex = block.FirstLogIndex(index);
        foreach (LogEntry log in receipt.Logs) Log(w, log, block, index, logIndex++);
        w.WriteEndArray();
        Data(w, "logsBloom"u8, receipt.Bloom.Bytes);
        Quantity(w, "type"u8, (ulong)receipt.Type);
        Quantity(w, "status"u8, receipt.Success ? 1UL : 0UL);
        Quantity(w, "effectiveGasPrice"u8, block.EffectiveGasPrice(index));
        if (tx.Type == TxType.Blob)
        {
            Quantity(w, "blobGasUsed"u8, tx.BlobGas);
            Quantity(w, "blobGasPrice"u8, Execution.BlockEnvironment.FakeExponential(Execution.BlockEnvironment.MinBlobBaseFee, block.Header.ExcessBlobGas ?? 0, Execution.BlockEnvironment.BlobBaseFeeUpdateFraction));
        }
        w.WriteEndObject();
    }

    /// <summary>A log with its position (eth_getLogs, receipts, logs subscriptions).</summary>
    public static void Log(Utf8JsonWriter w, LogEntry log, BlockData block, int txIndex, int logIndex)
    {
        w.WriteStartObject();
        Address(w, "address"u8, log.Address);
        w.WriteStartArray("topics"u8);
        foreach (Hash256 t in log.Topics) HashValue(w, t);
        w.WriteEndArray();
        Data(w, "data"u8, log.Data);
        Quantity(w, "blockNumber"u8, block.Number);
        Hash(w, "blockHash"u8, block.Hash);
        Quantity(w, "blockTimestamp"u8, block.Header.Timestamp);
        Hash(w, "transactionHash"u8, block.Block.Transactions[txIndex].Hash);
        Quantity(w, "transactionIndex"u8, (ulong)txIndex);
        Quantity(w, "logIndex"u8, (ulong)logIndex);
        w.WriteBoolean("removed"u8, false);
        w.WriteEndObject();
    }
}
