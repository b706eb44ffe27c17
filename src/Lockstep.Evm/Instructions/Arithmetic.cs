using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x01-0x0b: arithmetic (Yellow Paper 9.4.1 / Appendix H). Operands: a = top, b = next.</summary>
public static unsafe class Arithmetic
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x01, &Add, GasCost.VeryLow, 2, 1);
        b.Set(0x02, &Mul, GasCost.Low, 2, 1);
        b.Set(0x03, &Sub, GasCost.VeryLow, 2, 1);
        b.Set(0x04, &Div, GasCost.Low, 2, 1);
        b.Set(0x05, &SDiv, GasCost.Low, 2, 1);
        b.Set(0x06, &Mod, GasCost.Low, 2, 1);
        b.Set(0x07, &SMod, GasCost.Low, 2, 1);
        b.Set(0x08, &AddMod, GasCost.Mid, 3, 1);
        b.Set(0x09, &MulMod, GasCost.Mid, 3, 1);
        b.Set(0x0a, &Exp, GasCost.Exp, 2, 1);
        b.Set(0x0b, &SignExtend, GasCost.Low, 2, 1);
    }

    public static ExecStatus Add(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.Add(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Mul(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.Multiply(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Sub(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.Subtract(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Div(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.Divide(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus SDiv(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.SignedDivide(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus Mod(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.Mod(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }
    public static ExecStatus SMod(ref Frame f) { UInt256* t = f.Stack + f.Sp - 1; t[-1] = UInt256.SignedMod(t[0], t[-1]); f.Sp--; return ExecStatus.Continue; }

    public static ExecStatus AddMod(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        t[-2] = UInt256.AddMod(t[0], t[-1], t[-2]);
        f.Sp -= 2;
        return ExecStatus.Continue;
    }

    public static ExecStatus MulMod(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        t[-2] = UInt256.MulMod(t[0], t[-1], t[-2]);
        f.Sp -= 2;
        return ExecStatus.Continue;
    }

    /// <summary>EXP: 10 + 50 per byte of the exponent (EIP-160).</summary>
    public static ExecStatus Exp(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        if (!f.Charge(GasCost.ExpByteEip160 * t[-1].ByteLength)) return ExecStatus.OutOfGas;
        t[-1] = UInt256.Exp(t[0], t[-1]);
        f.Sp--;
        return ExecStatus.Continue;
    }

    public static ExecStatus SignExtend(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        t[-1] = UInt256.SignExtend(t[0], t[-1]);
        f.Sp--;
        return ExecStatus.Continue;
    }
}
