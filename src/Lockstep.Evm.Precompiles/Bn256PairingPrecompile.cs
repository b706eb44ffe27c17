using Lockstep.Evm.Precompiles.Bn254;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x08 alt_bn128 pairing check (EIP-197). Input: k pairs of (G1 point, 64 bytes; G2 point, 128 bytes as
/// x_im, x_re, y_im, y_re). Output: 32-byte word 1 when ∏ e(P_i, Q_i) = 1, else 0; empty input gives 1.
/// A length that is not a multiple of 192, a coordinate ≥ p, a point off its curve or a G2 point outside the
/// order-r subgroup fails the call.
/// </summary>
public sealed class Bn256PairingPrecompile : IPrecompile
{
    /// <summary>Gas for any call (EIP-1108, Istanbul; was 100000 under EIP-197).</summary>
    public const long BaseGas = 45000;
    /// <summary>Gas per pair (EIP-1108, Istanbul; was 80000 under EIP-197).</summary>
    public const long PairGas = 34000;
    /// <summary>Bytes per (G1, G2) pair.</summary>
    public const int PairLength = 192;

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static Bn256PairingPrecompile Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>Counts whole pairs (length / 192) even when the length is invalid, as go-ethereum does; the run then fails.</remarks>
    public long RequiredGas(ReadOnlySpan<byte> input) => BaseGas + PairGas * (input.Length / PairLength);

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        if (input.Length % PairLength != 0) return false;
        int pairs = input.Length / PairLength;
        var g1 = new G1Point[pairs];
        var g2 = new G2Point[pairs];
        for (int i = 0; i < pairs; i++)
        {
            ReadOnlySpan<byte> pair = input.Slice(i * PairLength, PairLength);
            // Every point is validated, even when its partner is infinity and the pair contributes 1.
            if (!Bn254Curve.TryReadG1(pair[..64], out g1[i]) || !Bn254Curve.TryReadG2(pair[64..], out g2[i])) return false;
        }
        output = new byte[32];
        if (Pairing.ProductIsOne(g1, g2)) output[31] = 1;
        return true;
    }
}
