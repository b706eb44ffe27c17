using System.Runtime.CompilerServices;

namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>
/// A point of a short Weierstrass curve y^2 = x^3 + b (a = 0) over field <typeparamref name="T"/> in Jacobian
/// coordinates: (X, Y, Z) stands for (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. Formulas from the
/// Explicit-Formulas Database: dbl-2009-l and add-2007-bl (both valid for a = 0).
/// </summary>
internal readonly struct JacobianPoint<T> where T : struct, IField<T>
{
    public readonly T X;
    public readonly T Y;
    public readonly T Z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public JacobianPoint(in T x, in T y, in T z) { X = x; Y = y; Z = z; }

    public static JacobianPoint<T> Infinity => new(T.One, T.One, T.Zero);
    public bool IsInfinity => Z.IsZero;

    public static JacobianPoint<T> FromAffine(in T x, in T y) => new(x, y, T.One);

    /// <summary>The affine coordinates; false for the point at infinity.</summary>
    public bool TryToAffine(out T x, out T y)
    {
        if (IsInfinity)
        {
            x = T.Zero;
            y = T.Zero;
            return false;
        }
        T zInv = T.Inverse(Z);
        T zInv2 = T.Square(zInv);
        x = T.Mul(X, zInv2);
        y = T.Mul(Y, T.Mul(zInv2, zInv));
        return true;
    }

    public JacobianPoint<T> Negate() => new(X, T.Neg(Y), Z);

    /// <summary>dbl-2009-l.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static JacobianPoint<T> Double(in JacobianPoint<T> p)
    {
        if (p.IsInfinity || p.Y.IsZero) return Infinity;
        T a = T.Square(p.X);
        T b = T.Square(p.Y);
        T c = T.Square(b);
        T d = T.Double(T.Sub(T.Sub(T.Square(T.Add(p.X, b)), a), c));
        T e = T.Add(T.Double(a), a);
        T f = T.Square(e);
        T x3 = T.Sub(f, T.Double(d));
        T c8 = T.Double(T.Double(T.Double(c)));
        T y3 = T.Sub(T.Mul(e, T.Sub(d, x3)), c8);
        T z3 = T.Double(T.Mul(p.Y, p.Z));
        return new JacobianPoint<T>(x3, y3, z3);
    }

    /// <summary>add-2007-bl, falling back to doubling when the points are equal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static JacobianPoint<T> Add(in JacobianPoint<T> p, in JacobianPoint<T> q)
    {
        if (p.IsInfinity) return q;
        if (q.IsInfinity) return p;
        T z1z1 = T.Square(p.Z);
        T z2z2 = T.Square(q.Z);
        T u1 = T.Mul(p.X, z2z2);
        T u2 = T.Mul(q.X, z1z1);
        T s1 = T.Mul(T.Mul(p.Y, q.Z), z2z2);
        T s2 = T.Mul(T.Mul(q.Y, p.Z), z1z1);
        T h = T.Sub(u2, u1);
        T r = T.Double(T.Sub(s2, s1));
        if (h.IsZero) return r.IsZero ? Double(p) : Infinity;
        T i = T.Square(T.Double(h));
        T j = T.Mul(h, i);
        T v = T.Mul(u1, i);
        T x3 = T.Sub(T.Sub(T.Square(r), j), T.Double(v));
        T y3 = T.Sub(T.Mul(r, T.Sub(v, x3)), T.Double(T.Mul(s1, j)));
        T z3 = T.Mul(T.Sub(T.Sub(T.Square(T.Add(p.Z, q.Z)), z1z1), z2z2), h);
        return new JacobianPoint<T>(x3, y3, z3);
    }

    /// <summary>k·p for a 256-bit scalar given as 32 big-endian bytes (left-to-right double-and-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static JacobianPoint<T> Multiply(in JacobianPoint<T> p, ReadOnlySpan<byte> scalarBigEndian)
    {
        JacobianPoint<T> acc = Infinity;
        for (int i = 0; i < scalarBigEndian.Length; i++)
        {
            byte b = scalarBigEndian[i];
            for (int bit = 7; bit >= 0; bit--)
            {
                acc = Double(acc);
                if (((b >> bit) & 1) != 0) acc = Add(acc, p);
            }
        }
        return acc;
    }

    /// <summary>Projective equality: X1·Z2^2 = X2·Z1^2 and Y1·Z2^3 = Y2·Z1^3.</summary>
    public static bool Equal(in JacobianPoint<T> p, in JacobianPoint<T> q)
    {
        if (p.IsInfinity || q.IsInfinity) return p.IsInfinity && q.IsInfinity;
        T z1z1 = T.Square(p.Z);
        T z2z2 = T.Square(q.Z);
        return T.Equal(T.Mul(p.X, z2z2), T.Mul(q.X, z1z1))
            && T.Equal(T.Mul(T.Mul(p.Y, q.Z), z2z2), T.Mul(T.Mul(q.Y, p.Z), z1z1));
    }
}
