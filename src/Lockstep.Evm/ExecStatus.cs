namespace Lockstep.Evm;

/// <summary>
/// What an opcode (and so a frame) ended with. Ranged like revm's InstructionResult: 0 keeps running,
/// 1..3 are successes, 4 is a revert (gas left is returned), 16 and up are exceptional halts (all gas is spent).
/// </summary>
public enum ExecStatus : byte
{
    Continue = 0,
    Stop = 1,
    Return = 2,
    SelfDestruct = 3,
    Revert = 4,

    OutOfGas = 16,
    InvalidOpcode,
    StackUnderflow,
    StackOverflow,
    InvalidJump,
    /// <summary>A state change inside STATICCALL (EIP-214).</summary>
    StaticStateChange,
    /// <summary>RETURNDATACOPY past the end of the return data (EIP-211).</summary>
    ReturnDataOutOfBounds,
    /// <summary>Deployed code starts with 0xEF (EIP-3541).</summary>
    InvalidCodePrefix,
    /// <summary>Deployed code exceeds 24576 bytes (EIP-170).</summary>
    CodeSizeExceeded,
    /// <summary>Initcode exceeds 49152 bytes (EIP-3860).</summary>
    InitCodeSizeExceeded,
    /// <summary>CREATE target already has code, nonce or storage (EIP-684, EIP-7610).</summary>
    CreateCollision,
    /// <summary>A precompile rejected its input.</summary>
    PrecompileFailure,
}

/// <summary>Helpers over <see cref="ExecStatus"/> ranges.</summary>
public static class ExecStatusExtensions
{
    public static bool IsSuccess(this ExecStatus s) => s is > ExecStatus.Continue and < ExecStatus.Revert;
    public static bool IsRevert(this ExecStatus s) => s == ExecStatus.Revert;
    public static bool IsHalt(this ExecStatus s) => s >= ExecStatus.OutOfGas;
}
