using Lockstep.Primitives;

namespace Lockstep.Evm.Precompiles;

/// <summary>
/// The precompiles active under Cancun rules, by address (0x01 to 0x0a):
/// 0x01 <see cref="EcRecoverPrecompile"/>, 0x02 <see cref="Sha256Precompile"/>, 0x03 <see cref="Ripemd160Precompile"/>,
/// 0x04 <see cref="IdentityPrecompile"/>, 0x05 <see cref="ModExpPrecompile"/>, 0x06 <see cref="Bn256AddPrecompile"/>,
/// 0x07 <see cref="Bn256ScalarMulPrecompile"/>, 0x08 <see cref="Bn256PairingPrecompile"/>, 0x09 <see cref="Blake2FPrecompile"/>,
/// 0x0a <see cref="PointEvaluationPrecompile"/> (EIP-4844, with our own BLS12-381 pairing and the ceremony's [τ]G2).
/// </summary>
public static class PrecompileSet
{
    private static readonly IPrecompile?[] ByNumber = new IPrecompile?[11];

    static PrecompileSet()
    {
        Register(0x01, EcRecoverPrecompile.Instance);
        Register(0x02, Sha256Precompile.Instance);
        Register(0x03, Ripemd160Precompile.Instance);
        Register(0x04, IdentityPrecompile.Instance);
        Register(0x05, ModExpPrecompile.Instance);
        Register(0x06, Bn256AddPrecompile.Instance);
        Register(0x07, Bn256ScalarMulPrecompile.Instance);
        Register(0x08, Bn256PairingPrecompile.Instance);
        Register(0x09, Blake2FPrecompile.Instance);
        Register(0x0a, PointEvaluationPrecompile.Instance);
    }

    /// <summary>Addresses that are precompiles (they start warm under EIP-2929).</summary>
    public static IReadOnlyList<Address> Addresses { get; } = Enumerable.Range(1, 10).Select(i => Address.FromNumber((uint)i)).ToArray();

    /// <summary>The precompile at <paramref name="address"/>, if any.</summary>
    public static bool TryGet(in Address address, out IPrecompile precompile)
    {
        precompile = null!;
        UInt256 n = address.ToUInt256();
        if (!n.FitsInUlong || n.U0 == 0 || n.U0 > 10) return false;
        IPrecompile? p = ByNumber[n.U0];
        if (p is null) return false;
        precompile = p;
        return true;
    }

    /// <summary>True when <paramref name="address"/> is in 0x01..0x0a.</summary>
    public static bool IsPrecompileAddress(in Address address)
    {
        UInt256 n = address.ToUInt256();
        return n.FitsInUlong && n.U0 >= 1 && n.U0 <= 10;
    }

    /// <summary>Registers an implementation; called once from the static constructor.</summary>
    internal static void Register(uint number, IPrecompile precompile) => ByNumber[number] = precompile;
}
