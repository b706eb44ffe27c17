using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Transactions;

namespace Lockstep.Sequencer.Tests;

/// <summary>The 0x7F envelope: exact layout, strict decoding, refusal on user paths.</summary>
public class SystemTransactionTests
{
    private static readonly Address MintBurn = Address.FromHex("0x0000000000000000000000000000000000001001");

    [Fact]
    public void Envelope_IsTypeByteThenTheSevenFieldList()
    {
        var source = new Hash256(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        Transaction tx = SystemTransaction.Create(902, 901, source, 5, MintBurn, 250_000, new byte[] { 0xca, 0xfe });
        // Expected bytes written by hand from the RLP rules (Yellow Paper appendix B), not by our writer.
        byte[] list =
        [
            0x82, 0x03, 0x86,                  // chainId 902
            0x82, 0x03, 0x85,                  // sourceChainId 901
            0xa0, .. source.ToArray(),         // sourceTxHash
            0x05,                              // messageNonce
            0x94, .. MintBurn.ToArray(),       // to
            0x83, 0x03, 0xd0, 0x90,            // gasLimit 250000
            0x82, 0xca, 0xfe,                  // data
        ];
        Assert.Equal(68, list.Length); // over 55 bytes: long list form 0xf8 ++ length
        byte[] expected = [0x7f, 0xf8, (byte)list.Length, .. list];
        Assert.Equal(expected, tx.Encode());
        Assert.Equal(Keccak256.Compute(expected), tx.Hash);
        Assert.Throws<InvalidOperationException>(() => tx.SigningHash());
    }

    [Fact]
    public void Decoder_IsStrict_AndOnlyThrowsTypedErrors()
    {
        Transaction tx = SystemTransaction.Create(902, 901, Hash256.Zero, 0, MintBurn, 250_000, new byte[40]);
        byte[] good = tx.Encode();
        Assert.Equal(tx.Hash, TransactionDecoder.DecodeWithSystem(good).Hash);

        // Wrong shapes: an eighth field, a missing recipient, a short hash, trailing bytes.
        static byte[] Envelope(Action<RlpWriter> fields)
        {
            var w = new RlpWriter();
            w.StartList();
            fields(w);
            w.EndList();
            return [0x7f, .. w.ToArray()];
        }
        byte[] eight = Envelope(w => w.WriteUInt64(902).WriteUInt64(901).WriteHash(Hash256.Zero).WriteUInt64(0).WriteAddress(MintBurn).WriteUInt64(1).WriteBytes([]).WriteUInt64(1));
        byte[] noTo = Envelope(w => w.WriteUInt64(902).WriteUInt64(901).WriteHash(Hash256.Zero).WriteUInt64(0).WriteBytes([]).WriteUInt64(1).WriteBytes([]));
        byte[] shortHash = Envelope(w => w.WriteUInt64(902).WriteUInt64(901).WriteBytes(new byte[31]).WriteUInt64(0).WriteAddress(MintBurn).WriteUInt64(1).WriteBytes([]));
        Assert.Equal(TransactionError.TooManyFields, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeWithSystem(eight)).Reason);
        Assert.Equal(TransactionError.InvalidAddressLength, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeWithSystem(noTo)).Reason);
        Assert.Equal(TransactionError.InvalidHashLength, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeWithSystem(shortHash)).Reason);
        Assert.Equal(TransactionError.TrailingBytes, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeWithSystem([.. good, 0x00])).Reason);

        // Random mutations: a TransactionDecodeException or a transaction that re-encodes to the same bytes.
        var rng = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] m = (byte[])good.Clone();
            int edits = rng.Next(1, 4);
            for (int e = 0; e < edits; e++) m[rng.Next(1, m.Length)] = (byte)rng.Next(256);
            if (rng.Next(4) == 0) m = m[..rng.Next(1, m.Length)];
            try
            {
                Transaction d = TransactionDecoder.DecodeWithSystem(m);
                Assert.Equal(m, d.Encode());
            }
            catch (TransactionDecodeException) { }
            // The user path refuses every one of them by type.
            Assert.Equal(TransactionError.SystemTransactionNotAllowed, Assert.Throws<TransactionDecodeException>(() => TransactionDecoder.DecodeUser(m)).Reason);
        }
    }
}
