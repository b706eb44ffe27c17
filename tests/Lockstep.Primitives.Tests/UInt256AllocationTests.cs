using Lockstep.Primitives;
using static Lockstep.Primitives.Tests.UInt256Oracle;

namespace Lockstep.Primitives.Tests;

/// <summary>The arithmetic an EVM runs per opcode must not allocate; the GC's per-thread counter proves it.</summary>
public class UInt256AllocationTests
{
    [Fact]
    public void ArithmeticDoesNotAllocate()
    {
        UInt256[] values = Edges;
        UInt256 sink = Run(values); // first pass: JIT and static initialisation (the reciprocal table) may allocate
        long before = GC.GetAllocatedBytesForCurrentThread();
        sink ^= Run(values);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sink.U0 != 42 || sink.U1 != 42); // keep the results alive
    }

    private static UInt256 Run(UInt256[] values)
    {
        UInt256 acc = UInt256.Zero;
        foreach (UInt256 a in values)
        {
            foreach (UInt256 b in values)
            {
                UInt256.DivRem(a, b, out UInt256 q, out UInt256 r);
                acc ^= q ^ r ^ (a + b) ^ (a - b) ^ (a * b) ^ (a / b) ^ (a % b);
                acc ^= UInt256.SignedDivide(a, b) ^ UInt256.SignedMod(a, b);
                acc ^= UInt256.AddMod(a, b, acc | UInt256.One) ^ UInt256.MulMod(a, b, acc | UInt256.One);
                acc ^= UInt256.AddMod(a, b, b) ^ UInt256.MulMod(a, b, b);
                acc ^= UInt256.Exp(a, b) ^ UInt256.SignExtend(b, a) ^ UInt256.Byte(b, a);
                acc ^= (a << (int)(b.U0 & 511)) ^ (a >> (int)(b.U0 & 511)) ^ UInt256.ShiftRightArithmetic(a, (int)(b.U0 & 511));
            }
        }
        return acc;
    }
}
