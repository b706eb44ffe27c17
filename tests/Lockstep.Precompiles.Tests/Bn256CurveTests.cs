using System.Numerics;
using Lockstep.Evm.Precompiles;
using Lockstep.Evm.Precompiles.Bn254;
using static Lockstep.Precompiles.Tests.TestUtil;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;
namespace Lockstep.Precompiles.Tests;

/// <summary>EIP-196 add/mul precompiles and the G1/G2 group laws.</summary>
public class Bn256CurveTests
{
    private static byte[] Add(byte[] a, byte[] b)
    {
        Assert.True(Bn256AddPrecompile.Instance.TryRun(Concat(a, b), out byte[] output));
        return output;
    }

    private static byte[] Mul(byte[] point, BigInteger k)
    {
        Assert.True(Bn256ScalarMulPrecompile.Instance.TryRun(Concat(point, Word(k)), out byte[] output));
        return output;
    }

    private static readonly byte[] Generator = Concat(Word(1), Word(2));
    private static readonly byte[] Infinity = new byte[64];

    [Fact]
    public void GeneratorHasOrderR()
    {
        Assert.Equal(Infinity, Mul(Generator, R));
        Assert.NotEqual(Infinity, Mul(Generator, R - 1));
        // (r - 1)·G = -G = (1, p - 2).
        Assert.Equal(Concat(Word(1), Word(P - 2)), Mul(Generator, R - 1));
        // The scalar is not reduced mod r by the caller, but the group reduces it: (r + 5)·G = 5·G.
        Assert.Equal(Mul(Generator, 5), Mul(Generator, R + 5));
    }

    [Fact]
    public void PointPlusItsNegationIsInfinity()
    {
        byte[] p = Mul(Generator, 123456789);
        BigInteger y = new(p.AsSpan(32), isUnsigned: true, isBigEndian: true);
        byte[] negP = Concat(p[..32], Word(P - y));
        Assert.Equal(Infinity, Add(p, negP));
    }

    [Fact]
    public void ScalarMulDistributesOverAddition()
    {
        var rng = new Random(5);
        for (int i = 0; i < 5; i++)
        {
            BigInteger a = RandomBelow(rng, R), b = RandomBelow(rng, R), k = RandomBelow(rng, BigInteger.One << 256);
            byte[] pa = Mul(Generator, a), pb = Mul(Generator, b);
            Assert.Equal(Mul(Add(pa, pb), k), Add(Mul(pa, k), Mul(pb, k)));
            // a·G + b·G = (a + b)·G, and k·(a·G) = (k·a mod r)·G.
            Assert.Equal(Mul(Generator, a + b), Add(pa, pb));
            Assert.Equal(Mul(Generator, k * a % R), Mul(pa, k));
        }
    }

    [Fact]
    public void DoublingAgreesWithScalarTwo()
    {
        byte[] p = Mul(Generator, 987654321);
        Assert.Equal(Mul(p, 2), Add(p, p));
    }

    [Fact]
    public void InfinityIsTheIdentity()
    {
        byte[] p = Mul(Generator, 42);
        Assert.Equal(p, Add(p, Infinity));
        Assert.Equal(p, Add(Infinity, p));
        Assert.Equal(Infinity, Add(Infinity, Infinity));
        Assert.Equal(Infinity, Mul(p, 0));
        Assert.Equal(Infinity, Mul(Infinity, 7));
    }

    [Fact]
    public void ShortInputIsZeroPaddedAndLongInputTruncated()
    {
        // Empty input to ADD is 0 + 0; to MUL it is 0·O; both give infinity (EIP-196: "padded with zeros").
        Assert.True(Bn256AddPrecompile.Instance.TryRun([], out byte[] sum));
        Assert.Equal(Infinity, sum);
        Assert.True(Bn256ScalarMulPrecompile.Instance.TryRun([], out byte[] product));
        Assert.Equal(Infinity, product);
        // G with a missing scalar (64 bytes) is 0·G.
        Assert.True(Bn256ScalarMulPrecompile.Instance.TryRun(Generator, out product));
        Assert.Equal(Infinity, product);
        // Bytes past 128 (ADD) or 96 (MUL) are ignored.
        Assert.True(Bn256AddPrecompile.Instance.TryRun(Concat(Generator, Generator, [0xff, 0xff]), out sum));
        Assert.Equal(Mul(Generator, 2), sum);
        Assert.True(Bn256ScalarMulPrecompile.Instance.TryRun(Concat(Generator, Word(3), [0xff]), out product));
        Assert.Equal(Mul(Generator, 3), product);
    }

