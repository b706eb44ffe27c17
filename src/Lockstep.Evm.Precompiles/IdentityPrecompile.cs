namespace Lockstep.Evm.Precompiles;

/// <summary>0x04 identity (Yellow Paper appendix E, <c>Ξ_ID</c>): returns its input.</summary>
public sealed class IdentityPrecompile : IPrecompile
{
    /// <summary>Gas for any call (Yellow Paper: <c>G_identity</c>).</summary>
    public const long BaseGas = 15;
    /// <summary>Gas per 32-byte word of input (Yellow Paper: <c>G_identityword</c>).</summary>
    public const long WordGas = 3;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static IdentityPrecompile Instance { get; } = new();

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => PrecompileGas.PerWord(input.Length, BaseGas, WordGas);

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = input.ToArray();
        return true;
    }
}
