using System.Numerics;
using Lockstep.Primitives;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bls12381.Fp, Lockstep.Evm.Precompiles.Bls12381.Bls12381Xi>;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>
/// KZG proof verification for EIP-4844 (consensus-specs <c>polynomial-commitments.md</c>,
/// <c>verify_kzg_proof</c>) over the Ethereum KZG ceremony's trusted setup.
/// </summary>
internal static class Kzg
{
    // Ethereum KZG ceremony output (consensus-specs trusted_setup_4096.json, identical in every client):
    // g1_monomial[0] = [1]G1, g2_monomial[0] = [1]G2 and g2_monomial[1] = [τ]G2, compressed.
    private const string G1GeneratorHex = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
    private const string G2GeneratorHex = "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
        + "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8";
    private const string G2TauHex = "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
        + "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2";

    public static readonly JacobianPoint<Fp> G1Generator = DecodeG1Constant(G1GeneratorHex);
    public static readonly JacobianPoint<Fp2> G2Generator = DecodeG2Constant(G2GeneratorHex);
    public static readonly JacobianPoint<Fp2> G2Tau = DecodeG2Constant(G2TauHex);

    private static JacobianPoint<Fp> DecodeG1Constant(string hex) =>
        Curve.TryDecompressG1(Hex.Decode(hex), out JacobianPoint<Fp> p) ? p : throw new InvalidOperationException("bad G1 setup constant");

    private static JacobianPoint<Fp2> DecodeG2Constant(string hex) =>
        Curve.TryDecompressG2(Hex.Decode(hex), out JacobianPoint<Fp2> p) ? p : throw new InvalidOperationException("bad G2 setup constant");

    /// <summary>
    /// verify_kzg_proof: z and y must be canonical field elements (&lt; r), commitment and proof valid G1 points;
    /// then e(C - [y]G1, -G2) · e(π, [τ]G2 - [z]G2) = 1.
    /// </summary>
    public static bool VerifyProof(ReadOnlySpan<byte> commitment48, ReadOnlySpan<byte> z32, ReadOnlySpan<byte> y32, ReadOnlySpan<byte> proof48)
    {
        var z = new BigInteger(z32, isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(y32, isUnsigned: true, isBigEndian: true);
        if (z >= Curve.Order || y >= Curve.Order) return false;
        if (!Curve.TryDecompressG1(commitment48, out JacobianPoint<Fp> commitment)) return false;
        if (!Curve.TryDecompressG1(proof48, out JacobianPoint<Fp> proof)) return false;

        JacobianPoint<Fp2> xMinusZ = JacobianPoint<Fp2>.Add(G2Tau, JacobianPoint<Fp2>.Multiply(G2Generator, Scalars.ToBytes32(Curve.Order - z)));
        JacobianPoint<Fp> pMinusY = JacobianPoint<Fp>.Add(commitment, JacobianPoint<Fp>.Multiply(G1Generator, Scalars.ToBytes32(Curve.Order - y)));
        ReadOnlySpan<JacobianPoint<Fp>> g1 = [pMinusY, proof];
        ReadOnlySpan<JacobianPoint<Fp2>> g2 = [G2Generator.Negate(), xMinusZ];
        return Pairing.ProductIsOne(g1, g2);
    }
}