    [Fact]
    public void InvalidPointsFail()
    {
        byte[] offCurve = Concat(Word(1), Word(3));
        byte[] xTooBig = Concat(Word(P + 1), Word(2)); // P + 1 ≡ 1, but coordinates must be < p
        byte[] yTooBig = Concat(Word(1), Word(P + 2));
        foreach (byte[] bad in new[] { offCurve, xTooBig, yTooBig })
        {
            Assert.False(Bn256AddPrecompile.Instance.TryRun(Concat(bad, Generator), out _));
            Assert.False(Bn256AddPrecompile.Instance.TryRun(Concat(Generator, bad), out _));
            Assert.False(Bn256ScalarMulPrecompile.Instance.TryRun(Concat(bad, Word(0)), out _));
        }
        // (0, 1) is not the infinity encoding, and 1 ≠ 0^3 + 3.
        Assert.False(Bn256AddPrecompile.Instance.TryRun(Concat(Word(0), Word(1), Generator), out _));
    }

    [Fact]
    public void GasIsEip1108()
    {
        Assert.Equal(150, Bn256AddPrecompile.Instance.RequiredGas(new byte[128]));
        Assert.Equal(6000, Bn256ScalarMulPrecompile.Instance.RequiredGas(new byte[96]));
    }

    [Fact]
    public void G2GeneratorIsInTheSubgroup()
    {
        G2Point g = Bn254Curve.G2Generator;
        Assert.True(g.IsOnCurve);
        Assert.True(g.IsInSubgroup);
        Assert.True(JacobianPoint<Fp2>.Multiply(g.ToJacobian(), Word(R)).IsInfinity);
        Assert.True(Bn254Curve.TryReadG2(EncodeG2(g.ToJacobian()), out G2Point read));
        Assert.True(Fp2.Equal(read.X, g.X) && Fp2.Equal(read.Y, g.Y));
    }

    [Fact]
    public void TwistPointOutsideTheSubgroupIsRejected()
    {
        // Find a point of the twist y^2 = x^3 + 3/ξ with x = k + u; the twist's cofactor is about 2^254, so it is
        // (overwhelmingly) not in the order-r subgroup.
        G2Point q = default;
        for (ulong k = 1; ; k++)
        {
            Fp2 x = new(Fp.FromUlong(k), Fp.One);
            Fp2 rhs = Fp2.Add(Fp2.Mul(Fp2.Square(x), x), Bn254Curve.TwistB);
            if (TrySqrt(rhs, out Fp2 y))
            {
                q = new G2Point(x, y, false);
                break;
            }
        }
        Assert.True(q.IsOnCurve);
        Assert.False(q.IsInSubgroup);
        byte[] encoded = EncodeG2(q.ToJacobian());
        Assert.False(Bn254Curve.TryReadG2(encoded, out _));
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(Concat(Generator, encoded), out _));
        // Even paired with G1 infinity, whose pair would contribute 1, the invalid point fails the call.
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(Concat(Infinity, encoded), out _));
    }

    /// <summary>Square root in F_p2 (p ≡ 3 mod 4) by the norm method, in BigInteger arithmetic.</summary>
    private static bool TrySqrt(in Fp2 a, out Fp2 root)
    {
        root = default;
        BigInteger a0 = a.A.ToBigInteger(), a1 = a.B.ToBigInteger();
        if (!TrySqrtFp((a0 * a0 + a1 * a1) % P, out BigInteger n)) return false;
        BigInteger half = (P + 1) / 2;
        if (!TrySqrtFp((a0 + n) * half % P, out BigInteger x0) && !TrySqrtFp(((a0 - n) * half % P + P) % P, out x0)) return false;
        if (x0.IsZero) return false;
        BigInteger x1 = a1 * BigInteger.ModPow(2 * x0, P - 2, P) % P;
        root = new Fp2(Fp.FromBigInteger(x0), Fp.FromBigInteger(x1));
        return Fp2.Equal(Fp2.Square(root), a);
    }

    private static bool TrySqrtFp(BigInteger v, out BigInteger root)
    {
        root = BigInteger.ModPow(v, (P + 1) / 4, P);
        return root * root % P == v;
    }
}
