using Lockstep.Primitives;
using Lockstep.Transactions;
using Nethereum.Signer;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>What the pool reports about an accepted transaction, checked against Nethereum (an independent implementation).</summary>
public sealed class OracleTests
{
    [Theory]
    [InlineData(TxType.Legacy)]
    [InlineData(TxType.AccessList)]
    [InlineData(TxType.DynamicFee)]
    public void SenderAndHashMatchNethereum(TxType type)
    {
        byte[] key = Key(9);
        var state = new MapState();
        state.Set(Address.FromHex(new EthECKey(key, true).GetPublicAddress()), 3, Ether);
        var pool = Pool(state);
        Transaction tx = new Transaction
        {
            Type = type, ChainId = ChainId, Nonce = 3, GasPrice = Gwei * 2, MaxPriorityFeePerGas = Gwei, MaxFeePerGas = Gwei * 2,
            GasLimit = 60_000, To = Recipient, Value = 12345, Data = new byte[] { 0xde, 0xad, 0xbe, 0xef },
            AccessList = type == TxType.Legacy ? [] : [new AccessListEntry(Recipient, [new Hash256(new byte[32])])],
        }.Sign(key);
        byte[] raw = tx.Encode();
        TxPoolResult r = pool.Add(raw);
        Assert.True(r.Accepted, r.Message);
        Assert.True(pool.TryGet(r.Hash, out PooledTransaction pooled));

        string hex = Hex.Encode(raw);
        string oracleSender = new TransactionVerificationAndRecoveryImp().GetSenderAddress(hex);
        Assert.Equal(Address.FromHex(oracleSender), pooled.Sender);
        Assert.Equal(Address.FromHex(new EthECKey(key, true).GetPublicAddress()), pooled.Sender);
        byte[] oracleHash = Nethereum.Util.Sha3Keccack.Current.CalculateHash(raw);
        Assert.Equal(new Hash256(oracleHash), r.Hash);
        Assert.Equal(raw, pooled.Raw);
    }
}
