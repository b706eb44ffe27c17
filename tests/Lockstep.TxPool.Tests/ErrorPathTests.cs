using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Transactions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>
/// Every refusal returns its error with go-ethereum's message (core/error.go, core/txpool/errors.go: wallets and
/// ethers match on these words) and leaves the pool exactly as it was: same transactions, counts, pending nonces.
/// </summary>
public sealed class ErrorPathTests
{
    private readonly MapState _state = Funded(4);
    private readonly byte[] _k0 = Key(0), _k1 = Key(1);
    private readonly TransactionPool _pool;
    private readonly Transaction _baselinePending, _baselineQueued;

    public ErrorPathTests()
    {
        _pool = Pool(_state);
        // A pool with a pending and a queued transaction, so that "unchanged" covers both kinds.
        _baselinePending = Dyn(_k0, 0, Gwei, Gwei * 2);
        _baselineQueued = Dyn(_k0, 2, Gwei, Gwei * 2);
        Assert.True(_pool.AddRaw(_baselinePending).Accepted);
        Assert.True(_pool.AddRaw(_baselineQueued).Accepted);
        Assert.Equal(1, _pool.PendingCount);
        Assert.Equal(1, _pool.QueuedCount);
    }

    private void AssertRefusedRaw(byte[] raw, TxPoolError error, string messagePrefix) =>
        AssertRefused(() => _pool.Add(raw), error, messagePrefix);

    private void AssertRefused(Func<TxPoolResult> add, TxPoolError error, string messagePrefix)
    {
        string before = _pool.Fingerprint(AddressOf(_k0), AddressOf(_k1), AddressOf(Key(2)), AddressOf(Key(3)));
        int added = 0;
        _pool.TransactionAdded += _ => added++;
        TxPoolResult result = add();
        Assert.False(result.Accepted);
        Assert.Equal(error, result.Error);
        Assert.StartsWith(messagePrefix, result.Message, StringComparison.Ordinal);
        Assert.Equal(before, _pool.Fingerprint(AddressOf(_k0), AddressOf(_k1), AddressOf(Key(2)), AddressOf(Key(3))));
        Assert.Equal(0, added);
    }

    /// <summary>Both entry points (raw bytes and decoded transaction) refuse alike.</summary>
    private void AssertRefusedBoth(Transaction tx, TxPoolError error, string messagePrefix)
    {
        AssertRefused(() => _pool.Add(tx.Encode()), error, messagePrefix);
        AssertRefused(() => _pool.Add(tx), error, messagePrefix);
    }

    [Theory]
    [InlineData("")]            // no bytes
    [InlineData("c0")]          // an empty legacy list: too few fields
    [InlineData("80")]          // an RLP string is not a transaction
    [InlineData("02c0")]        // typed envelope with an empty body
    [InlineData("f8")]          // list header running past the end
    public void MalformedRlp(string hex) => AssertRefusedRaw(Hex.Decode(hex), TxPoolError.Malformed, "invalid transaction encoding");

    [Fact]
    public void TrailingAndTruncatedBytes()
    {
        byte[] good = Dyn(_k1, 0, Gwei, Gwei * 2).Encode();
        AssertRefusedRaw([.. good, 0x00], TxPoolError.Malformed, "invalid transaction encoding");
        AssertRefusedRaw(good[..^1], TxPoolError.Malformed, "invalid transaction encoding");
    }

    [Theory]
    [InlineData("7fc0")]   // the protocol's system transaction type: never from users
    [InlineData("04c0")]   // EIP-7702 (Prague), not supported under Cancun
    [InlineData("7e01")]
    public void UnknownTypeByte(string hex) => AssertRefusedRaw(Hex.Decode(hex), TxPoolError.TypeNotSupported, "transaction type not supported");

    [Fact]
    public void SystemTypeObjectIsRefused() =>
        AssertRefused(() => _pool.Add(new Transaction { Type = (TxType)0x7F, Nonce = 1, GasLimit = 21000, To = Recipient }),
            TxPoolError.TypeNotSupported, "transaction type not supported");

