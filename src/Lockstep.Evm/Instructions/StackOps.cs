using System.Buffers.Binary;
using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x50 POP, 0x5f PUSH0 (EIP-3855), 0x60-0x7f PUSH1..32, 0x80-0x8f DUP1..16, 0x90-0x9f SWAP1..16.</summary>
public static unsafe class StackOps
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x50, &Pop, GasCost.Base, 1, 0);
        b.Set(0x60, &Push1, GasCost.VeryLow, 0, 1);
        for (int n = 2; n <= 32; n++) b.Set((byte)(0x5f + n), &PushN, GasCost.VeryLow, 0, 1);
        for (int n = 1; n <= 16; n++) b.Set((byte)(0x7f + n), &Dup, GasCost.VeryLow, n, n + 1);
        for (int n = 1; n <= 16; n++) b.Set((byte)(0x8f + n), &Swap, GasCost.VeryLow, n + 1, n + 1);
    }

    public static ExecStatus Pop(ref Frame f) { f.Sp--; return ExecStatus.Continue; }

    public static ExecStatus Push0(ref Frame f) { f.Stack[f.Sp++] = default; return ExecStatus.Continue; }

    public static ExecStatus Push1(ref Frame f)
    {
        f.Stack[f.Sp++] = new UInt256(f.Code[f.Pc]);
        f.Pc++;
        return ExecStatus.Continue;
    }

    /// <summary>PUSH2..PUSH32: the immediate size is the opcode minus 0x5f; the padded code makes reads past the end zero.</summary>
    public static ExecStatus PushN(ref Frame f)
    {
        byte* p = f.Code + f.Pc;
        int n = p[-1] - 0x5f;
        // Right-align the n immediate bytes in a 32-byte big-endian word.
        byte* word = stackalloc byte[32];
        *(UInt256*)word = default;
        Buffer.MemoryCopy(p, word + 32 - n, n, n);
        var span = new ReadOnlySpan<byte>(word, 32);
        f.Stack[f.Sp++] = new UInt256(
            BinaryPrimitives.ReadUInt64BigEndian(span[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(span[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(span[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(span));
        f.Pc += n;
        return ExecStatus.Continue;
    }

    public static ExecStatus Dup(ref Frame f)
    {
        int n = f.Code[f.Pc - 1] - 0x7f;
        f.Stack[f.Sp] = f.Stack[f.Sp - n];
        f.Sp++;
        return ExecStatus.Continue;
    }

    public static ExecStatus Swap(ref Frame f)
    {
        int n = f.Code[f.Pc - 1] - 0x8f;
        UInt256* top = f.Stack + f.Sp - 1;
        (top[0], top[-n]) = (top[-n], top[0]);
        return ExecStatus.Continue;
    }
}
