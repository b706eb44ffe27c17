using System.Numerics;
using Lockstep.Evm.Precompiles;
using Lockstep.Evm.Precompiles.Bn254;
using Fp6 = Lockstep.Evm.Precompiles.Curves.Fp6<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>>;
using Fp12 = Lockstep.Evm.Precompiles.Curves.Fp12<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>>;
using static Lockstep.Precompiles.Tests.TestUtil;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;
namespace Lockstep.Precompiles.Tests;

/// <summary>EIP-197 pairing check: bilinearity and non-degeneracy, through the precompile's product-is-one output.</summary>
public class Bn256PairingTests
{
    private static readonly byte[] One = Word(1);
    private static readonly byte[] Zero = Word(0);

    private static byte[] Check(byte[] input)
    {
        Assert.True(Bn256PairingPrecompile.Instance.TryRun(input, out byte[] output));
        Assert.Equal(32, output.Length);
        return output;
    }

    private static byte[] Pair(BigInteger g1Scalar, BigInteger g2Scalar) => Concat(EncodeG1(G1(g1Scalar)), EncodeG2(G2(g2Scalar)));

    [Fact]
    public void EmptyInputIsOne() => Assert.Equal(One, Check([]));

    [Fact]
    public void SinglePairOfGeneratorsIsNotOne() => Assert.Equal(Zero, Check(Pair(1, 1)));

    [Fact]
    public void PairWithNegationIsOne()
    {
        // e(P, Q)·e(-P, Q) = 1 and e(P, Q)·e(P, -Q) = 1.
        Assert.Equal(One, Check(Concat(Pair(1, 1), Pair(R - 1, 1))));
        Assert.Equal(One, Check(Concat(Pair(7, 11), Pair(7, R - 11))));
    }

    [Fact]
    public void Bilinearity()
    {
        var rng = new Random(6);
        BigInteger a = RandomBelow(rng, R), b = RandomBelow(rng, R);
        // e(aP, bQ) = e(abP, Q) = e(P, abQ): each product with the inverse of another is one.
        Assert.Equal(One, Check(Concat(Pair(a, b), Pair(R - a * b % R, 1))));
        Assert.Equal(One, Check(Concat(Pair(a, b), Pair(1, R - a * b % R))));
        // ...and a wrong exponent is not.
        Assert.Equal(Zero, Check(Concat(Pair(a, b), Pair(R - (a * b + 1) % R, 1))));
        // The same through the full pairing values in F_p12: e(aP, bQ) = e(P, Q)^(ab).
        Fp12 lhs = Pairing.Pair(G1Point.FromJacobian(G1(a)), G2Point.FromJacobian(G2(b)));
        Fp12 baseValue = Pairing.Pair(Bn254Curve.G1Generator, Bn254Curve.G2Generator);
        Assert.True(Fp12.Equal(lhs, Fp12.Pow(baseValue, Fp12.Bits(a * b % R))));
    }

    [Fact]
    public void PairingValueHasOrderR()
    {
        Fp12 e = Pairing.Pair(Bn254Curve.G1Generator, Bn254Curve.G2Generator);
        Assert.False(e.IsOne);
        Assert.True(Fp12.Pow(e, Fp12.Bits(R)).IsOne);
    }

    [Fact]
    public void ThreePairsSummingToZero()
    {
        // e(2P, 3Q)·e(4P, 5Q)·e(-26P, Q) = e(P, Q)^(6 + 20 - 26) = 1.
        Assert.Equal(One, Check(Concat(Pair(2, 3), Pair(4, 5), Pair(R - 26, 1))));
    }

    [Fact]
    public void InfinityContributesOne()
    {
        byte[] infinityG1 = new byte[64], infinityG2 = new byte[128];
        Assert.Equal(One, Check(Concat(infinityG1, EncodeG2(G2(5)))));
        Assert.Equal(One, Check(Concat(EncodeG1(G1(5)), infinityG2)));
        Assert.Equal(Zero, Check(Concat(infinityG1, EncodeG2(G2(5)), Pair(1, 1))));
    }

    [Fact]
    public void InvalidInputsFail()
    {
        byte[] good = Pair(1, 1);
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(good[..191], out _));
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(Concat(good, [0]), out _));
        // A G2 coordinate equal to p.
        byte[] bigCoordinate = (byte[])good.Clone();
        Word(P).CopyTo(bigCoordinate, 64);
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(bigCoordinate, out _));
        // G2 point off the twist: swap real and imaginary parts of x.
        byte[] swapped = (byte[])good.Clone();
        good.AsSpan(64, 32).CopyTo(swapped.AsSpan(96));
        good.AsSpan(96, 32).CopyTo(swapped.AsSpan(64));
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(swapped, out _));
        // G1 point off the curve.
        byte[] badG1 = (byte[])good.Clone();
        Word(3).CopyTo(badG1, 32);
        Assert.False(Bn256PairingPrecompile.Instance.TryRun(badG1, out _));
    }

    [Fact]
    public void GasIsEip1108()
    {
        Assert.Equal(45000, Bn256PairingPrecompile.Instance.RequiredGas([]));
        Assert.Equal(45000 + 34000, Bn256PairingPrecompile.Instance.RequiredGas(new byte[192]));
        Assert.Equal(45000 + 3 * 34000, Bn256PairingPrecompile.Instance.RequiredGas(new byte[3 * 192]));
    }
}
