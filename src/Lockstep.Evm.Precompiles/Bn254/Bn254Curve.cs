using System.Globalization;
using System.Numerics;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;

namespace Lockstep.Evm.Precompiles.Bn254;

/// <summary>
/// alt_bn128 (EIP-196/197): G1 is y^2 = x^3 + 3 over F_p (prime order r, cofactor 1); G2 is the r-torsion
/// subgroup of the sextic twist y^2 = x^3 + 3/ξ over F_p2. Holds the curve constants and the EIP-196/197
/// point encodings with their validity rules.
/// </summary>
internal static class Bn254Curve
{
    /// <summary>The group order r of G1 and G2 (EIP-197 calls it q; r in the pairing literature).</summary>
    public static readonly BigInteger Order = BigInteger.Parse(
        "030644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>r as 32 big-endian bytes, for the G2 subgroup check.</summary>
    public static readonly byte[] OrderBytes = Scalars.ToBytes32(Order);

    /// <summary>b = 3 of G1.</summary>
    public static readonly Fp B = Fp.FromUlong(3);

    /// <summary>b' = 3 / ξ of the twist carrying G2.</summary>
    public static readonly Fp2 TwistB = Fp2.Mul(new Fp2(B, Fp.Zero), Fp2.Inverse(Fp2.Xi));

    /// <summary>The G1 generator (1, 2) (EIP-196).</summary>
    public static G1Point G1Generator => new(Fp.One, Fp.FromUlong(2), false);

    /// <summary>
    /// The standard G2 generator (go-ethereum's bn256, and the G2 point of the EIP-197 test vectors):
    /// x = 0x1800deef… + 0x198e9393…·u, y = 0x12c85ea5… + 0x090689d0…·u.
    /// </summary>
    public static G2Point G2Generator => new(
        new Fp2(Fp.FromBigInteger(Hex("1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed")),
                Fp.FromBigInteger(Hex("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"))),
        new Fp2(Fp.FromBigInteger(Hex("12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")),
                Fp.FromBigInteger(Hex("090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"))),
        false);

    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an EIP-196 G1 point (x, y as 32-byte big-endian words; (0, 0) is infinity). False when a coordinate
    /// is not below p or the point is not on the curve.
    /// </summary>
    public static bool TryReadG1(ReadOnlySpan<byte> input64, out G1Point point)
    {
        point = default;
        if (!Fp.TryRead(input64[..32], out Fp x) || !Fp.TryRead(input64.Slice(32, 32), out Fp y)) return false;
        if (x.IsZero && y.IsZero)
        {
            point = G1Point.Infinity;
            return true;
        }
        point = new G1Point(x, y, false);
        return point.IsOnCurve;
    }

    /// <summary>Writes an EIP-196 G1 point; infinity is 64 zero bytes.</summary>
    public static void WriteG1(in JacobianPoint<Fp> p, Span<byte> output64)
    {
        if (!p.TryToAffine(out Fp x, out Fp y))
        {
            output64[..64].Clear();
            return;
        }
        x.Write(output64[..32]);
        y.Write(output64.Slice(32, 32));
    }

    /// <summary>
    /// Reads an EIP-197 G2 point: x = x_im·u + x_re and y likewise, encoded as (x_im, x_re, y_im, y_re), 32 bytes
    /// each; all zeros is infinity. False when a coordinate is not below p, the point is not on the twist, or it is
    /// not in the order-r subgroup (the twist has a large cofactor, so on-curve is not enough).
    /// </summary>
    public static bool TryReadG2(ReadOnlySpan<byte> input128, out G2Point point)
    {
        point = default;
        if (!Fp.TryRead(input128[..32], out Fp xIm) || !Fp.TryRead(input128.Slice(32, 32), out Fp xRe)
            || !Fp.TryRead(input128.Slice(64, 32), out Fp yIm) || !Fp.TryRead(input128.Slice(96, 32), out Fp yRe))
            return false;
        var x = new Fp2(xRe, xIm);
        var y = new Fp2(yRe, yIm);
        if (x.IsZero && y.IsZero)
        {
            point = G2Point.Infinity;
            return true;
        }
        point = new G2Point(x, y, false);
        return point.IsOnCurve && point.IsInSubgroup;
    }
}

/// <summary>An affine G1 point (or infinity).</summary>
internal readonly struct G1Point(Fp x, Fp y, bool isInfinity)
{
    public readonly Fp X = x;
    public readonly Fp Y = y;
    public readonly bool IsInfinity = isInfinity;

    public static G1Point Infinity => new(Fp.Zero, Fp.Zero, true);

    /// <summary>y^2 = x^3 + 3.</summary>
    public bool IsOnCurve => IsInfinity || Fp.Equal(Fp.Square(Y), Fp.Add(Fp.Mul(Fp.Square(X), X), Bn254Curve.B));

    public JacobianPoint<Fp> ToJacobian() => IsInfinity ? JacobianPoint<Fp>.Infinity : JacobianPoint<Fp>.FromAffine(X, Y);

    public static G1Point FromJacobian(in JacobianPoint<Fp> p) =>
        p.TryToAffine(out Fp x, out Fp y) ? new G1Point(x, y, false) : Infinity;
}

/// <summary>An affine point of the twist over F_p2 (or infinity).</summary>
internal readonly struct G2Point(Fp2 x, Fp2 y, bool isInfinity)
{
    public readonly Fp2 X = x;
    public readonly Fp2 Y = y;
    public readonly bool IsInfinity = isInfinity;

    public static G2Point Infinity => new(Fp2.Zero, Fp2.Zero, true);

    /// <summary>y^2 = x^3 + 3/ξ.</summary>
    public bool IsOnCurve => IsInfinity || Fp2.Equal(Fp2.Square(Y), Fp2.Add(Fp2.Mul(Fp2.Square(X), X), Bn254Curve.TwistB));

    /// <summary>r·Q = O (EIP-197 requires points of G2, the order-r subgroup).</summary>
    public bool IsInSubgroup => IsInfinity || JacobianPoint<Fp2>.Multiply(ToJacobian(), Bn254Curve.OrderBytes).IsInfinity;

    public JacobianPoint<Fp2> ToJacobian() => IsInfinity ? JacobianPoint<Fp2>.Infinity : JacobianPoint<Fp2>.FromAffine(X, Y);

    public static G2Point FromJacobian(in JacobianPoint<Fp2> p) =>
        p.TryToAffine(out Fp2 x, out Fp2 y) ? new G2Point(x, y, false) : Infinity;
}
