using System.Numerics;
using Lockstep.Evm.Precompiles.Bn254;
using Fp6 = Lockstep.Evm.Precompiles.Curves.Fp6<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>>;
using Fp12 = Lockstep.Evm.Precompiles.Curves.Fp12<Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>>;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;
namespace Lockstep.Precompiles.Tests;

/// <summary>The Montgomery field and its tower, checked against BigInteger arithmetic and field axioms.</summary>
public class FieldTests
{
    private static readonly BigInteger P = Fp.Modulus;

    [Fact]
    public void ModulusIsTheEip196Prime()
    {
        // EIP-196: "p = 21888242871839275222246405745257275088696311157297823662689037894645226208583".
        Assert.Equal(BigInteger.Parse("21888242871839275222246405745257275088696311157297823662689037894645226208583"), P);
        // EIP-197: group order "q = 21888242871839275222246405745257275088548364400416034343698204186575808495617".
        Assert.Equal(BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617"), Bn254Curve.Order);
    }

    [Fact]
    public void MontgomeryConstantIsMinusInverseOfP()
    {
        Assert.Equal(Fp.NegInv, Fp.ComputeNegInv());
        Assert.Equal(BigInteger.Zero, (P * Fp.NegInv + 1) % (BigInteger.One << 64));
    }

    [Fact]
    public void ArithmeticMatchesBigInteger()
    {
        var rng = new Random(1);
        BigInteger[] edge = [0, 1, 2, P - 1, P - 2, (P - 1) / 2, BigInteger.One << 253, (BigInteger.One << 254) % P];
        var values = edge.Concat(Enumerable.Range(0, 200).Select(_ => TestUtil.RandomBelow(rng, P))).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            BigInteger a = values[i], b = values[(i * 7 + 3) % values.Length];
            Fp fa = Fp.FromBigInteger(a), fb = Fp.FromBigInteger(b);
            Assert.Equal(a, fa.ToBigInteger());
            Assert.Equal((a + b) % P, Fp.Add(fa, fb).ToBigInteger());
            Assert.Equal(((a - b) % P + P) % P, Fp.Sub(fa, fb).ToBigInteger());
            Assert.Equal(a * b % P, Fp.Mul(fa, fb).ToBigInteger());
            Assert.Equal(a * a % P, Fp.Square(fa).ToBigInteger());
            Assert.Equal((P - a) % P, Fp.Neg(fa).ToBigInteger());
            Assert.Equal(a.IsZero ? 0 : BigInteger.ModPow(a, P - 2, P), Fp.Inverse(fa).ToBigInteger());
        }
    }

    [Fact]
    public void ReadRejectsValuesNotBelowP()
    {
        Assert.True(Fp.TryRead(TestUtil.Word(P - 1), out Fp max));
        Assert.Equal(P - 1, max.ToBigInteger());
        Assert.False(Fp.TryRead(TestUtil.Word(P), out _));
        Assert.False(Fp.TryRead(TestUtil.Word((BigInteger.One << 256) - 1), out _));
        byte[] written = new byte[32];
        max.Write(written);
        Assert.Equal(TestUtil.Word(P - 1), written);
    }

    private static Fp2 RandomFp2(Random rng) => new(Fp.FromBigInteger(TestUtil.RandomBelow(rng, P)), Fp.FromBigInteger(TestUtil.RandomBelow(rng, P)));
    private static Fp6 RandomFp6(Random rng) => new(RandomFp2(rng), RandomFp2(rng), RandomFp2(rng));
    private static Fp12 RandomFp12(Random rng) => new(RandomFp6(rng), RandomFp6(rng));

