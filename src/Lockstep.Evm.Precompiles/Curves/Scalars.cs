using System.Numerics;

namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>Scalar encoding shared by the curve code.</summary>
internal static class Scalars
{
    /// <summary>A non-negative integer below 2^256 as 32 big-endian bytes (the scalar form <see cref="JacobianPoint{T}.Multiply"/> takes).</summary>
    public static byte[] ToBytes32(BigInteger v)
    {
        byte[] b = new byte[32];
        v.TryWriteBytes(b.AsSpan(32 - v.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return b;
    }

    /// <summary>The bits of <paramref name="e"/> (&gt; 0), most significant first, for square-and-multiply loops.</summary>
    public static bool[] BitsMsbFirst(BigInteger e)
    {
        var bits = new bool[(int)e.GetBitLength()];
        for (int i = 0; i < bits.Length; i++) bits[bits.Length - 1 - i] = !((e >> i) & 1).IsZero;
        return bits;
    }
}
