using System.Security.Cryptography;
using Lockstep.Evm.Precompiles.Bls12381;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// 0x0a KZG point evaluation (EIP-4844). Input, exactly 192 bytes: versioned hash (32), z (32), y (32),
/// commitment (48), proof (48). Succeeds when the commitment hashes to the versioned hash and the proof shows
/// p(z) = y for the committed polynomial; output is FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as 32-byte words.
/// </summary>
public sealed class PointEvaluationPrecompile : IPrecompile
{
    /// <summary>Gas for any call (EIP-4844 <c>POINT_EVALUATION_PRECOMPILE_GAS</c>).</summary>
    public const long Gas = 50000;
    /// <summary>The only valid input length.</summary>
    public const int InputLength = 192;
    /// <summary>EIP-4844 <c>FIELD_ELEMENTS_PER_BLOB</c>.</summary>
    public const int FieldElementsPerBlob = 4096;
    /// <summary>EIP-4844 <c>VERSIONED_HASH_VERSION_KZG</c>.</summary>
    public const byte VersionedHashVersionKzg = 0x01;

    private static readonly byte[] SuccessOutput = BuildSuccessOutput();

    /// <summary>The shared instance (the precompile is stateless).</summary>
    public static PointEvaluationPrecompile Instance { get; } = new();

    private static byte[] BuildSuccessOutput()
    {
        byte[] output = new byte[64];
        output[30] = FieldElementsPerBlob >> 8;
        output[31] = FieldElementsPerBlob & 0xff;
        Scalars.ToBytes32(Curve.Order).CopyTo(output, 32);
        return output;
    }

    /// <inheritdoc />
    public long RequiredGas(ReadOnlySpan<byte> input) => Gas;

    /// <inheritdoc />
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        if (input.Length != InputLength) return false;
        ReadOnlySpan<byte> versionedHash = input[..32];
        ReadOnlySpan<byte> z = input.Slice(32, 32);
        ReadOnlySpan<byte> y = input.Slice(64, 32);
        ReadOnlySpan<byte> commitment = input.Slice(96, 48);
        ReadOnlySpan<byte> proof = input.Slice(144, 48);

        // kzg_to_versioned_hash: VERSIONED_HASH_VERSION_KZG ‖ sha256(commitment)[1:].
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(commitment, hash);
        hash[0] = VersionedHashVersionKzg;
        if (!hash.SequenceEqual(versionedHash)) return false;

        if (!Kzg.VerifyProof(commitment, z, y, proof)) return false;
        output = (byte[])SuccessOutput.Clone();
        return true;
    }
}
