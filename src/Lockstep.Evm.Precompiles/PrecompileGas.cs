namespace Lockstep.Evm.Precompiles;

/// <summary>Shared gas arithmetic for the precompiles priced per 32-byte word.</summary>
internal static class PrecompileGas
{
    /// <summary><c>base + perWord * ceil(length / 32)</c> (Yellow Paper appendix E); cannot overflow for span lengths.</summary>
    public static long PerWord(int length, long baseCost, long perWord) => baseCost + perWord * (((long)length + 31) / 32);
}
