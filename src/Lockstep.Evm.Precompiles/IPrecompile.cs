namespace Lockstep.Evm.Precompiles;

/// <summary>
/// A precompiled contract: a pure function of its input with a gas price that depends only on the input.
/// The interpreter charges <see cref="RequiredGas"/> first (failing the call with all its gas when it is
/// larger than the gas given), then calls <see cref="TryRun"/>; a false result consumes all the call's gas.
/// </summary>
public interface IPrecompile
{
    /// <summary>Gas this input costs (Cancun rules).</summary>
    long RequiredGas(ReadOnlySpan<byte> input);

    /// <summary>Runs on <paramref name="input"/>; false means the input is invalid (the call fails, all gas spent).</summary>
    bool TryRun(ReadOnlySpan<byte> input, out byte[] output);
}
