using System.Runtime.CompilerServices;
using Lockstep.Evm.Precompiles.Curves;

namespace Lockstep.Evm.Precompiles.Bn254;

/// <summary>alt_bn128's ξ = 9 + u (EIP-197): defines F_p6 = F_p2[v]/(v^3 - ξ) and the D-type twist.</summary>
internal readonly struct Bn254Xi : INonResidue<Fp, Bn254Xi>
{
    private static readonly Fp2<Fp, Bn254Xi> XiValue = new(Fp.FromUlong(9), Fp.One);

    public static Fp2<Fp, Bn254Xi> Xi => XiValue;

    /// <summary>x·ξ = (9A - B) + (A + 9B)u, with 9 = 8 + 1 as three doublings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp2<Fp, Bn254Xi> MulByXi(in Fp2<Fp, Bn254Xi> x)
    {
        Fp a8 = Fp.Double(Fp.Double(Fp.Double(x.A)));
        Fp b8 = Fp.Double(Fp.Double(Fp.Double(x.B)));
        return new(Fp.Sub(Fp.Add(a8, x.A), x.B), Fp.Add(Fp.Add(b8, x.B), x.A));
    }
}
