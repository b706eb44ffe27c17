using Lockstep.Evm.Precompiles.Bn254;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x06 alt_bn128 point addition (EIP-196). Input (zero-padded or truncated to 128 bytes): two G1 points
/// (x, y as 32-byte big-endian words, (0, 0) = infinity). Output: their sum, 64 bytes. A coordinate ≥ p or a
/// point off the curve fails the call.
/// </summary>
public sealed class Bn256AddPrecompile : IPrecompile
{
    /// <summary>Gas for any call (EIP-1108, Istanbul; was 500 under EIP-196).</summary>
    public const long Gas = 150;
    private const int InputLength = 128;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static Bn256AddPrecompile Instance { get; } = new();

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => Gas;

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        Span<byte> data = stackalloc byte[InputLength];
        PrecompileInput.CopyPadded(input, data);
        if (!Bn254Curve.TryReadG1(data[..64], out G1Point a) || !Bn254Curve.TryReadG1(data[64..], out G1Point b)) return false;

        JacobianPoint<Fp> sum = JacobianPoint<Fp>.Add(a.ToJacobian(), b.ToJacobian());
        output = new byte[64];
        Bn254Curve.WriteG1(sum, output);
        return true;
    }
}
