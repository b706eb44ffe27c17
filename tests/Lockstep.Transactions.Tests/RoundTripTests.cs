using System.Numerics;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Nethereum.Model;
using Nethereum.Signer;

namespace Lockstep.Transactions.Tests;

/// <summary>sign -> encode -> decode -> recover, cross-checked against Nethereum's decoder and sender recovery.</summary>
public class RoundTripTests
{
    [Theory]
    [InlineData(TxType.Legacy, false)]
    [InlineData(TxType.Legacy, true)]
    [InlineData(TxType.AccessList, true)]
    [InlineData(TxType.DynamicFee, true)]
    [InlineData(TxType.Blob, true)]
    public void SignEncodeDecodeRecover(TxType type, bool eip155)
    {
        var rng = new Random(1000 + (int)type * 2 + (eip155 ? 1 : 0));
        for (int i = 0; i < 100; i++)
        {
            ulong chainId = i % 3 == 0 ? 1UL : (ulong)rng.NextInt64(1, long.MaxValue);
            byte[] key = TxGen.RandomKey(rng);
            Address signer = Ecdsa.PrivateKeyToAddress(key);
            Transaction tx = TxGen.RandomUnsigned(rng, type, chainId, eip155).Sign(key);

            byte[] encoded = tx.Encode();
            Transaction decoded = TransactionDecoder.Decode(encoded);
            Assert.Equal(encoded, decoded.Encode());
            Assert.Equal(Keccak256.Compute(encoded), decoded.Hash);
            AssertSameFields(tx, decoded);

            Assert.True(decoded.TryRecoverSender(chainId, out Address sender, out TransactionError error), error.ToString());
            Assert.Equal(signer, sender);
            Assert.True(decoded.S <= Ecdsa.HalfN);

            // A different chain must reject it unless it is a pre-EIP-155 legacy transaction.
            bool otherChain = decoded.TryRecoverSender(chainId + 1, out _, out error);
            if (type == TxType.Legacy && !eip155) Assert.True(otherChain);
            else Assert.Equal(TransactionError.InvalidChainId, error);

            Assert.Equal(TransactionError.None, TransactionValidator.Validate(decoded, chainId, out Address validated, out _));
            Assert.Equal(signer, validated);

            // Independent oracle: Nethereum decodes our bytes and recovers the same sender (it has no EIP-4844 model).
            if (type != TxType.Blob)
            {
                string hex = Hex.Encode(encoded);
                ISignedTransaction oracle = TransactionFactory.CreateTransaction(hex);
                Assert.Equal(encoded, oracle.GetRLPEncoded());
                string oracleSender = new TransactionVerificationAndRecoveryImp().GetSenderAddress(hex);
                Assert.Equal(signer, Address.FromHex(oracleSender));
            }
        }
    }

    [Fact]
    public void DecodeBlockItem_UnwrapsTypedTransactions()
    {
        var rng = new Random(7);
        byte[] key = TxGen.RandomKey(rng);
        foreach (TxType type in new[] { TxType.Legacy, TxType.AccessList, TxType.DynamicFee, TxType.Blob })
        {
            Transaction tx = TxGen.RandomUnsigned(rng, type, 1).Sign(key);
            byte[] encoded = tx.Encode();
            byte[] item = type == TxType.Legacy ? encoded : Lockstep.Primitives.Rlp.RlpWriter.EncodeBytes(encoded);
            var w = new Lockstep.Primitives.Rlp.RlpWriter();
            tx.WriteBlockItem(w);
            Assert.Equal(item, w.ToArray());
            Assert.Equal(tx.Hash, TransactionDecoder.DecodeBlockItem(item).Hash);
        }
    }

    private static void AssertSameFields(Transaction a, Transaction b)
    {
        Assert.Equal(a.Type, b.Type);
        Assert.Equal(a.ChainId, b.ChainId);
        Assert.Equal(a.Nonce, b.Nonce);
        Assert.Equal(a.GasPrice, b.GasPrice);
        Assert.Equal(a.MaxPriorityFeePerGas, b.MaxPriorityFeePerGas);
        Assert.Equal(a.MaxFeePerGas, b.MaxFeePerGas);
        Assert.Equal(a.GasLimit, b.GasLimit);
        Assert.Equal(a.To, b.To);
        Assert.Equal(a.Value, b.Value);
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());
        Assert.Equal(a.AccessList.Count, b.AccessList.Count);
        for (int i = 0; i < a.AccessList.Count; i++)
        {
            Assert.Equal(a.AccessList[i].Address, b.AccessList[i].Address);
            Assert.Equal(a.AccessList[i].StorageKeys, b.AccessList[i].StorageKeys);
        }
        Assert.Equal(a.MaxFeePerBlobGas, b.MaxFeePerBlobGas);
        Assert.Equal(a.BlobVersionedHashes, b.BlobVersionedHashes);
        Assert.Equal(a.V, b.V);
        Assert.Equal(a.R, b.R);
        Assert.Equal(a.S, b.S);
    }
}

/// <summary>Batch recovery must equal one-by-one recovery, including for invalid signatures.</summary>
public class SenderRecoveryTests
{
    [Fact]
    public void RecoverAll_MatchesSequential()
    {
        var rng = new Random(5);
        var txs = new List<Transaction>();
        var expected = new List<Address>();
        for (int i = 0; i < 300; i++)
        {
            byte[] key = TxGen.RandomKey(rng);
            Transaction tx = TxGen.RandomUnsigned(rng, (TxType)(i % 4), 1).Sign(key);
            if (i % 7 == 0) tx = tx.WithSignature(tx.V, tx.R, Lockstep.Crypto.Ecdsa.N - tx.S); // high s: invalid
            txs.Add(tx);
            expected.Add(i % 7 == 0 ? default : Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(key));
        }
        var senders = new Address[txs.Count];
        var errors = new TransactionError[txs.Count];
        SenderRecovery.RecoverAll(txs, 1, senders, errors);
        for (int i = 0; i < txs.Count; i++)
        {
            Assert.Equal(expected[i], senders[i]);
            Assert.Equal(i % 7 == 0 ? TransactionError.InvalidSignature : TransactionError.None, errors[i]);
        }
    }
}
