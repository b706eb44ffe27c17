using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x10-0x1d: comparison and bitwise logic, including EIP-145 shifts.</summary>
public static unsafe class Bitwise
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x10, &Lt, GasCost.VeryLow, 2, 1);
        b.Set(0x11, &Gt, GasCost.VeryLow, 2, 1);
        b.Set(0x12, &SLt, GasCost.VeryLow, 2, 1);
        b.Set(0x13, &SGt, GasCost.VeryLow, 2, 1);
        b.Set(0x14, &Eq, GasCost.VeryLow, 2, 1);
        b.Set(0x15, &IsZero, GasCost.VeryLow, 1, 1);
        b.Set(0x16, &And, GasCost.VeryLow, 2, 1);
        b.Set(0x17, &Or, GasCost.VeryLow, 2, 1);
        b.Set(0x18, &Xor, GasCost.VeryLow, 2, 1);
        b.Set(0x19, &Not, GasCost.VeryLow, 1, 1);
        b.Set(0x1a, &Byte, GasCost.VeryLow, 2, 1);
        b.Set(0x1b, &Shl, GasCost.VeryLow, 2, 1);
        b.Set(0x1c, &Shr, GasCost.VeryLow, 2, 1);
        b.Set(0x1d, &Sar, GasCost.VeryLow, 2, 1);
    }

    private static UInt256 Bool(bool v) => v ? UInt256.One : UInt256.Zero;

    public static ExecStatus Lt(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = Bool(UInt256.LessThan(t[0], t[-1])); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Gt(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = Bool(UInt256.LessThan(t[-1], t[0])); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus SLt(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = Bool(UInt256.SignedLessThan(t[0], t[-1])); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus SGt(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = Bool(UInt256.SignedLessThan(t[-1], t[0])); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Eq(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = Bool(t[0].Equals(t[-1])); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus IsZero(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[0] = Bool(t[0].IsZero); return ExecStatus.Continue; }
    public static ExecStatus And(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = t[0] & t[-1]; f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Or(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = t[0] | t[-1]; f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Xor(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = t[0] ^ t[-1]; f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Not(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[0] = ~t[0]; return ExecStatus.Continue; }
    public static ExecStatus Byte(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.Byte(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }

    /// <summary>Shift amount clamped to 256 (any larger shift gives the same result).</summary>
    private static int ShiftAmount(in UInt256 s) => s.FitsInUlong && s.U0 < 256 ? (int)s.U0 : 256;

    public static ExecStatus Shl(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        int n = ShiftAmount(t[0]);
        t[-1] = n >= 256 ? UInt256.Zero : UInt256.ShiftLeft(t[-1], n);
        f.Sp--;
        return ExecStatus.Continue;
    }

    public static ExecStatus Shr(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        int n = ShiftAmount(t[0]);
        t[-1] = n >= 256 ? UInt256.Zero : UInt256.ShiftRight(t[-1], n);
        f.Sp--;
        return ExecStatus.Continue;
    }

    public static ExecStatus Sar(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        int n = ShiftAmount(t[0]);
        t[-1] = n >= 256 ? (t[-1].IsNegative ? UInt256.MaxValue : UInt256.Zero) : UInt256.ShiftRightArithmetic(t[-1], n);
        f.Sp--;
        return ExecStatus.Continue;
    }
}
