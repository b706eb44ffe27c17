using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lockstep.Primitives;

namespace Lockstep.Crypto;

/// <summary>
/// Public-key recovery (ecrecover) on one loaded native libsecp256k1, called through unmanaged function pointers with
/// one shared context and stack buffers (no wrapper, no arrays). <see cref="Ecdsa.TryRecoverAddress"/> runs on
/// <see cref="Secp256k1Library.Default"/>; other instances exist to run the same checks and benchmarks on another
/// build of the library (e.g. the NuGet one against the project's, in one process). Thread-safe.
/// </summary>
public sealed unsafe class Secp256k1Recovery
{
    /// <summary>SECP256K1_CONTEXT_NONE (include/secp256k1.h): since libsecp256k1 0.2 the flags only select the type.</summary>
    private const uint ContextNone = 1;

    /// <summary>SECP256K1_EC_UNCOMPRESSED: SECP256K1_FLAGS_TYPE_COMPRESSION (1 &lt;&lt; 1), no compression bit.</summary>
    private const uint EcUncompressed = 1 << 1;

    /// <summary>
    /// One context per library, never destroyed. libsecp256k1 documents every call that takes a const context as safe
    /// to run concurrently on the same context (include/secp256k1.h, "thread safety"); parsing, recovery and
    /// serialization take it const.
    /// </summary>
    private readonly nint _context;

    // secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, sig65, input64, recid): r || s big-endian, recid 0..3.
    private readonly delegate* unmanaged<nint, byte*, byte*, int, int> _parseCompact;

    // secp256k1_ecdsa_recover(ctx, pubkey64, sig65, msghash32).
    private readonly delegate* unmanaged<nint, byte*, byte*, byte*, int> _recover;

    // secp256k1_ec_pubkey_serialize(ctx, output, outputlen, pubkey64, flags): 65 bytes 0x04 || x || y uncompressed.
    private readonly delegate* unmanaged<nint, byte*, nuint*, byte*, uint, int> _serialize;

    private Secp256k1Recovery(nint handle, string description, bool isNuGetBuild)
    {
        var create = (delegate* unmanaged<uint, nint>)Export(handle, "secp256k1_context_create");
        _parseCompact = (delegate* unmanaged<nint, byte*, byte*, int, int>)Export(handle, "secp256k1_ecdsa_recoverable_signature_parse_compact");
        _recover = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)Export(handle, "secp256k1_ecdsa_recover");
        _serialize = (delegate* unmanaged<nint, byte*, nuint*, byte*, uint, int>)Export(handle, "secp256k1_ec_pubkey_serialize");
        _context = create(ContextNone);
        if (_context == 0) throw new InvalidOperationException($"secp256k1_context_create failed in {description}");
        Description = description;
        IsNuGetBuild = isNuGetBuild;
    }

    /// <summary>Which library this is (path and variant), for logs and benchmark labels.</summary>
    public string Description { get; }

    /// <summary>True for the library the Secp256k1.Net package ships (<see cref="LoadNuGet()"/>).</summary>
    public bool IsNuGetBuild { get; }

    /// <summary>Loads the libsecp256k1 shared library at <paramref name="path"/> (it must have the recovery module).</summary>
    /// <exception cref="DllNotFoundException">The file is missing or cannot be loaded.</exception>
    /// <exception cref="EntryPointNotFoundException">The library lacks a function recovery needs.</exception>
    public static Secp256k1Recovery Load(string path, string? description = null)
    {
        if (!File.Exists(path)) throw new DllNotFoundException($"no libsecp256k1 at {path}");
        return new Secp256k1Recovery(NativeLibrary.Load(path), description ?? path, isNuGetBuild: false);
    }

    /// <summary>
    /// The libsecp256k1 that the Secp256k1.Net NuGet package ships, found the way its own imports find it (the
    /// application's deps.json: runtimes/&lt;rid&gt;/native/libsecp256k1.so).
    /// </summary>
    public static Secp256k1Recovery LoadNuGet() => LoadNuGet(null);

    internal static Secp256k1Recovery LoadNuGet(string? why) =>
        new(NativeLibrary.Load("libsecp256k1", typeof(Secp256k1Recovery).Assembly, null),
            why is null ? "libsecp256k1 from the NuGet package Secp256k1.Net" : $"libsecp256k1 from the NuGet package Secp256k1.Net {why}", isNuGetBuild: true);

    internal static Secp256k1Recovery FromHandle(nint handle, string description, bool isNuGetBuild) => new(handle, description, isNuGetBuild);

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out nint address) ? address : throw new EntryPointNotFoundException($"libsecp256k1 lacks {name}");

    /// <summary>
    /// ecrecover semantics: r and s in [1, n-1] (no low-s rule), recoveryId 0 or 1; false when invalid. On success
    /// <paramref name="publicKey64"/> holds the uncompressed public key x || y (64 bytes, no 0x04 prefix).
    /// </summary>
    [SkipLocalsInit]
    public bool TryRecoverPublicKey(ReadOnlySpan<byte> messageHash32, ReadOnlySpan<byte> r32, ReadOnlySpan<byte> s32, int recoveryId, Span<byte> publicKey64)
    {
        // Ethereum only ever uses recovery ids 0/1: ids 2/3 (r >= p - n) are never produced by signers and are
        // rejected by every client's ecrecover.
        if ((uint)recoveryId > 1 || messageHash32.Length != 32 || r32.Length != 32 || s32.Length != 32 || publicKey64.Length != 64) return false;
        if (!Ecdsa.InRange(r32) || !Ecdsa.InRange(s32)) return false;

        // Opaque libsecp256k1 structs: secp256k1_ecdsa_recoverable_signature is 65 bytes, secp256k1_pubkey 64
        // (include/secp256k1_recovery.h, include/secp256k1.h); their layouts are never read here.
        byte* compact = stackalloc byte[64];
        byte* sig = stackalloc byte[65];
        byte* pubkey = stackalloc byte[64];
        byte* serialized = stackalloc byte[65];
        r32.CopyTo(new Span<byte>(compact, 32));
        s32.CopyTo(new Span<byte>(compact + 32, 32));
        nint ctx = _context;
        if (_parseCompact(ctx, sig, compact, recoveryId) != 1) return false;
        fixed (byte* msg = messageHash32)
        {
            if (_recover(ctx, pubkey, sig, msg) != 1) return false;
        }
        nuint len = 65;
        if (_serialize(ctx, serialized, &len, pubkey, EcUncompressed) != 1 || len != 65) return false;
        new ReadOnlySpan<byte>(serialized + 1, 64).CopyTo(publicKey64);
        return true;
    }

    /// <summary>
    /// The signer's address (last 20 bytes of keccak-256 of the recovered public key), ecrecover semantics as in
    /// <see cref="TryRecoverPublicKey"/>; <paramref name="address"/> is zero when the result is false.
    /// </summary>
    [SkipLocalsInit]
    public bool TryRecoverAddress(ReadOnlySpan<byte> messageHash32, ReadOnlySpan<byte> r32, ReadOnlySpan<byte> s32, int recoveryId, out Address address)
    {
        Span<byte> publicKey = stackalloc byte[64];
        if (!TryRecoverPublicKey(messageHash32, r32, s32, recoveryId, publicKey))
        {
            address = default;
            return false;
        }
        address = Ecdsa.PublicKeyToAddress(publicKey);
        return true;
    }
}