    [Fact]
    public void BlobTransactionRefusedOnARollup()
    {
        byte[] versioned = new byte[32];
        versioned[0] = TransactionValidator.VersionedHashVersionKzg;
        Transaction blob = new Transaction
        {
            Type = TxType.Blob, ChainId = ChainId, Nonce = 0, MaxPriorityFeePerGas = Gwei, MaxFeePerGas = Gwei * 2, GasLimit = 21000,
            To = Recipient, MaxFeePerBlobGas = 1, BlobVersionedHashes = [new Hash256(versioned)],
        }.Sign(_k1);
        AssertRefusedBoth(blob, TxPoolError.TypeNotSupported, "transaction type not supported");

        // With blobs allowed the same bytes are accepted.
        var pool = Pool(Funded(2), new TxPoolOptions { ChainId = ChainId, AllowBlobTransactions = true });
        Assert.True(pool.Add(blob.Encode()).Accepted);
    }

    [Fact]
    public void HighSIsInvalid()
    {
        // EIP-2: s must be at most n/2; (r, n - s) with the other parity is the malleable twin of a valid signature.
        Transaction tx = Dyn(_k1, 0, Gwei, Gwei * 2);
        Transaction twin = tx.WithSignature(tx.V.IsZero ? UInt256.One : UInt256.Zero, tx.R, Ecdsa.N - tx.S);
        AssertRefusedBoth(twin, TxPoolError.InvalidSignature, "invalid sender");
    }

    [Fact]
    public void ZeroROrBadParityIsInvalid()
    {
        Transaction tx = Dyn(_k1, 0, Gwei, Gwei * 2);
        AssertRefusedBoth(tx.WithSignature(tx.V, UInt256.Zero, tx.S), TxPoolError.InvalidSignature, "invalid sender: invalid transaction v, r, s values");
        AssertRefusedBoth(tx.WithSignature(2, tx.R, tx.S), TxPoolError.InvalidSignature, "invalid sender: invalid transaction v, r, s values");
    }

    [Fact]
    public void WrongChainId()
    {
        AssertRefusedBoth(Dyn(_k1, 0, Gwei, Gwei * 2, chainId: 1), TxPoolError.WrongChainId, "invalid sender: invalid chain id for signer");
        AssertRefusedBoth(Legacy(_k1, 0, Gwei * 2, chainId: 1), TxPoolError.WrongChainId, "invalid sender: invalid chain id for signer");
    }

    [Fact]
    public void UnprotectedLegacyRefusedByDefault()
    {
        Transaction tx = Legacy(_k1, 0, Gwei * 2, chainId: null);
        AssertRefusedBoth(tx, TxPoolError.NotReplayProtected, "only replay-protected (EIP-155) transactions allowed over RPC");

        var pool = Pool(Funded(2), new TxPoolOptions { ChainId = ChainId, AllowUnprotectedTransactions = true });
        TxPoolResult result = pool.Add(tx.Encode());
        Assert.True(result.Accepted, result.Message);
        Assert.True(pool.TryGet(result.Hash, out PooledTransaction pooled));
        Assert.Equal(AddressOf(_k1), pooled.Sender);
    }

    [Fact]
    public void Oversized()
    {
        // 128 KiB of call data makes the encoding larger than geth's txMaxSize (4 * 32 KiB).
        Transaction tx = Dyn(_k1, 0, Gwei, Gwei * 2, gas: 29_000_000, data: new byte[128 * 1024]);
        Assert.True(tx.Encode().Length > 128 * 1024);
        AssertRefusedBoth(tx, TxPoolError.Oversized, "oversized data");
        TxPoolResult raw = _pool.Add(tx.Encode());
        Assert.Equal(default, raw.Hash); // not even hashed
    }

    [Fact]
    public void AlreadyKnown()
    {
        AssertRefusedBoth(_baselinePending, TxPoolError.AlreadyKnown, "already known");
        AssertRefusedBoth(_baselineQueued, TxPoolError.AlreadyKnown, "already known");
    }

    [Fact]
    public void NonceTooLow()
    {
        _state.Set(AddressOf(_k1), 5, Ether);
        AssertRefusedBoth(Dyn(_k1, 4, Gwei, Gwei * 2), TxPoolError.NonceTooLow, "nonce too low: next nonce 5, tx nonce 4");
    }

    [Fact]
    public void NonceGapBeyondLimit()
    {
        // Default MaxNonceGap is 64: the sender's pending nonce is 0, so nonce 65 is 65 ahead.
        AssertRefusedBoth(Dyn(_k1, 65, Gwei, Gwei * 2), TxPoolError.NonceGapTooLarge, "nonce too high");
        Assert.True(_pool.Add(Dyn(_k1, 64, Gwei, Gwei * 2)).Accepted);
    }

