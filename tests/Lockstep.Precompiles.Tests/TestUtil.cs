using System.Numerics;
using Lockstep.Evm.Precompiles.Bn254;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;
namespace Lockstep.Precompiles.Tests;

/// <summary>Encoding helpers shared by the alt_bn128 tests (EIP-196/197 layouts).</summary>
internal static class TestUtil
{
    public static readonly BigInteger P = Fp.Modulus;
    public static readonly BigInteger R = Bn254Curve.Order;

    public static byte[] Word(BigInteger v) => Scalars.ToBytes32(((v % (BigInteger.One << 256)) + (BigInteger.One << 256)) % (BigInteger.One << 256));

    public static byte[] EncodeG1(in JacobianPoint<Fp> p)
    {
        byte[] b = new byte[64];
        Bn254Curve.WriteG1(p, b);
        return b;
    }

    /// <summary>EIP-197 order: x_im, x_re, y_im, y_re.</summary>
    public static byte[] EncodeG2(in JacobianPoint<Fp2> p)
    {
        byte[] b = new byte[128];
        if (!p.TryToAffine(out Fp2 x, out Fp2 y)) return b;
        x.B.Write(b.AsSpan(0, 32));
        x.A.Write(b.AsSpan(32, 32));
        y.B.Write(b.AsSpan(64, 32));
        y.A.Write(b.AsSpan(96, 32));
        return b;
    }

    public static JacobianPoint<Fp> G1(BigInteger k) =>
        JacobianPoint<Fp>.Multiply(Bn254Curve.G1Generator.ToJacobian(), Word(k));

    public static JacobianPoint<Fp2> G2(BigInteger k) =>
        JacobianPoint<Fp2>.Multiply(Bn254Curve.G2Generator.ToJacobian(), Word(k));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(x => x).ToArray();

    public static BigInteger RandomBelow(Random rng, BigInteger bound)
    {
        byte[] b = new byte[33];
        rng.NextBytes(b);
        b[32] = 0;
        return new BigInteger(b) % bound;
    }

    public static string ToHex(byte[] b) => Convert.ToHexStringLower(b);
}
