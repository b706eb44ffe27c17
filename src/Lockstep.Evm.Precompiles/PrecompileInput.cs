namespace Lockstep.Evm.Precompiles;

/// <summary>Input handling shared by the precompiles that read a fixed-size input.</summary>
internal static class PrecompileInput
{
    /// <summary>
    /// Fills <paramref name="fixedLength"/> with <paramref name="input"/> truncated or zero-padded on the right,
    /// as the Yellow Paper reads call data past its end as zeros.
    /// </summary>
    public static void CopyPadded(ReadOnlySpan<byte> input, Span<byte> fixedLength)
    {
        fixedLength.Clear();
        input[..Math.Min(input.Length, fixedLength.Length)].CopyTo(fixedLength);
    }
}