    [Fact]
    public void InsufficientFunds()
    {
        // Cost = value + gasLimit * maxFeePerGas (the Yellow Paper's up-front cost with the EIP-1559 fee cap).
        UInt256 oneTx = (UInt256)21000UL * (Gwei * 2);
        _state.Set(AddressOf(Key(2)), 0, oneTx * 2 + 10);
        AssertRefusedBoth(Dyn(Key(2), 0, Gwei, Gwei * 2, value: oneTx + 11), TxPoolError.InsufficientFunds,
            "insufficient funds for gas * price + value");
        Assert.True(_pool.Add(Dyn(Key(2), 0, Gwei, Gwei * 2, value: 10)).Accepted);
        // The balance left after the pooled transaction covers one more bare transfer, not one with value 1.
        AssertRefusedBoth(Dyn(Key(2), 1, Gwei, Gwei * 2, value: 1), TxPoolError.InsufficientFunds, "insufficient funds for gas * price + value");
        Assert.True(_pool.Add(Dyn(Key(2), 1, Gwei, Gwei * 2)).Accepted);
    }

    [Fact]
    public void ValueOverflowIsInsufficientFunds() =>
        AssertRefusedBoth(Dyn(_k1, 0, Gwei, Gwei * 2, value: UInt256.MaxValue), TxPoolError.InsufficientFunds, "insufficient funds for gas * price + value");

    [Fact]
    public void IntrinsicGasTooLow()
    {
        AssertRefusedBoth(Dyn(_k1, 0, Gwei, Gwei * 2, gas: 20999), TxPoolError.IntrinsicGasTooLow, "intrinsic gas too low");
        // Yellow Paper / EIP-2028: 21000 + 16 per non-zero data byte.
        AssertRefusedBoth(Dyn(_k1, 0, Gwei, Gwei * 2, gas: 21063, data: [1, 2, 3, 4]), TxPoolError.IntrinsicGasTooLow,
            "intrinsic gas too low: gas 21063, minimum needed 21064");
        Assert.True(_pool.Add(Dyn(_k1, 0, Gwei, Gwei * 2, gas: 21064, data: [1, 2, 3, 4])).Accepted);
    }

    [Fact]
    public void GasLimitAboveBlock() =>
        AssertRefusedBoth(Dyn(_k1, 0, Gwei, Gwei * 2, gas: 30_000_001), TxPoolError.GasLimitExceedsBlock, "exceeds block gas limit");

    [Fact]
    public void FeeCapBelowBaseFee() =>
        AssertRefusedBoth(Dyn(_k1, 0, 0, Gwei - 1), TxPoolError.FeeCapBelowBaseFee, "max fee per gas less than block base fee");

    [Fact]
    public void TipAboveFeeCap() =>
        AssertRefusedBoth(Dyn(_k1, 0, Gwei * 3, Gwei * 2), TxPoolError.TipAboveFeeCap, "max priority fee per gas higher than max fee per gas");

    [Fact]
    public void FeeCapOverflow() =>
        AssertRefusedBoth(Dyn(_k1, 0, 1, UInt256.One << 255), TxPoolError.FeeOverflow, "fee cap too high");

    [Fact]
    public void NonceMax() =>
        AssertRefusedBoth(Dyn(_k1, ulong.MaxValue, Gwei, Gwei * 2), TxPoolError.NonceMax, "nonce has max value");

    [Fact]
    public void InitCodeTooLarge() =>
        // EIP-3860: MAX_INITCODE_SIZE = 49152.
        AssertRefusedBoth(Dyn(_k1, 0, Gwei, Gwei * 2, gas: 1_000_000, data: new byte[49153], create: true), TxPoolError.InitCodeTooLarge,
            "max initcode size exceeded");

    [Fact]
    public void SenderWithCode()
    {
        _state.Set(AddressOf(Key(3)), 0, Ether, Keccak256.Compute([0x60, 0x00]));
        AssertRefusedBoth(Dyn(Key(3), 0, Gwei, Gwei * 2), TxPoolError.SenderHasCode, "sender not an eoa");
    }

