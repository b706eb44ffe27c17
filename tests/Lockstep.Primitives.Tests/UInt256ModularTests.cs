using System.Numerics;
using CsCheck;
using Lockstep.Primitives;
using static Lockstep.Primitives.Tests.UInt256Oracle;

namespace Lockstep.Primitives.Tests;

/// <summary>
/// MULMOD, ADDMOD and DivRem against BigInteger, aimed at the reduction's paths: every modulus width (one limb to four),
/// the unrolled algorithm D steps, their add-back, and the window whose top two limbs equal the divisor's (the quotient
/// limb is then 2^64 - 1 by construction rather than from a 3-by-2 division).
/// </summary>
public class UInt256ModularTests
{
    /// <summary>A modulus of exactly <c>limbs</c> limbs: random limbs, the top one nonzero (often with its top bit clear, so normalization shifts).</summary>
    private static Gen<UInt256> ModulusOfWidth(int limbs) =>
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, Gen.Int[0, 63], (a, b, c, d, shift) =>
        {
            ulong top = Math.Max(1UL, d >> shift);
            return limbs switch
            {
                1 => new UInt256(top),
                2 => new UInt256(a, top, 0, 0),
                3 => new UInt256(a, b, top, 0),
                _ => new UInt256(a, b, c, top),
            };
        });

    private static readonly Gen<UInt256> AnyWidthModulus =
        Gen.Int[1, 4].SelectMany(ModulusOfWidth);

    [Fact]
    public void MulModMatchesBigIntegerForEveryModulusWidth() => Check(Gen.Select(Value, Value, AnyWidthModulus), t =>
    {
        (UInt256 a, UInt256 b, UInt256 m) = t;
        Assert.Equal(FromBig(Big(a) * Big(b) % Big(m)), UInt256.MulMod(a, b, m));
    }, iter: 40_000);

    [Fact]
    public void AddModMatchesBigIntegerForEveryModulusWidth() => Check(Gen.Select(Value, Value, AnyWidthModulus), t =>
    {
        (UInt256 a, UInt256 b, UInt256 m) = t;
        Assert.Equal(FromBig((Big(a) + Big(b)) % Big(m)), UInt256.AddMod(a, b, m));
    }, iter: 40_000);

    [Fact]
    public void MulModAndAddModEdgeModuli()
    {
        UInt256 max = UInt256.MaxValue;
        UInt256[] moduli =
        [
            UInt256.One, new UInt256(2), new UInt256(3), new UInt256(ulong.MaxValue), Pow2(64), Pow2(64) + UInt256.One,
            Pow2(128) - UInt256.One, Pow2(191), Pow2(192) - UInt256.One, Pow2(255), Pow2(255) + UInt256.One, max, max - UInt256.One,
            UInt256.Parse("0xffffffffffffffffffffffffffaaffffffffffffffffbbffffffffffffff0000"), // loopMul's modulus
            UInt256.Parse("0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47"), // alt_bn128 p
        ];
        UInt256[] operands = [UInt256.Zero, UInt256.One, new UInt256(2), max, max - UInt256.One, Pow2(255), Pow2(128), new UInt256(ulong.MaxValue)];
        foreach (UInt256 m in moduli)
        {
            foreach (UInt256 a in operands)
            {
                foreach (UInt256 b in operands)
                {
                    Assert.Equal(FromBig(Big(a) * Big(b) % Big(m)), UInt256.MulMod(a, b, m));
                    Assert.Equal(FromBig((Big(a) + Big(b)) % Big(m)), UInt256.AddMod(a, b, m));
                }
                // m = 0 gives 0 (Yellow Paper, ADDMOD and MULMOD).
                Assert.Equal(UInt256.Zero, UInt256.MulMod(a, m, UInt256.Zero));
                Assert.Equal(UInt256.Zero, UInt256.AddMod(a, m, UInt256.Zero));
            }
        }
        // Modulus one reduces everything to zero; (2^256 - 1)^2 mod (2^256 - 1) = 0.
        Assert.Equal(UInt256.Zero, UInt256.MulMod(max, max, UInt256.One));
        Assert.Equal(UInt256.Zero, UInt256.MulMod(max, max, max));
        Assert.Equal(UInt256.One, UInt256.MulMod(max - UInt256.One, max - UInt256.One, max));
    }

    /// <summary>
    /// Dividends (m - 1) * 2^(64k) + low: after the top part is reduced the window is m - 1, whose top two limbs equal the
    /// normalized divisor's, so the next step takes the quotient-limb-is-2^64-1 path, for every width and position.
    /// </summary>
    [Fact]
    public void ReductionWithWindowEqualToDivisorTop()
    {
        var gen = Gen.Select(Gen.Int[1, 4].SelectMany(ModulusOfWidth), Gen.Int[1, 4], Value, Value);
        Check(gen, t =>
        {
            (UInt256 m, int k, UInt256 lowA, UInt256 lowB) = t;
            BigInteger low = (Big(lowA) << 256 | Big(lowB)) & ((BigInteger.One << (64 * k)) - 1);
            BigInteger n = (Big(m) - 1 << (64 * k)) + low;
            if (n >= BigInteger.One << 512) return;
            Span<ulong> limbs = stackalloc ulong[8];
            for (int i = 0; i < 8; i++) limbs[i] = (ulong)((n >> (64 * i)) & ulong.MaxValue);
            Assert.Equal(FromBig(n % Big(m)), UInt256.Mod512(limbs, m));
            if (n < Two256)
            {
                UInt256.DivRem(FromBig(n), m, out UInt256 q, out UInt256 r);
                Assert.Equal(FromBig(n / Big(m)), q);
                Assert.Equal(FromBig(n % Big(m)), r);
            }
        }, iter: 40_000);
    }

    /// <summary>Random 512-bit dividends of every length against every modulus width.</summary>
    [Fact]
    public void Mod512MatchesBigInteger() => Check(Gen.Select(Value, Value, Gen.Int[0, 512], AnyWidthModulus), t =>
    {
        (UInt256 hi, UInt256 lo, int bits, UInt256 m) = t;
        BigInteger n = (Big(hi) << 256 | Big(lo)) >> (512 - bits);
        Span<ulong> limbs = stackalloc ulong[8];
        for (int i = 0; i < 8; i++) limbs[i] = (ulong)((n >> (64 * i)) & ulong.MaxValue);
        Assert.Equal(FromBig(n % Big(m)), UInt256.Mod512(limbs, m));
        Assert.Equal(UInt256.Zero, UInt256.Mod512(limbs, UInt256.Zero));
    }, iter: 40_000);

    [Fact]
    public void DivRemMatchesBigIntegerForEveryDivisorWidth() => Check(Gen.Select(Value, AnyWidthModulus), t =>
    {
        (UInt256 a, UInt256 b) = t;
        UInt256.DivRem(a, b, out UInt256 q, out UInt256 r);
        Assert.Equal(FromBig(Big(a) / Big(b)), q);
        Assert.Equal(FromBig(Big(a) % Big(b)), r);
    }, iter: 40_000);
}
