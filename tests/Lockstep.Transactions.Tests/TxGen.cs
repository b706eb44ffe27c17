using Lockstep.Crypto;
using Lockstep.Primitives;

namespace Lockstep.Transactions.Tests;

/// <summary>Random, signed transactions of every type for round-trip and fuzz tests (seeded, reproducible).</summary>
internal static class TxGen
{
    public static byte[] RandomKey(Random rng)
    {
        var key = new byte[32];
        do { rng.NextBytes(key); } while (!ValidKey(key));
        return key;
    }

    private static bool ValidKey(byte[] key)
    {
        var v = new UInt256(key);
        return !v.IsZero && v < Ecdsa.N;
    }

    /// <summary>A random-width integer: zero, small, or up to 256 bits, so every RLP length form is exercised.</summary>
    public static UInt256 RandomU256(Random rng, int maxBytes = 32)
    {
        int len = rng.Next(4) switch { 0 => 0, 1 => 1, 2 => rng.Next(1, 9), _ => rng.Next(1, maxBytes + 1) };
        var b = new byte[32];
        rng.NextBytes(b.AsSpan(32 - len));
        return new UInt256(b);
    }

    public static ulong RandomU64(Random rng) => rng.Next(3) switch
    {
        0 => 0,
        1 => (ulong)rng.Next(1, 100000),
        _ => (ulong)rng.NextInt64(long.MaxValue) * 2 + (ulong)rng.Next(2) - 1, // never ulong.MaxValue
    };

    public static Transaction RandomUnsigned(Random rng, TxType type, ulong chainId, bool eip155 = true)
    {
        byte[] data = new byte[rng.Next(3) switch { 0 => 0, 1 => rng.Next(1, 56), _ => rng.Next(56, 2000) }];
        rng.NextBytes(data);
        for (int i = 0; i < data.Length; i += rng.Next(1, 8)) data[i] = 0; // mix zero and non-zero bytes for intrinsic gas
        bool create = type != TxType.Blob && rng.Next(4) == 0;
        Address? to = create ? null : new Address(RandomBytes(rng, 20));
        var accessList = new AccessListEntry[type == TxType.Legacy ? 0 : rng.Next(4)];
        for (int i = 0; i < accessList.Length; i++)
        {
            var keys = new Hash256[rng.Next(4)];
            for (int k = 0; k < keys.Length; k++) keys[k] = new Hash256(RandomBytes(rng, 32));
            accessList[i] = new AccessListEntry(new Address(RandomBytes(rng, 20)), keys);
        }
        var blobHashes = new Hash256[type == TxType.Blob ? rng.Next(1, 7) : 0];
        for (int i = 0; i < blobHashes.Length; i++)
        {
            byte[] h = RandomBytes(rng, 32);
            h[0] = TransactionValidator.VersionedHashVersionKzg;
            blobHashes[i] = new Hash256(h);
        }
        UInt256 maxFee = RandomU256(rng, 16);
        UInt256 tip = maxFee.IsZero ? UInt256.Zero : UInt256.Mod(RandomU256(rng, 16), maxFee);
        return new Transaction
        {
            Type = type,
            ChainId = type == TxType.Legacy && !eip155 ? null : chainId,
            Nonce = RandomU64(rng),
            GasPrice = type <= TxType.AccessList ? RandomU256(rng, 16) : UInt256.Zero,
            MaxFeePerGas = type >= TxType.DynamicFee ? maxFee : UInt256.Zero,
            MaxPriorityFeePerGas = type >= TxType.DynamicFee ? tip : UInt256.Zero,
            GasLimit = 1_000_000 + (ulong)rng.Next(30_000_000),
            To = to,
            Value = RandomU256(rng),
            Data = data,
            AccessList = accessList,
            MaxFeePerBlobGas = type == TxType.Blob ? RandomU256(rng, 16) : UInt256.Zero,
            BlobVersionedHashes = blobHashes,
        };
    }

    public static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }
}