    [Fact]
    public void TipBelowMinimum()
    {
        var state = Funded(2);
        var pool = Pool(state, new TxPoolOptions { ChainId = ChainId, MinPriorityFee = Gwei });
        string before = pool.Fingerprint();
        TxPoolResult r = pool.Add(Dyn(_k1, 0, Gwei - 1, Gwei * 3));
        Assert.Equal(TxPoolError.Underpriced, r.Error);
        Assert.StartsWith("transaction underpriced", r.Message, StringComparison.Ordinal);
        Assert.Equal(before, pool.Fingerprint());
        Assert.True(pool.Add(Dyn(_k1, 0, Gwei, Gwei * 3)).Accepted);
    }

    [Fact]
    public void ReplacementWithoutBump()
    {
        // Baseline nonce 0 pays tip 1 gwei, cap 2 gwei; a replacement must pay at least 1.1 and 2.2 gwei.
        UInt256 tip110 = Gwei * 11 / 10, cap110 = Gwei * 22 / 10;
        AssertRefusedBoth(Dyn(_k0, 0, tip110 - 1, cap110), TxPoolError.ReplacementUnderpriced, "replacement transaction underpriced");
        AssertRefusedBoth(Dyn(_k0, 0, tip110, cap110 - 1), TxPoolError.ReplacementUnderpriced, "replacement transaction underpriced");
        AssertRefusedBoth(Dyn(_k0, 0, Gwei, Gwei * 10), TxPoolError.ReplacementUnderpriced, "replacement transaction underpriced");
        // The queued one is protected the same way.
        AssertRefusedBoth(Dyn(_k0, 2, Gwei, Gwei * 2, value: 1), TxPoolError.ReplacementUnderpriced, "replacement transaction underpriced");
    }

    [Fact]
    public void SenderLimit()
    {
        var pool = Pool(Funded(2), new TxPoolOptions { ChainId = ChainId, MaxPerSender = 3 });
        for (ulong n = 0; n < 3; n++) Assert.True(pool.Add(Dyn(_k1, n, Gwei, Gwei * 2)).Accepted);
        string before = pool.Fingerprint(AddressOf(_k1));
        TxPoolResult r = pool.Add(Dyn(_k1, 3, Gwei, Gwei * 2));
        Assert.Equal(TxPoolError.SenderLimit, r.Error);
        Assert.StartsWith("account limit exceeded", r.Message, StringComparison.Ordinal);
        Assert.Equal(before, pool.Fingerprint(AddressOf(_k1)));
    }

    [Fact]
    public void PoolFullOfOwnTransactions()
    {
        // Eviction never takes the adding sender's own tail for a higher nonce, so nothing can make room.
        var pool = Pool(Funded(2), new TxPoolOptions { ChainId = ChainId, MaxTotal = 2 });
        Assert.True(pool.Add(Dyn(_k1, 0, Gwei, Gwei * 2)).Accepted);
        Assert.True(pool.Add(Dyn(_k1, 1, Gwei, Gwei * 2)).Accepted);
        string before = pool.Fingerprint(AddressOf(_k1));
        TxPoolResult r = pool.Add(Dyn(_k1, 2, Gwei * 50, Gwei * 100));
        Assert.Equal(TxPoolError.PoolFull, r.Error);
        Assert.Equal("txpool is full", r.Message);
        Assert.Equal(before, pool.Fingerprint(AddressOf(_k1)));
    }

    [Fact]
    public void PoolFullOfBetterPayers()
    {
        var pool = Pool(Funded(3), new TxPoolOptions { ChainId = ChainId, MaxTotal = 2 });
        Assert.True(pool.Add(Dyn(Key(0), 0, Gwei * 5, Gwei * 10)).Accepted);
        Assert.True(pool.Add(Dyn(Key(1), 0, Gwei * 5, Gwei * 10)).Accepted);
        string before = pool.Fingerprint(AddressOf(Key(2)));
        // Effective tip at base fee 1 gwei: 5 gwei for both pooled ones, 5 gwei for this one too: not strictly better.
        TxPoolResult r = pool.Add(Dyn(Key(2), 0, Gwei * 5, Gwei * 10));
        Assert.Equal(TxPoolError.Underpriced, r.Error);
        Assert.StartsWith("transaction underpriced", r.Message, StringComparison.Ordinal);
        Assert.Equal(before, pool.Fingerprint(AddressOf(Key(2))));
    }
}
