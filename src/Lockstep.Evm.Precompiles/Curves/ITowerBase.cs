using System.Numerics;

namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>
/// The quadratic extension F_p2 that the pairing towers F_p6 = F_p2[v]/(v^3 - ξ) and F_p12 = F_p6[w]/(w^2 - v)
/// are built on. alt_bn128 (ξ = 9 + u) and BLS12-381 (ξ = 1 + u) differ only here, so one generic
/// <see cref="Fp6{T}"/> / <see cref="Fp12{T}"/> serves both; the JIT specialises them per struct.
/// </summary>
internal interface ITowerBase<T> : IField<T> where T : struct, ITowerBase<T>
{
    /// <summary>The sextic non-residue ξ.</summary>
    static abstract T NonResidue { get; }
    /// <summary>x·ξ.</summary>
    static abstract T MulByXi(in T a);
    /// <summary>The F_p-conjugate (the p-power Frobenius on F_p2).</summary>
    static abstract T Conjugate(in T a);
    static abstract T Pow(in T a, BigInteger e);
    /// <summary>The characteristic p of the base field.</summary>
    static abstract BigInteger BaseModulus { get; }
}
