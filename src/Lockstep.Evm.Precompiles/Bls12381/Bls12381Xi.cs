using System.Runtime.CompilerServices;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles.Bls12381;

/// <summary>BLS12-381's ξ = 1 + u: defines F_p6 = F_p2[v]/(v^3 - ξ) and the M-type twist.</summary>
internal readonly struct Bls12381Xi : INonResidue<Fp, Bls12381Xi>
{
    private static readonly Fp2<Fp, Bls12381Xi> XiValue = new(Fp.One, Fp.One);

    public static Fp2<Fp, Bls12381Xi> Xi => XiValue;

    /// <summary>x·ξ = (A - B) + (A + B)u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<Fp, Bls12381Xi> MulByXi(in Fp2<Fp, Bls12381Xi> x) => new(Fp.Sub(x.A, x.B), Fp.Add(x.A, x.B));
}
