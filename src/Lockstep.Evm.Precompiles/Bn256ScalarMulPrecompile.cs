using Lockstep.Evm.Precompiles.Bn254;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x07 alt_bn128 scalar multiplication (EIP-196). Input (zero-padded or truncated to 96 bytes): a G1 point
/// (x, y) and a 256-bit scalar s, big-endian. Output: s·P, 64 bytes. The scalar is not reduced and may exceed r.
/// </summary>
public sealed class Bn256ScalarMulPrecompile : IPrecompile
{
    /// <summary>Gas for any call (EIP-1108, Istanbul; was 40000 under EIP-196).</summary>
    public const long Gas = 6000;
    private const int InputLength = 96;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static Bn256ScalarMulPrecompile Instance { get; } = new();

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => Gas;

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        Span<byte> data = stackalloc byte[InputLength];
        PrecompileInput.CopyPadded(input, data);
        if (!Bn254Curve.TryReadG1(data[..64], out G1Point p)) return false;

        JacobianPoint<Fp> product = JacobianPoint<Fp>.Multiply(p.ToJacobian(), data.Slice(64, 32));
        output = new byte[64];
        Bn254Curve.WriteG1(product, output);
        return true;
    }
}
