using System.Security.Cryptography;

namespace Lockstep.Evm.Precompiles;

/// <summary>0x02 SHA2-256 (Yellow Paper appendix E, <c>Ξ_SHA256</c>).</summary>
public sealed class Sha256Precompile : IPrecompile
{
    /// <summary>Gas for any call (Yellow Paper: <c>G_sha256</c>).</summary>
    public const long BaseGas = 60;
    /// <summary>Gas per 32-byte word of input (Yellow Paper: <c>G_sha256word</c>).</summary>
    public const long WordGas = 12;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static Sha256Precompile Instance { get; } = new();

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => PrecompileGas.PerWord(input.Length, BaseGas, WordGas);

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = new byte[32];
        SHA256.HashData(input, output);
        return true;
    }
}
