using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;

namespace Lockstep.Node;

/// <summary>
/// A committed block with what the RPC reads next to it: its receipts and the recovered sender of every
/// transaction. Immutable once built; shared between threads.
/// </summary>
public sealed class BlockData
{
    private readonly int[] _firstLogIndex;

    /// <summary>Wraps a committed block.</summary>
    public BlockData(Block block, IReadOnlyList<Receipt> receipts, IReadOnlyList<Address> senders)
    {
        if (receipts.Count != block.Transactions.Count || senders.Count != block.Transactions.Count)
            throw new ArgumentException("one receipt and one sender per transaction");
        Block = block;
        Receipts = receipts;
        Senders = senders;
        _firstLogIndex = new int[receipts.Count];
        int logs = 0;
        for (int i = 0; i < receipts.Count; i++)
        {
            _firstLogIndex[i] = logs;
            logs += receipts[i].Logs.Count;
        }
        LogCount = logs;
        EstimatedBytes = Estimate(block, receipts);
    }

    // Managed bytes per item, measured with dotnet-gcdump on a soak (issue 8): a Transaction object with its cached
    // hash box and list slot ~560, its sender box ~40, a Receipt with its Bloom (256-byte array) and list ~380, a
    // LogEntry with its topic array and data array headers ~130. Payloads (calldata, topics, log data) come on top.
    private const long BytesPerBlock = 2048, BytesPerTransaction = 1000, BytesPerLog = 130, BytesPerAccessListEntry = 120;

    private static long Estimate(Block block, IReadOnlyList<Receipt> receipts)
    {
        long bytes = BytesPerBlock;
        IReadOnlyList<Transaction> txs = block.Transactions;
        for (int i = 0; i < txs.Count; i++)
        {
            Transaction tx = txs[i];
            bytes += BytesPerTransaction + tx.Data.Length;
            IReadOnlyList<AccessListEntry> accessList = tx.AccessList;
            for (int a = 0; a < accessList.Count; a++) bytes += BytesPerAccessListEntry + 32L * accessList[a].StorageKeys.Count;
            IReadOnlyList<LogEntry> logs = receipts[i].Logs;
            for (int l = 0; l < logs.Count; l++) bytes += BytesPerLog + 32L * logs[l].Topics.Length + logs[l].Data.Length;
        }
        return bytes;
    }

    /// <summary>The block.</summary>
    public Block Block { get; }

    /// <summary>The header.</summary>
    public BlockHeader Header => Block.Header;

    /// <summary>The block hash.</summary>
    public Hash256 Hash => Block.Hash;

    /// <summary>The block number.</summary>
    public ulong Number => Block.Number;

    /// <summary>One receipt per transaction.</summary>
    public IReadOnlyList<Receipt> Receipts { get; }

    /// <summary>One recovered sender per transaction.</summary>
    public IReadOnlyList<Address> Senders { get; }

    /// <summary>
    /// An estimate of the managed memory this block, its receipts and senders hold (what <see cref="RollupChain"/>'s
    /// block cache counts against its byte bound).
    /// </summary>
    public long EstimatedBytes { get; }

    /// <summary>The number of logs in the block.</summary>
    public int LogCount { get; }

    /// <summary>The block-wide index of the first log of transaction <paramref name="txIndex"/> (the receipt's logIndex base).</summary>
    public int FirstLogIndex(int txIndex) => _firstLogIndex[txIndex];

    /// <summary>Gas used by transaction <paramref name="txIndex"/> alone (receipts store the cumulative value).</summary>
    public ulong GasUsed(int txIndex) =>
        Receipts[txIndex].CumulativeGasUsed - (txIndex == 0 ? 0 : Receipts[txIndex - 1].CumulativeGasUsed);

    /// <summary>The price per gas transaction <paramref name="txIndex"/> paid (EIP-1559 effective gas price).</summary>
    public UInt256 EffectiveGasPrice(int txIndex) =>
        Block.Transactions[txIndex].EffectiveGasPrice(Header.BaseFeePerGas ?? UInt256.Zero);

    /// <summary>The index of the transaction with hash <paramref name="hash"/>, -1 when not in this block.</summary>
    public int IndexOf(Hash256 hash)
    {
        IReadOnlyList<Transaction> txs = Block.Transactions;
        for (int i = 0; i < txs.Count; i++)
            if (txs[i].Hash == hash) return i;
        return -1;
    }

    /// <summary>The address a creation at <paramref name="txIndex"/> deploys to (from sender and nonce), null for calls.</summary>
    public Address? ContractAddress(int txIndex)
    {
        Transaction tx = Block.Transactions[txIndex];
        return tx.IsCreate ? Evm.Instructions.SystemOps.CreateAddress(Senders[txIndex], tx.Nonce) : null;
    }

    /// <summary>A log of transaction <paramref name="txIndex"/>.</summary>
    public LogEntry Log(int txIndex, int logInTx) => Receipts[txIndex].Logs[logInTx];
}
