using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Evm.Instructions;

/// <summary>0xa0-0xa4 LOG0..LOG4: 375 + 375 per topic + 8 per byte + memory expansion; forbidden in static calls.</summary>
public static unsafe class Logging
{
    internal static void Register(InstructionSet.Builder b)
    {
        for (int n = 0; n <= 4; n++) b.Set((byte)(0xa0 + n), &Log, GasCost.Log + GasCost.LogTopic * n, n + 2, 0);
    }

    public static ExecStatus Log(ref Frame f)
    {
        if (f.IsStatic) return ExecStatus.StaticStateChange;
        int topics = f.Code[f.Pc - 1] - 0xa0;
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 offset = t[0], length = t[-1];
        if (!f.TryExpandMemory(offset, length)) return ExecStatus.OutOfGas;
        // length fits in 32 bits once memory expansion succeeded (or it is zero).
        if (!f.Charge(GasCost.LogData * (long)length.U0)) return ExecStatus.OutOfGas;
        var hashes = new Hash256[topics];
        for (int i = 0; i < topics; i++) hashes[i] = Hash256.FromUInt256(t[-2 - i]);
        byte[] data = length.IsZero ? [] : f.MemorySpan((long)offset.U0, (long)length.U0).ToArray();
        f.Sp -= topics + 2;
        f.State.AddLog(new LogEntry(f.Address, hashes, data));
        return ExecStatus.Continue;
    }
}
