using Lockstep.Primitives;

namespace Lockstep.Evm.Precompiles;

/// <summary>The precompiles active under Cancun rules, by address (0x01 to 0x0a).</summary>
public static class PrecompileSet
{
    private static readonly IPrecompile?[] ByNumber = new IPrecompile?[11];

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

    /// <summary>True when <paramref name="address"/> is in 0x01..0x0a, implemented or not.</summary>
    public static bool IsPrecompileAddress(in Address address)
    {
        UInt256 n = address.ToUInt256();
        return n.FitsInUlong && n.U0 >= 1 && n.U0 <= 10;
    }

    /// <summary>Registers an implementation; called once from the static constructor as precompiles land.</summary>
    internal static void Register(uint number, IPrecompile precompile) => ByNumber[number] = precompile;
}
