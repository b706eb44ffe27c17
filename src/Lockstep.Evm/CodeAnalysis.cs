using System.Runtime.CompilerServices;

namespace Lockstep.Evm;

/// <summary>What entering one basic block costs and requires.</summary>
public struct BasicBlock
{
    /// <summary>Sum of the static gas of every instruction in the block.</summary>
    public long Gas;
    /// <summary>Smallest stack height at entry for which no instruction in the block underflows.</summary>
    public int MinSp;
    /// <summary>
    /// Largest entry height minus <see cref="MinSp"/> for which no instruction overflows 1024; the interpreter tests
    /// both bounds with <c>(uint)(sp - MinSp) &gt; (uint)SpRange</c>.
    /// </summary>
    public int SpRange;
    /// <summary>
    /// When the check fails: entry heights below this underflow, others overflow (the error reported; both are
    /// exceptional halts with the same effect).
    /// </summary>
    public int UnderflowBelow;
}

/// <summary>
/// Basic-block analysis of a code for one instruction set (the idea of evmone's "advanced" interpreter, issue 2):
/// a block starts at pc 0, at every JUMPDEST and after every instruction that ends a block
/// (<see cref="InstructionSet.EndsBlock"/>), and ends at the next such instruction. The interpreter charges a
/// block's static gas and checks its stack bounds once, when it enters the block, instead of per instruction.
/// </summary>
/// <remarks>
/// Why this is exact: inside a block nothing reads the gas left (those opcodes end their block, so they see the
/// same gas as with per-instruction charging), and execution cannot leave a block early except by an exceptional
/// halt, which fails the frame and consumes all its gas whichever instruction caused it. So "the block does not
/// fit" at entry and "some instruction of the block runs out of gas or stack" are the same outcome; a dynamic
/// charge inside the block fails with precharging exactly when the block's total need exceeds the gas.
/// </remarks>
public sealed unsafe class CodeAnalysis
{
    private readonly BasicBlock[] _blocks;
    private readonly int[] _blockAt;

    /// <summary>The instruction set the analysis was made for.</summary>
    public InstructionSet Instructions { get; }

    /// <summary>The blocks (pinned).</summary>
    public BasicBlock* Blocks { get; }

    /// <summary>
    /// Index into <see cref="Blocks"/> of the block starting at a pc; only meaningful where a block starts.
    /// Covers pc 0..code length (the implicit STOP after the code is a block of its own when reached after a
    /// block-ending instruction).
    /// </summary>
    public int* BlockAt { get; }

    /// <summary>Number of blocks.</summary>
    public int BlockCount { get; }

    /// <summary>The fused stack-instruction runs and the marked code the interpreter dispatches on.</summary>
    public StackRuns Runs { get; }

    private const int ImpossibleMinSp = EvmLimits.StackLimit + 1;

    /// <summary>Analyses <paramref name="code"/> (unpadded) for <paramref name="set"/>.</summary>
    public CodeAnalysis(ReadOnlySpan<byte> code, InstructionSet set)
    {
        Instructions = set;
        long* staticGas = set.StaticGas;
        int* minStack = set.MinStack;
        int* maxStack = set.MaxStack;
        int[] delta = set.StackDelta;
        bool[] endsBlock = set.EndsBlock;

        _blockAt = GC.AllocateArray<int>(code.Length + 1, pinned: true);
        // At most one block per instruction, plus the implicit STOP; grown on demand.
        var blocks = new BasicBlock[Math.Min(code.Length + 1, 64)];
        int count = 0;

        long gas = 0;
        int d = 0, minSp = 0, maxSp = EvmLimits.StackLimit, start = 0;
        bool open = true;
        for (int pc = 0; pc < code.Length; pc++)
        {
            byte op = code[pc];
            if (op == 0x5b && open && pc != start)
            {
                Close(ref blocks, ref count, start, gas, minSp, maxSp);
                open = false;
            }
            if (!open)
            {
                open = true; start = pc; gas = 0; d = 0; minSp = 0; maxSp = EvmLimits.StackLimit;
            }
            gas += staticGas[op];
            minSp = Math.Max(minSp, minStack[op] - d);
            maxSp = Math.Min(maxSp, maxStack[op] - d);
            d += delta[op];
            if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f; // skip PUSH1..PUSH32 immediates
            if (endsBlock[op])
            {
                Close(ref blocks, ref count, start, gas, minSp, maxSp);
                open = false;
            }
        }
        if (open) Close(ref blocks, ref count, start, gas, minSp, maxSp);
        else Close(ref blocks, ref count, code.Length, 0, 0, EvmLimits.StackLimit); // the implicit STOP

        _blocks = GC.AllocateArray<BasicBlock>(count, pinned: true);
        blocks.AsSpan(0, count).CopyTo(_blocks);
        BlockCount = count;
        Blocks = (BasicBlock*)Unsafe.AsPointer(ref _blocks[0]);
        BlockAt = (int*)Unsafe.AsPointer(ref _blockAt[0]);
        Runs = new StackRuns(code, set, _blockAt, _blocks);
    }

    private void Close(ref BasicBlock[] blocks, ref int count, int start, long gas, int minSp, int maxSp)
    {
        if (count == blocks.Length) Array.Resize(ref blocks, blocks.Length * 2);
        // A block that no entry height satisfies (e.g. more than 1024 pushes in a row) always fails its check:
        // a MinSp above the stack limit makes sp - MinSp negative, which the unsigned test rejects
        // (UnderflowBelow still tells which error to report).
        blocks[count] = maxSp < minSp
            ? new BasicBlock { Gas = gas, MinSp = ImpossibleMinSp, SpRange = 0, UnderflowBelow = minSp }
            : new BasicBlock { Gas = gas, MinSp = minSp, SpRange = maxSp - minSp, UnderflowBelow = minSp };
        _blockAt[start] = count++;
    }
}