    [Fact]
    public void Fp2MatchesComplexArithmeticModP()
    {
        var rng = new Random(2);
        for (int i = 0; i < 50; i++)
        {
            Fp2 x = RandomFp2(rng), y = RandomFp2(rng);
            BigInteger a = x.A.ToBigInteger(), b = x.B.ToBigInteger(), c = y.A.ToBigInteger(), d = y.B.ToBigInteger();
            Fp2 m = Fp2.Mul(x, y);
            // (a + bu)(c + du) = (ac - bd) + (ad + bc)u with u^2 = -1.
            Assert.Equal(((a * c - b * d) % P + P) % P, m.A.ToBigInteger());
            Assert.Equal((a * d + b * c) % P, m.B.ToBigInteger());
            Assert.True(Fp2.Equal(Fp2.Square(x), Fp2.Mul(x, x)));
            Assert.True(Fp2.Equal(Fp2.MulByXi(x), Fp2.Mul(x, Fp2.Xi)));
            Assert.True(Fp2.Equal(Fp2.Mul(x, Fp2.Inverse(x)), Fp2.One));
            // Conjugation is the Frobenius map x^p.
            Assert.True(Fp2.Equal(Fp2.Conjugate(x), Fp2.Pow(x, P)));
        }
    }

    [Fact]
    public void Fp6AndFp12AreFields()
    {
        var rng = new Random(3);
        for (int i = 0; i < 10; i++)
        {
            Fp6 a = RandomFp6(rng), b = RandomFp6(rng), c = RandomFp6(rng);
            Assert.True(Fp6.Equal(Fp6.Mul(a, Fp6.Inverse(a)), Fp6.One));
            Assert.True(Fp6.Equal(Fp6.Mul(Fp6.Mul(a, b), c), Fp6.Mul(a, Fp6.Mul(b, c))));
            Assert.True(Fp6.Equal(Fp6.Mul(a, Fp6.Add(b, c)), Fp6.Add(Fp6.Mul(a, b), Fp6.Mul(a, c))));
            // v^3 = ξ.
            var v = new Fp6(Fp2.Zero, Fp2.One, Fp2.Zero);
            Assert.True(Fp6.Equal(Fp6.Mul(Fp6.Mul(v, v), v), new Fp6(Fp2.Xi, Fp2.Zero, Fp2.Zero)));
            Assert.True(Fp6.Equal(Fp6.MulByV(a), Fp6.Mul(a, v)));

            Fp12 x = RandomFp12(rng), y = RandomFp12(rng), z = RandomFp12(rng);
            Assert.True(Fp12.Mul(x, Fp12.Inverse(x)).IsOne);
            Assert.True(Fp12.Equal(Fp12.Square(x), Fp12.Mul(x, x)));
            Assert.True(Fp12.Equal(Fp12.Mul(Fp12.Mul(x, y), z), Fp12.Mul(x, Fp12.Mul(y, z))));
            // w^2 = v.
            var w = new Fp12(Fp6.Zero, Fp6.One);
            Assert.True(Fp12.Equal(Fp12.Mul(w, w), new Fp12(v, Fp6.Zero)));
        }
    }

    [Fact]
    public void Fp12ConjugateIsFrobeniusToTheSixth()
    {
        var rng = new Random(4);
        Fp12 x = RandomFp12(rng);
        BigInteger p6 = BigInteger.Pow(P, 6);
        Assert.True(Fp12.Equal(Fp12.Conjugate(x), Fp12.Pow(x, Fp12.Bits(p6))));
    }

    [Fact]
    public void Fp12FrobeniusMatchesPowersOfP()
    {
        var rng = new Random(12);
        Fp12 x = RandomFp12(rng);
        for (int k = 1; k <= 3; k++)
            Assert.True(Fp12.Equal(Fp12.Frobenius(x, k), Fp12.Pow(x, Fp12.Bits(BigInteger.Pow(P, k)))));
    }

    [Fact]
    public void FinalExponentiationMatchesTheDefinition()
    {
        // The optimised final exponentiation equals f^((p^12 - 1)/r) computed by plain square-and-multiply.
        var rng = new Random(13);
        Fp12 f = RandomFp12(rng);
        BigInteger e = (BigInteger.Pow(P, 12) - 1) / Bn254Curve.Order;
        Assert.True(Fp12.Equal(Pairing.FinalExponentiation(f), Fp12.Pow(f, Fp12.Bits(e))));
    }
}
