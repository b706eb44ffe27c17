using System.Numerics;
using Lockstep.Primitives;
using static Lockstep.Primitives.Tests.UInt256Oracle;

namespace Lockstep.Primitives.Tests;

/// <summary>
/// Hand-picked inputs that random sampling hits rarely: Knuth algorithm D's add-back step, the capped quotient
/// digit, the SDIV overflow case, and every pair of edge values. Expected values come from BigInteger.
/// </summary>
public class UInt256EdgeCaseTests
{
    private const ulong Top = 1UL << 63;
    private const ulong Max = ulong.MaxValue;

    public static TheoryData<UInt256, UInt256> HardDivisions => new()
    {
        // 64-bit-limb versions of the add-back cases in Hacker's Delight's divmnu tests: the quotient limb estimated
        // from the top three limbs is one too large, so step D6 must add the divisor back.
        { new UInt256(0, 0, Top, Top - 1), new UInt256(1, 0, Top, 0) },
        { new UInt256(3, 0, Top, 0), new UInt256(1, 0, 1UL << 61, 0) },
        // neighbours of those, where the estimate is exact
        { new UInt256(0, 0, Top, Max), new UInt256(1, 0, Top, 0) },
        { new UInt256(0, Max - 1, Max, Top - 1), new UInt256(Max, Max, Top, 0) },
        // a three-limb divisor where the running remainder's top two limbs equal the divisor's, so the 3-by-2 step
        // cannot be used and the quotient limb is capped at 2^64 - 1 (preceded by an add-back); checked with an
        // instrumented copy of the algorithm
        { new UInt256(9, 4, 7, Top), new UInt256(5, 7, Top, 0) },
        { new UInt256(Max, Max - 1, Max, Top), new UInt256(Max, Max, Top, 0) },
        { new UInt256(0, 0, 1, 1), new UInt256(1, 1, 1, 0) },
        // two-limb divisors with all-ones and single-bit limbs
        { new UInt256(5, Max - 1, Top, 0), new UInt256(Max, Top, 0, 0) },
        { new UInt256(5, 0, Top, 0), new UInt256(Max, Top, 0, 0) },
        { new UInt256(7, 3, Top, Top), new UInt256(Max, Max, Top, 0) },
        { new UInt256(Max, Max, Max, Max), new UInt256(Max, Max, Max, Top) },
        { new UInt256(Max, Max, Max, Max), new UInt256(1, 0, 0, 1) },
        { new UInt256(0, 0, 0, Top), new UInt256(Max, Max, Max, Top - 1) },
        { new UInt256(Max, Max, Max, Max), new UInt256(Max, 0, 0, 0) },
        { new UInt256(Max, Max, Max, Max), new UInt256(3, 0, 0, 0) },
        { new UInt256(0, 0, 0, 1), new UInt256(Max, 0, 0, 0) },
        { new UInt256(Max, Max, Max, Max), new UInt256(0, 1, 0, 0) },
        { new UInt256(Max, Max, Max, Max), new UInt256(Max, Max, 0, 0) },
    };

    [Theory]
    [MemberData(nameof(HardDivisions))]
    public void HardDivisionsMatchBigInteger(UInt256 a, UInt256 b)
    {
        UInt256.DivRem(a, b, out UInt256 q, out UInt256 r);
        Assert.Equal(FromBig(Big(a) / Big(b)), q);
        Assert.Equal(FromBig(Big(a) % Big(b)), r);
        // The same divisor inside a 512-bit MulMod reduction.
        Assert.Equal(FromBig(Big(a) * Big(a) % Big(b)), UInt256.MulMod(a, a, b));
    }

    [Fact]
    public void EveryPairOfEdgeValues()
    {
        int checkedPairs = 0;
        foreach (UInt256 a in Edges)
        {
            foreach (UInt256 b in Edges)
            {
                BigInteger x = Big(a), y = Big(b);
                Assert.Equal(FromBig(x + y), a + b);
                Assert.Equal(FromBig(x - y), a - b);
                Assert.Equal(FromBig(x * y), a * b);
                Assert.Equal(FromBig(y.IsZero ? 0 : x / y), a / b);
                Assert.Equal(FromBig(y.IsZero ? 0 : x % y), a % b);
                BigInteger sx = Signed(a), sy = Signed(b);
                Assert.Equal(FromBig(sy.IsZero ? 0 : BigInteger.Divide(sx, sy)), UInt256.SignedDivide(a, b));
                Assert.Equal(FromBig(sy.IsZero ? 0 : BigInteger.Remainder(sx, sy)), UInt256.SignedMod(a, b));
                Assert.Equal(FromBig(BigInteger.ModPow(x, y, Two256)), UInt256.Exp(a, b));
                foreach (UInt256 m in Edges)
                {
                    BigInteger z = Big(m);
                    Assert.Equal(FromBig(z.IsZero ? 0 : (x + y) % z), UInt256.AddMod(a, b, m));
                    Assert.Equal(FromBig(z.IsZero ? 0 : x * y % z), UInt256.MulMod(a, b, m));
                    checkedPairs++;
                }
            }
        }
        Assert.Equal(Edges.Length * Edges.Length * Edges.Length, checkedPairs);
    }

    [Fact]
    public void SignedDivideOverflowCaseWrapsToMinimum()
    {
        // Yellow Paper SDIV: -2^255 / -1 = -2^255 (the true quotient 2^255 is not representable).
        UInt256 min = Pow2(255);
        Assert.Equal(min, UInt256.SignedDivide(min, UInt256.MaxValue));
        Assert.Equal(UInt256.Zero, UInt256.SignedMod(min, UInt256.MaxValue));
    }

    [Fact]
    public void DivisionByZeroGivesZero()
    {
        foreach (UInt256 a in Edges)
        {
            Assert.Equal(UInt256.Zero, a / UInt256.Zero);
            Assert.Equal(UInt256.Zero, a % UInt256.Zero);
            Assert.Equal(UInt256.Zero, UInt256.SignedDivide(a, UInt256.Zero));
            Assert.Equal(UInt256.Zero, UInt256.SignedMod(a, UInt256.Zero));
            Assert.Equal(UInt256.Zero, UInt256.AddMod(a, a, UInt256.Zero));
            Assert.Equal(UInt256.Zero, UInt256.MulMod(a, a, UInt256.Zero));
        }
    }

    [Fact]
    public void ShiftsAtEveryAmount()
    {
        foreach (UInt256 a in Edges)
        {
            for (int n = 0; n <= 260; n++)
            {
                Assert.Equal(FromBig(Big(a) << n), a << n);
                Assert.Equal(FromBig(Big(a) >> n), a >> n);
                Assert.Equal(FromBig(Signed(a) >> n), UInt256.ShiftRightArithmetic(a, n));
            }
        }
    }

    [Fact]
    public void PowersOfTwoAndTen()
    {
        for (int k = 0; k < 300; k++)
        {
            Assert.Equal(FromBig(BigInteger.Pow(2, k)), UInt256.Exp(new UInt256(2), new UInt256((ulong)k)));
            Assert.Equal(FromBig(BigInteger.Pow(10, k)), UInt256.Exp(new UInt256(10), new UInt256((ulong)k)));
            Assert.Equal(FromBig(BigInteger.Pow(256, k)), UInt256.Exp(new UInt256(256), new UInt256((ulong)k)));
        }
    }

    [Fact]
    public void MultiplyFullRejectsShortBuffer()
    {
        Assert.Throws<ArgumentException>(() => UInt256.MultiplyFull(UInt256.One, UInt256.One, new ulong[7]));
    }
}
