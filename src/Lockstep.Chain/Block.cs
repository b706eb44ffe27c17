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
    public static Hash256 ComputeTransactionsRoot(IReadOnlyList<Transaction> transactions)
    {
        var items = new byte[transactions.Count][];
        for (int i = 0; i < items.Length; i++) items[i] = transactions[i].Encode();
        return OrderedTrie.ComputeRoot(items);
    }

    /// <summary>receiptsRoot: the ordered trie of the receipts' consensus encodings.</summary>
    public static Hash256 ComputeReceiptsRoot(IReadOnlyList<Receipt> receipts)
    {
        var items = new byte[receipts.Count][];
        for (int i = 0; i < items.Length; i++) items[i] = receipts[i].Encode();
        return OrderedTrie.ComputeRoot(items);
    }

    /// <summary>withdrawalsRoot of an empty withdrawals list: the empty trie root.</summary>
    public static Hash256 EmptyWithdrawalsRoot => Keccak256.EmptyTrieRoot;
}
