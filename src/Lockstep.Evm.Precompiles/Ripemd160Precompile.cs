using Org.BouncyCastle.Crypto.Digests;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x03 RIPEMD-160 (Yellow Paper appendix E, <c>Ξ_RIP160</c>): the 20-byte digest left-padded to 32 bytes.
/// The 2016 touch/revert quirk of this address (block 2675119) is the state layer's business, not this class's.
/// </summary>
public sealed class Ripemd160Precompile : IPrecompile
{
    /// <summary>Gas for any call (Yellow Paper: <c>G_ripemd160</c>).</summary>
    public const long BaseGas = 600;
    /// <summary>Gas per 32-byte word of input (Yellow Paper: <c>G_ripemd160word</c>).</summary>
    public const long WordGas = 120;

    /// <summary>The shared instance (the precompile is stateless; a digest object is made per call).</summary>
    public static Ripemd160Precompile Instance { get; } = new();

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => PrecompileGas.PerWord(input.Length, BaseGas, WordGas);

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        var digest = new RipeMD160Digest();
        digest.BlockUpdate(input);
        output = new byte[32];
        digest.DoFinal(output.AsSpan(12));
        return true;
    }
}
