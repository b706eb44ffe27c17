using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x00 STOP, 0x56 JUMP, 0x57 JUMPI, 0x58 PC, 0x5a GAS, 0x5b JUMPDEST, 0xf3 RETURN, 0xfd REVERT, 0xfe INVALID.</summary>
public static unsafe class ControlFlow
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x00, &Stop, GasCost.Zero, 0, 0);
        b.Set(0x56, &Jump, GasCost.Mid, 1, 0);
        b.Set(0x57, &JumpI, GasCost.High, 2, 0);
        b.Set(0x58, &Pc, GasCost.Base, 0, 1);
        b.Set(0x5a, &Gas, GasCost.Base, 0, 1);
        b.Set(0x5b, &JumpDest, GasCost.JumpDest, 0, 0);
        b.Set(0xf3, &Return, GasCost.Zero, 2, 0);
        b.Set(0xfd, &Revert, GasCost.Zero, 2, 0);
        b.Set(0xfe, &Invalid, GasCost.Zero, 0, 0);
    }

    public static ExecStatus Stop(ref Frame f) => ExecStatus.Stop;

    /// <summary>Undefined opcodes and 0xfe: exceptional halt.</summary>
    public static ExecStatus Invalid(ref Frame f) => ExecStatus.InvalidOpcode;

    public static ExecStatus JumpDest(ref Frame f) => ExecStatus.Continue;

    public static ExecStatus Jump(ref Frame f)
    {
        ref UInt256 dest = ref f.Peek(0);
        f.Sp--;
        if (!dest.FitsInUlong || !f.CodeInfo.IsJumpDest(dest.U0)) return ExecStatus.InvalidJump;
        f.Pc = (int)dest.U0;
        return ExecStatus.Continue;
    }

    public static ExecStatus JumpI(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        f.Sp -= 2;
        if (t[-1].IsZero) return ExecStatus.Continue;
        if (!t[0].FitsInUlong || !f.CodeInfo.IsJumpDest(t[0].U0)) return ExecStatus.InvalidJump;
        f.Pc = (int)t[0].U0;
        return ExecStatus.Continue;
    }

    public static ExecStatus Pc(ref Frame f)
    {
        f.Stack[f.Sp++] = new UInt256((ulong)(f.Pc - 1));
        return ExecStatus.Continue;
    }

    public static ExecStatus Gas(ref Frame f)
    {
        f.Stack[f.Sp++] = new UInt256((ulong)f.Gas);
        return ExecStatus.Continue;
    }

    public static ExecStatus Return(ref Frame f) => SetOutput(ref f) ? ExecStatus.Return : ExecStatus.OutOfGas;

    /// <summary>EIP-140: REVERT returns its data and the gas left, and undoes the frame's state changes.</summary>
    public static ExecStatus Revert(ref Frame f) => SetOutput(ref f) ? ExecStatus.Revert : ExecStatus.OutOfGas;

    private static bool SetOutput(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 offset = t[0], length = t[-1];
        f.Sp -= 2;
        if (!f.TryExpandMemory(offset, length)) return false;
        f.OutOffset = length.IsZero ? 0 : (long)offset.U0;
        f.OutLength = (long)length.U0;
        return true;
    }
}
