using System.Runtime.CompilerServices;
using Lockstep.Primitives;
using Secp256k1Net;

namespace Lockstep.Crypto;

/// <summary>
/// ECDSA over secp256k1 as Ethereum uses it (Yellow Paper appendix F), backed by the native
/// bitcoin-core libsecp256k1. Recovery calls the library directly with one shared context
/// (<see cref="Secp256k1Recovery"/> on <see cref="Secp256k1Library.Default"/>: the project's own build when present,
/// else the one Secp256k1.Net ships); signing and key derivation go through the Secp256k1.Net wrapper
/// with a context per thread. Callers may recover senders from many threads at once without locks.
/// </summary>
public static class Ecdsa
{
    /// <summary>The group order n of secp256k1.</summary>
    public static readonly UInt256 N = new(0xBFD25E8CD0364141UL, 0xBAAEDCE6AF48A03BUL, 0xFFFFFFFFFFFFFFFEUL, 0xFFFFFFFFFFFFFFFFUL);

    /// <summary>n / 2, the largest s allowed in a transaction signature (EIP-2).</summary>
    public static readonly UInt256 HalfN = new(0xDFE92F46681B20A0UL, 0x5D576E7357A4501DUL, 0xFFFFFFFFFFFFFFFFUL, 0x7FFFFFFFFFFFFFFFUL);

    // libsecp256k1 contexts are safe to share for verification/recovery once created, but the
    // wrapper object is disposable and not documented as thread-safe, so each thread gets its own.
    [ThreadStatic] private static Secp256k1? t_context;

    private static Secp256k1 Context
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_context ??= new Secp256k1();
    }

    /// <summary>
    /// ecrecover semantics: r and s in [1, n-1] (no low-s rule), recoveryId 0 or 1; false when invalid.
    /// </summary>
    /// <param name="messageHash32">The 32-byte hash that was signed.</param>
    /// <param name="r32">r as 32 big-endian bytes.</param>
    /// <param name="s32">s as 32 big-endian bytes.</param>
    /// <param name="recoveryId">0 or 1 (the parity of the ephemeral point's y).</param>
    /// <param name="address">The signer's address when the result is true, otherwise zero.</param>
    /// <remarks>
    /// The hot path of sender recovery (issue 2): it calls libsecp256k1 directly (<see cref="Secp256k1Recovery"/>)
    /// with one shared context and stack buffers, without the wrapper's per-call checks and copies, on the library
    /// <see cref="Secp256k1Library"/> chose (the project's faster build when present).
    /// </remarks>
    public static bool TryRecoverAddress(ReadOnlySpan<byte> messageHash32, ReadOnlySpan<byte> r32, ReadOnlySpan<byte> s32, int recoveryId, out Address address) =>
        Secp256k1Library.Default.TryRecoverAddress(messageHash32, r32, s32, recoveryId, out address);

    /// <summary>The address of a 64-byte uncompressed public key (x || y): the last 20 bytes of its keccak-256.</summary>
    [SkipLocalsInit]
    public static Address PublicKeyToAddress(ReadOnlySpan<byte> publicKey64)
    {
        if (publicKey64.Length != 64) throw new ArgumentException("an uncompressed public key without prefix is 64 bytes", nameof(publicKey64));
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Compute(publicKey64, hash);
        return new Address(hash[12..]);
    }

    /// <summary>The address controlled by a 32-byte private key.</summary>
    /// <exception cref="ArgumentException">The key is not in [1, n-1].</exception>
    [SkipLocalsInit]
    public static Address PrivateKeyToAddress(ReadOnlySpan<byte> privateKey32)
    {
        CheckPrivateKey(privateKey32);
        Secp256k1 ctx = Context;
        Span<byte> pubkey = stackalloc byte[64];
        Span<byte> serialized = stackalloc byte[65];
        if (!ctx.EcPubkeyCreate(pubkey, privateKey32)) throw new ArgumentException("invalid private key", nameof(privateKey32));
        nuint len = 65;
        if (!ctx.EcPubkeySerialize(serialized, ref len, pubkey, Secp256k1EcFlags.Uncompressed) || len != 65)
            throw new InvalidOperationException("public key serialization failed");
        return PublicKeyToAddress(serialized[1..]);
    }

    /// <summary>
    /// Deterministic (RFC 6979) signature; returns r, s (low-s normalized, as EIP-2 requires) and the recovery id.
    /// </summary>
    /// <exception cref="ArgumentException">The hash is not 32 bytes or the key is not in [1, n-1].</exception>
    [SkipLocalsInit]
    public static (UInt256 r, UInt256 s, int recoveryId) Sign(ReadOnlySpan<byte> messageHash32, ReadOnlySpan<byte> privateKey32)
    {
        if (messageHash32.Length != 32) throw new ArgumentException("the message hash is 32 bytes", nameof(messageHash32));
        CheckPrivateKey(privateKey32);
        Secp256k1 ctx = Context;
        Span<byte> sig = stackalloc byte[65];
        Span<byte> compact = stackalloc byte[64];
        // The default nonce function of libsecp256k1 is RFC 6979 with HMAC-SHA256, and signing
        // always yields a lower-S signature (secp256k1_ecdsa_sign documentation).
        if (!ctx.EcdsaSignRecoverable(sig, messageHash32, privateKey32)) throw new ArgumentException("signing failed", nameof(privateKey32));
        ctx.EcdsaRecoverableSignatureSerializeCompact(compact, out int recid, sig);
        return (new UInt256(compact[..32]), new UInt256(compact[32..]), recid);
    }

    private static void CheckPrivateKey(ReadOnlySpan<byte> privateKey32)
    {
        if (privateKey32.Length != 32 || !InRange(privateKey32)) throw new ArgumentException("a private key is 32 bytes in [1, n-1]", nameof(privateKey32));
    }

    /// <summary>True when the 32-byte big-endian value is in [1, n-1].</summary>
    internal static bool InRange(ReadOnlySpan<byte> value32)
    {
        var v = new UInt256(value32);
        return !v.IsZero && v < N;
    }
}
