using Lockstep.Crypto;
using Lockstep.Primitives;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x01 ECDSA public key recovery (Yellow Paper appendix E, <c>Ξ_ECREC</c>). Input (zero-padded or truncated to
/// 128 bytes): hash, v, r, s as 32-byte words. An invalid signature is not a failure: the call succeeds with empty output.
/// </summary>
public sealed class EcRecoverPrecompile : IPrecompile
{
    /// <summary>Gas for any call (Yellow Paper: <c>G_ecrec</c>).</summary>
    public const long Gas = 3000;
    private const int InputLength = 128;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static EcRecoverPrecompile Instance { get; } = new();

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => Gas;

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        Span<byte> data = stackalloc byte[InputLength];
        PrecompileInput.CopyPadded(input, data);

        // v must be exactly 27 or 28 as a whole 32-byte word (Yellow Paper appendix E: v ∈ {27, 28}).
        ReadOnlySpan<byte> v = data.Slice(32, 32);
        if (v[..31].ContainsAnyExcept((byte)0) || (v[31] != 27 && v[31] != 28))
        {
            output = [];
            return true;
        }
        // Ecdsa checks r, s ∈ [1, n-1]; unlike transactions there is no low-s rule (EIP-2 does not apply here).
        if (!Ecdsa.TryRecoverAddress(data[..32], data.Slice(64, 32), data.Slice(96, 32), v[31] - 27, out Address address))
        {
            output = [];
            return true;
        }
        output = new byte[32];
        address.CopyTo(output.AsSpan(12));
        return true;
    }
}
