using System.Globalization;
using System.Numerics;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bls12381.Fp, Lockstep.Evm.Precompiles.Bls12381.Bls12381Xi>;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>
/// BLS12-381: G1 ⊂ E(F_p), y^2 = x^3 + 4, and G2 ⊂ E'(F_p2), y^2 = x^3 + 4(1 + u), both of prime order r.
/// Points are read in the ZCash compressed encoding used by the consensus specs and EIP-4844: big-endian x with
/// three flag bits on top (compressed, infinity, sign of y).
/// </summary>
internal static class Curve
{
    /// <summary>The subgroup order r (EIP-4844 <c>BLS_MODULUS</c>).</summary>
    public static readonly BigInteger Order = BigInteger.Parse(
        "073eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static readonly byte[] OrderBytes = Scalars.ToBytes32(Order);

    public static readonly Fp B = Fp.FromBigInteger(4);
    public static readonly Fp2 TwistB = Fp2.Mul(new Fp2(B, Fp.Zero), Fp2.Xi);

    private const byte CompressedFlag = 0x80, InfinityFlag = 0x40, SignFlag = 0x20;

    /// <summary>True when y^2 = x^3 + 4.</summary>
    public static bool IsOnCurve(in Fp x, in Fp y) => Fp.Equal(Fp.Square(y), Fp.Add(Fp.Mul(Fp.Square(x), x), B));

    /// <summary>True when y^2 = x^3 + 4(1 + u).</summary>
    public static bool IsOnTwist(in Fp2 x, in Fp2 y) => Fp2.Equal(Fp2.Square(y), Fp2.Add(Fp2.Mul(Fp2.Square(x), x), TwistB));

    /// <summary>
    /// Decompresses a 48-byte G1 point and checks it is in G1 (KZG <c>validate_kzg_g1</c>: on the curve and r·P = O).
    /// False for a bad flag combination, x ≥ p, no square root, or a point outside the subgroup.
    /// </summary>
    public static bool TryDecompressG1(ReadOnlySpan<byte> input48, out JacobianPoint<Fp> point)
    {
        point = JacobianPoint<Fp>.Infinity;
        if (input48.Length != 48) return false;
        byte flags = input48[0];
        if ((flags & CompressedFlag) == 0) return false;
        Span<byte> xBytes = stackalloc byte[48];
        input48.CopyTo(xBytes);
        xBytes[0] &= 0x1f;
        if ((flags & InfinityFlag) != 0)
        {
            // Infinity is exactly 0xc0 followed by zeros: no sign bit, no x bits.
            return (flags & SignFlag) == 0 && !xBytes.ContainsAnyExcept((byte)0);
        }
        if (!Fp.TryRead(xBytes, out Fp x)) return false;
        Fp rhs = Fp.Add(Fp.Mul(Fp.Square(x), x), B);
        if (!Fp.TrySqrt(rhs, out Fp y)) return false;
        if (y.IsLexicographicallyLargest != ((flags & SignFlag) != 0)) y = Fp.Neg(y);
        point = JacobianPoint<Fp>.FromAffine(x, y);
        return JacobianPoint<Fp>.Multiply(point, OrderBytes).IsInfinity;
    }

    /// <summary>
    /// Decompresses a 96-byte G2 point (x = x_c1 ‖ x_c0, flags on x_c1) and checks it is in G2. Used once, for the
    /// trusted-setup constants, so the square root is done on plain integers.
    /// </summary>
    public static bool TryDecompressG2(ReadOnlySpan<byte> input96, out JacobianPoint<Fp2> point)
    {
        point = JacobianPoint<Fp2>.Infinity;
        if (input96.Length != 96) return false;
        byte flags = input96[0];
        if ((flags & CompressedFlag) == 0 || (flags & InfinityFlag) != 0) return false;
        byte[] c1Bytes = input96[..48].ToArray();
        c1Bytes[0] &= 0x1f;
        if (!Fp.TryRead(c1Bytes, out Fp c1) || !Fp.TryRead(input96[48..], out Fp c0)) return false;
        var x = new Fp2(c0, c1);
        Fp2 rhs = Fp2.Add(Fp2.Mul(Fp2.Square(x), x), TwistB);
        if (!TrySqrtFp2(rhs, out Fp2 y)) return false;
        // Lexicographic order on F_p2 compares the imaginary part first, then the real part.
        bool largest = !y.B.IsZero ? y.B.IsLexicographicallyLargest : y.A.IsLexicographicallyLargest;
        if (largest != ((flags & SignFlag) != 0)) y = Fp2.Neg(y);
        point = JacobianPoint<Fp2>.FromAffine(x, y);
        return IsOnTwist(x, y) && JacobianPoint<Fp2>.Multiply(point, OrderBytes).IsInfinity;
    }

    /// <summary>Square root in F_p2 by the norm method (p ≡ 3 mod 4); plain integer arithmetic.</summary>
    private static bool TrySqrtFp2(in Fp2 a, out Fp2 root)
    {
        root = default;
        BigInteger p = Fp.Modulus;
        BigInteger a0 = a.A.ToBigInteger(), a1 = a.B.ToBigInteger();
        if (!TrySqrtInt((a0 * a0 + a1 * a1) % p, out BigInteger n)) return false;
        BigInteger half = (p + 1) / 2;
        if (!TrySqrtInt((a0 + n) * half % p, out BigInteger x0) && !TrySqrtInt(((a0 - n) * half % p + p) % p, out x0)) return false;
        BigInteger x1 = x0.IsZero ? BigInteger.Zero : a1 * BigInteger.ModPow(2 * x0, p - 2, p) % p;
        if (x0.IsZero)
        {
            // a = a0 with a0 a non-square in F_p: the root is purely imaginary, sqrt(-a0)·u.
            if (!TrySqrtInt((p - a0) % p, out x1)) return false;
        }
        root = new Fp2(Fp.FromBigInteger(x0), Fp.FromBigInteger(x1));
        return Fp2.Equal(Fp2.Square(root), a);
    }

    private static bool TrySqrtInt(BigInteger v, out BigInteger root)
    {
        BigInteger p = Fp.Modulus;
        root = BigInteger.ModPow(v, (p + 1) / 4, p);
        return root * root % p == v;
    }
}
