using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x30-0x3f and 0x47: the execution environment (Yellow Paper 9.4.3), EIP-2929 account access costs.</summary>
public static unsafe class Environment
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x30, &AddressOp, GasCost.Base, 0, 1);
        b.Set(0x31, &Balance, GasCost.Zero, 1, 1);
        b.Set(0x32, &Origin, GasCost.Base, 0, 1);
        b.Set(0x33, &Caller, GasCost.Base, 0, 1);
        b.Set(0x34, &CallValue, GasCost.Base, 0, 1);
        b.Set(0x35, &CallDataLoad, GasCost.VeryLow, 1, 1);
        b.Set(0x36, &CallDataSize, GasCost.Base, 0, 1);
        b.Set(0x37, &CallDataCopy, GasCost.VeryLow, 3, 0);
        b.Set(0x38, &CodeSize, GasCost.Base, 0, 1);
        b.Set(0x39, &CodeCopy, GasCost.VeryLow, 3, 0);
        b.Set(0x3a, &GasPrice, GasCost.Base, 0, 1);
        b.Set(0x3b, &ExtCodeSize, GasCost.Zero, 1, 1);
        b.Set(0x3c, &ExtCodeCopy, GasCost.Zero, 4, 0);
        b.Set(0x3d, &ReturnDataSize, GasCost.Base, 0, 1);
        b.Set(0x3e, &ReturnDataCopy, GasCost.VeryLow, 3, 0);
        b.Set(0x3f, &ExtCodeHash, GasCost.Zero, 1, 1);
        b.Set(0x47, &SelfBalance, GasCost.Low, 0, 1);
    }

    /// <summary>EIP-2929: 2600 for the first touch of an account in the transaction, 100 after.</summary>
    internal static long AccessCost(ref Frame f, in Address a) =>
        IsCold(ref f, a) ? GasCost.ColdAccountAccessEip2929 : GasCost.WarmStorageReadEip2929;

    /// <summary>Warms <paramref name="a"/> and says whether it was cold; precompiles are always warm (EIP-2929).</summary>
    internal static bool IsCold(ref Frame f, in Address a) => !PrecompileSet.IsPrecompileAddress(a) && f.State.WarmAddress(a);

    internal static ExecStatus Push(ref Frame f, in UInt256 v)
    {
        f.Stack[f.Sp++] = v;
        return ExecStatus.Continue;
    }

    /// <summary>Copies <paramref name="length"/> bytes of <paramref name="src"/> from <paramref name="srcOffset"/> to memory, zero-padding past the end.</summary>
    internal static void CopyPadded(ref Frame f, ulong memOffset, ReadOnlySpan<byte> src, in UInt256 srcOffset, ulong length)
    {
        if (length == 0) return;
        Span<byte> dst = f.MemorySpan((long)memOffset, (long)length);
        if (!srcOffset.FitsInUlong || srcOffset.U0 >= (ulong)src.Length)
        {
            dst.Clear();
            return;
        }
        int start = (int)srcOffset.U0;
        int n = (int)Math.Min((ulong)(src.Length - start), length);
        src.Slice(start, n).CopyTo(dst);
        dst[n..].Clear();
    }

    /// <summary>Memory expansion plus 3 gas per copied word: the cost shared by every *COPY opcode.</summary>
    internal static bool ChargeCopy(ref Frame f, in UInt256 memOffset, in UInt256 length)
    {
        if (!f.TryExpandMemory(memOffset, length)) return false;
        return f.Charge(GasCost.Copy * (long)((length.U0 + 31) / 32));
    }

    public static ExecStatus AddressOp(ref Frame f) => Push(ref f, f.Address.ToUInt256());
    public static ExecStatus Origin(ref Frame f) => Push(ref f, f.Vm.Tx.Origin.ToUInt256());
    public static ExecStatus Caller(ref Frame f) => Push(ref f, f.Caller.ToUInt256());
    public static ExecStatus CallValue(ref Frame f) => Push(ref f, f.Value);
    public static ExecStatus CallDataSize(ref Frame f) => Push(ref f, new UInt256((ulong)f.Input.Length));
    public static ExecStatus CodeSize(ref Frame f) => Push(ref f, new UInt256((ulong)f.CodeInfo.Length));
    public static ExecStatus GasPrice(ref Frame f) => Push(ref f, f.Vm.Tx.GasPrice);
    public static ExecStatus ReturnDataSize(ref Frame f) => Push(ref f, new UInt256((ulong)f.ReturnData.Length));
    public static ExecStatus SelfBalance(ref Frame f) => Push(ref f, f.State.GetBalance(f.Address));

    public static ExecStatus Balance(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        Address a = Address.FromUInt256(top);
        if (!f.Charge(AccessCost(ref f, a))) return ExecStatus.OutOfGas;
        top = f.State.GetBalance(a);
        return ExecStatus.Continue;
    }

    public static ExecStatus CallDataLoad(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        byte[] input = f.Input;
        if (!top.FitsInUlong || top.U0 >= (ulong)input.Length)
        {
            top = UInt256.Zero;
            return ExecStatus.Continue;
        }
        int start = (int)top.U0;
        if (input.Length - start >= 32)
        {
            top = new UInt256(input.AsSpan(start, 32));
            return ExecStatus.Continue;
        }
        Span<byte> word = stackalloc byte[32];
        word.Clear();
        input.AsSpan(start).CopyTo(word);
        top = new UInt256(word);
        return ExecStatus.Continue;
    }

    public static ExecStatus CallDataCopy(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 mem = t[0], src = t[-1], len = t[-2];
        f.Sp -= 3;
        if (!ChargeCopy(ref f, mem, len)) return ExecStatus.OutOfGas;
        CopyPadded(ref f, mem.U0, f.Input, src, len.U0);
        return ExecStatus.Continue;
    }

    public static ExecStatus CodeCopy(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 mem = t[0], src = t[-1], len = t[-2];
        f.Sp -= 3;
        if (!ChargeCopy(ref f, mem, len)) return ExecStatus.OutOfGas;
        CopyPadded(ref f, mem.U0, f.CodeInfo.Code, src, len.U0);
        return ExecStatus.Continue;
    }

    public static ExecStatus ExtCodeSize(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        Address a = Address.FromUInt256(top);
        if (!f.Charge(AccessCost(ref f, a))) return ExecStatus.OutOfGas;
        top = new UInt256((ulong)f.State.GetCode(a).Length);
        return ExecStatus.Continue;
    }

    public static ExecStatus ExtCodeCopy(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        Address a = Address.FromUInt256(t[0]);
        UInt256 mem = t[-1], src = t[-2], len = t[-3];
        f.Sp -= 4;
        if (!f.Charge(AccessCost(ref f, a))) return ExecStatus.OutOfGas;
        if (!ChargeCopy(ref f, mem, len)) return ExecStatus.OutOfGas;
        if (len.IsZero) return ExecStatus.Continue;
        CopyPadded(ref f, mem.U0, f.State.GetCode(a), src, len.U0);
        return ExecStatus.Continue;
    }

    /// <summary>EIP-211: copying past the end of the return data is an exceptional halt.</summary>
    public static ExecStatus ReturnDataCopy(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 mem = t[0], src = t[-1], len = t[-2];
        f.Sp -= 3;
        UInt256 end = UInt256.AddOverflow(src, len, out bool overflow);
        if (overflow || !end.FitsInUlong || end.U0 > (ulong)f.ReturnData.Length) return ExecStatus.ReturnDataOutOfBounds;
        if (!ChargeCopy(ref f, mem, len)) return ExecStatus.OutOfGas;
        if (len.IsZero) return ExecStatus.Continue;
        f.ReturnData.AsSpan((int)src.U0, (int)len.U0).CopyTo(f.MemorySpan((long)mem.U0, (long)len.U0));
        return ExecStatus.Continue;
    }

    /// <summary>EIP-1052: zero for an empty (EIP-161) account, else the code hash.</summary>
    public static ExecStatus ExtCodeHash(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        Address a = Address.FromUInt256(top);
        if (!f.Charge(AccessCost(ref f, a))) return ExecStatus.OutOfGas;
        top = f.State.IsEmpty(a) ? UInt256.Zero : f.State.GetCodeHash(a).ToUInt256();
        return ExecStatus.Continue;
    }
}
