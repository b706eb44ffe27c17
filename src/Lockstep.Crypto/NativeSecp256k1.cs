using System.Runtime.InteropServices;

namespace Lockstep.Crypto;

/// <summary>
/// Direct P/Invoke bindings to the few libsecp256k1 functions sender recovery needs. The native library is the
/// one the Secp256k1.Net package ships (runtimes/&lt;rid&gt;/native/libsecp256k1.so, found through the app's
/// deps.json), so nothing native is added; the bindings only skip the wrapper's per-call overheads.
/// </summary>
internal static unsafe partial class NativeSecp256k1
{
    private const string Library = "libsecp256k1";

    /// <summary>SECP256K1_CONTEXT_NONE (include/secp256k1.h): since libsecp256k1 0.2 the flags only select the type.</summary>
    private const uint ContextNone = 1;

    /// <summary>SECP256K1_EC_UNCOMPRESSED: SECP256K1_FLAGS_TYPE_COMPRESSION (1 &lt;&lt; 1), no compression bit.</summary>
    internal const uint EcUncompressed = 1 << 1;

    /// <summary>
    /// One process-wide context. libsecp256k1 documents every API call that takes a const context as safe to run
    /// concurrently on the same context (include/secp256k1.h, "thread safety"); recovery, parsing and
    /// serialization take it const, so no per-thread copies are needed. Never destroyed (lives as long as the process).
    /// </summary>
    internal static readonly nint Context = CreateContext();

    private static nint CreateContext()
    {
        nint ctx = secp256k1_context_create(ContextNone);
        if (ctx == 0) throw new InvalidOperationException("secp256k1_context_create failed");
        return ctx;
    }

    [LibraryImport(Library)]
    private static partial nint secp256k1_context_create(uint flags);

    /// <summary>Parses 64 bytes r || s (big-endian) and a recovery id 0..3; 1 on success.</summary>
    [LibraryImport(Library)]
    internal static partial int secp256k1_ecdsa_recoverable_signature_parse_compact(nint ctx, byte* sig65, byte* input64, int recid);

    /// <summary>Recovers the public key of a recoverable signature over a 32-byte hash; 1 on success.</summary>
    [LibraryImport(Library)]
    internal static partial int secp256k1_ecdsa_recover(nint ctx, byte* pubkey64, byte* sig65, byte* msghash32);

    /// <summary>Serializes a public key (65 bytes uncompressed: 0x04 || x || y); 1 on success.</summary>
    [LibraryImport(Library)]
    internal static partial int secp256k1_ec_pubkey_serialize(nint ctx, byte* output, nuint* outputLength, byte* pubkey64, uint flags);
}
