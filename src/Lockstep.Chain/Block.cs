using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Transactions;
using Lockstep.Trie;

namespace Lockstep.Chain;

/// <summary>
/// A block: rlp([header, transactions, ommers, withdrawals]). Ommers are always empty (proof of stake); the
/// withdrawals list (EIP-4895) is present, and empty, whenever the header has a withdrawals root. A rollup has
/// no beacon-chain withdrawals, so only the empty list is supported.
/// </summary>
public sealed class Block
{
    public Block(BlockHeader header, IReadOnlyList<Transaction> transactions)
    {
        Header = header;
        Transactions = transactions;
    }

    public BlockHeader Header { get; }
    public IReadOnlyList<Transaction> Transactions { get; }
    public Hash256 Hash => Header.Hash;
    public ulong Number => Header.Number;

    /// <summary>The canonical encoding.</summary>
    public byte[] Encode()
    {
        var w = new RlpWriter(1024);
        w.StartList();
        Header.Write(w);
        w.StartList();
        foreach (Transaction tx in Transactions) tx.WriteBlockItem(w);
        w.EndList();
        w.StartList().EndList(); // ommers
        if (Header.WithdrawalsRoot is not null) w.StartList().EndList(); // withdrawals (EIP-4895)
        w.EndList();
        return w.ToArray();
    }

    /// <summary>Decodes a block (transactions as block items: legacy lists, typed ones as byte strings).</summary>
    public static Block Decode(ReadOnlySpan<byte> rlp)
    {
        var r = new RlpReader(rlp);
        int end = r.ReadListHeader();
        BlockHeader header = BlockHeader.Read(ref r);
        var txs = new List<Transaction>();
        int txEnd = r.ReadListHeader();
        while (r.IsBefore(txEnd)) txs.Add(TransactionDecoder.DecodeBlockItem(r.ReadEncodedItem()));
        r.ExpectEnd(txEnd);
        int ommersEnd = r.ReadListHeader();
        if (r.IsBefore(ommersEnd)) throw new RlpException("ommers are not supported (proof-of-stake blocks have none)");
        if (r.IsBefore(end))
        {
            int wEnd = r.ReadListHeader();
            if (r.IsBefore(wEnd)) throw new RlpException("withdrawals are not supported");
        }
        r.ExpectEnd(end);
        r.ExpectEndOfInput();
        return new Block(header, txs);
    }

    /// <summary>transactionsRoot: the ordered trie of the transactions' consensus encodings (EIP-2718).</summary>
    public static Hash256 ComputeTransactionsRoot(IReadOnlyList<Transaction> transactions) =>
        OrderedTrie.ComputeRoot(new TransactionItems(transactions, t_txWriter ??= new RlpWriter(512)), transactions.Count);

    /// <summary>receiptsRoot: the ordered trie of the receipts' consensus encodings.</summary>
    public static Hash256 ComputeReceiptsRoot(IReadOnlyList<Receipt> receipts) =>
        OrderedTrie.ComputeRoot(new ReceiptItems(receipts, null), receipts.Count);

    /// <summary>receiptsRoot, and the block's logsBloom ORed into <paramref name="blockBloom"/> in the same pass over the receipts.</summary>
    public static Hash256 ComputeReceiptsRoot(IReadOnlyList<Receipt> receipts, Bloom blockBloom) =>
        OrderedTrie.ComputeRoot(new ReceiptItems(receipts, blockBloom), receipts.Count);

    // Roots stream the items through one buffer per thread: nothing per transaction or receipt is allocated.
    [ThreadStatic] private static RlpWriter? t_txWriter;

    private readonly struct TransactionItems(IReadOnlyList<Transaction> transactions, RlpWriter writer) : IOrderedTrieItems
    {
        public ReadOnlySpan<byte> Encode(int index, ref byte[] scratch) => transactions[index].EncodeInto(writer);
    }

    private readonly struct ReceiptItems(IReadOnlyList<Receipt> receipts, Bloom? blockBloom) : IOrderedTrieItems
    {
        public ReadOnlySpan<byte> Encode(int index, ref byte[] scratch) => receipts[index].EncodeInto(ref scratch, blockBloom);
    }

    /// <summary>withdrawalsRoot of an empty withdrawals list: the empty trie root.</summary>
    public static Hash256 EmptyWithdrawalsRoot => Keccak256.EmptyTrieRoot;
}
