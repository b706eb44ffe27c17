using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x51-0x53 MLOAD/MSTORE/MSTORE8, 0x59 MSIZE, 0x5e MCOPY (EIP-5656).</summary>
public static unsafe class MemoryOps
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x51, &MLoad, GasCost.VeryLow, 1, 1);
        b.Set(0x52, &MStore, GasCost.VeryLow, 2, 0);
        b.Set(0x53, &MStore8, GasCost.VeryLow, 2, 0);
        b.Set(0x59, &MSize, GasCost.Base, 0, 1);
    }

    private static readonly UInt256 Word = new(32);

    public static ExecStatus MLoad(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        if (!f.TryExpandMemory(top, Word)) return ExecStatus.OutOfGas;
        top = new UInt256(f.MemorySpan((long)top.U0, 32));
        return ExecStatus.Continue;
    }

    public static ExecStatus MStore(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        f.Sp -= 2;
        if (!f.TryExpandMemory(t[0], Word)) return ExecStatus.OutOfGas;
        t[-1].WriteBigEndian(f.MemorySpan((long)t[0].U0, 32));
        return ExecStatus.Continue;
    }

    public static ExecStatus MStore8(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        f.Sp -= 2;
        if (!f.TryExpandMemory(t[0], UInt256.One)) return ExecStatus.OutOfGas;
        f.MemorySpan((long)t[0].U0, 1)[0] = (byte)t[-1].U0;
        return ExecStatus.Continue;
    }

    public static ExecStatus MSize(ref Frame f)
    {
        f.Stack[f.Sp++] = new UInt256((ulong)f.MemSize);
        return ExecStatus.Continue;
    }

    /// <summary>EIP-5656: 3 + 3 per word + expansion to cover both ranges; overlapping copies behave like memmove.</summary>
    public static ExecStatus MCopy(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 dst = t[0], src = t[-1], len = t[-2];
        f.Sp -= 3;
        if (len.IsZero) return ExecStatus.Continue;
        if (!f.TryExpandMemory(src, len) || !f.TryExpandMemory(dst, len)) return ExecStatus.OutOfGas;
        if (!f.Charge(GasCost.Copy * (long)((len.U0 + 31) / 32))) return ExecStatus.OutOfGas;
        f.MemorySpan((long)src.U0, (long)len.U0).CopyTo(f.MemorySpan((long)dst.U0, (long)len.U0));
        return ExecStatus.Continue;
    }
}
