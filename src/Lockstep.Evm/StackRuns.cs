using System.Runtime.CompilerServices;
using Lockstep.Primitives;

namespace Lockstep.Evm;

/// <summary>
/// A fused run of stack-only instructions (PUSH0-PUSH32, DUP1-16, SWAP1-16, POP), optionally ended by JUMP or JUMPI:
/// its whole effect on the stack, computed once by <see cref="StackRuns"/>, so the interpreter dispatches once instead
/// of once per instruction. The run replaces the top <see cref="InCount"/> items with <see cref="OutCount"/> items,
/// each a copy of an item that was on the stack before the run or a constant from the code.
/// </summary>
public struct StackRun
{
    /// <summary>Items at the top of the stack the run rewrites (the ones below are left as they are).</summary>
    public int InCount;
    /// <summary>Items written in their place, bottom first.</summary>
    public int OutCount;
    /// <summary>Index into <see cref="StackRuns.Sources"/> of the first output's source.</summary>
    public int SourceStart;
    /// <summary>pc after the run (after its JUMP or JUMPI when it has one).</summary>
    public int EndPc;
    /// <summary>0: no jump; 1: ends with JUMP; 2: ends with JUMPI.</summary>
    public int Jump;
    /// <summary>Source of the jump destination (JUMP, JUMPI).</summary>
    public int DestSource;
    /// <summary>Source of the JUMPI condition.</summary>
    public int CondSource;
    /// <summary>
    /// True when the outputs can be written in order straight over the inputs: no output reads a slot that an
    /// earlier output has overwritten (most runs; the others gather into a scratch buffer first).
    /// </summary>
    public bool Direct;
}

/// <summary>
/// Stack-run fusion, a superinstruction pass over each analysed code: unoptimized Solidity spends most of its
/// instructions shuffling the stack (loopMul's DIV loop: 189 instructions an iteration, 150 of them PUSH, DUP, SWAP,
/// POP, JUMP and JUMPDEST), and the interpreter's cost is mostly the dispatch per instruction. A run of two or more
/// stack-only instructions becomes one fused instruction: its first opcode byte in <see cref="Code"/> (the copy the
/// interpreter reads) is replaced by <see cref="Marker"/>, and <see cref="RunAt"/> maps that pc to the run.
/// </summary>
/// <remarks>
/// Why this is exact: a run lies inside one basic block (none of its instructions starts or ends a block, except the
/// final JUMP or JUMPI, which ends it), so the block's entry check already covered the gas and stack bounds of every
/// instruction in it, and nothing inside a run can fail; JUMP and JUMPI destinations are still checked when they run.
/// A source value &gt;= 0 is an item's depth below the top before the run (0 = top); a negative value s is constant ~s.
/// <see cref="Marker"/> (0xb0) is undefined in every fork, so a real 0xb0 in the code (RunAt = -1) still halts.
/// </remarks>
public sealed unsafe class StackRuns
{
    /// <summary>The opcode byte that marks the start of a fused run in <see cref="Code"/>.</summary>
    public const byte Marker = 0xb0;

    /// <summary>Most items a run may write (the size of the virtual machine's scratch buffer).</summary>
    public const int MaxOutputs = 32;

    /// <summary><see cref="Apply"/>'s jump target when the run does not jump (no JUMP, or a JUMPI not taken).</summary>
    public const int NoJump = -1;

    /// <summary><see cref="Apply"/>'s jump target when the destination is not a JUMPDEST (the stack is left unchanged).</summary>
    public const int InvalidJump = -2;

    /// <summary>Depth of the original stack the symbolic execution models; a run that reaches deeper ends there.</summary>
    private const int ModelDepth = 48;

    /// <summary>Longest run fused (keeps the symbolic stack within its buffer).</summary>
    private const int MaxOps = 40;

    private readonly byte[] _code;
    private readonly int[] _runAt;
    private readonly StackRun[] _runs;
    private readonly int[] _sources;
    private readonly UInt256[] _constants;

    /// <summary>The padded code with run starts marked (pinned); the interpreter dispatches on this copy.</summary>
    public byte* Code { get; }
    /// <summary>Per pc, the index of the run starting there, or -1 (pinned).</summary>
    public int* RunAt { get; }
    /// <summary>The runs (pinned).</summary>
    public StackRun* Runs { get; }
    /// <summary>Output sources of all runs (pinned).</summary>
    public int* Sources { get; }
    /// <summary>PUSH constants of all runs (pinned).</summary>
    public UInt256* Constants { get; }
    /// <summary>Number of runs.</summary>
    public int Count => _runs.Length;

    /// <summary>
    /// Finds and fuses the runs of <paramref name="code"/> (unpadded) for <paramref name="set"/>; nothing is fused when
    /// the set defines the marker opcode, and PUSH0 only where the set defines it.
    /// </summary>
    [SkipLocalsInit]
    public StackRuns(ReadOnlySpan<byte> code, InstructionSet set)
    {
        bool enabled = !set.Defined[Marker];
        bool push0 = set.Defined[0x5f];
        _code = GC.AllocateArray<byte>(code.Length + 33, pinned: true);
        code.CopyTo(_code);
        _runAt = GC.AllocateArray<int>(code.Length + 1, pinned: true);
        Array.Fill(_runAt, -1);
        var runs = new List<StackRun>();
        var sources = new List<int>();
        var constants = new List<UInt256>();
        Span<int> sym = stackalloc int[ModelDepth + MaxOps + 1];

        int pc = 0;
        while (pc < code.Length)
        {
            byte op = code[pc];
            if (!enabled || !IsStackOnly(op, push0))
            {
                pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
                continue;
            }
            // Symbolic execution: sym[p] for p < len is the item at height p above the modelled bottom.
            for (int p = 0; p < ModelDepth; p++) sym[p] = ModelDepth - 1 - p;
            int len = ModelDepth, ops = 0, end = pc, constantsBefore = constants.Count;
            while (end < code.Length && ops < MaxOps)
            {
                byte o = code[end];
                if ((o >= 0x60 && o <= 0x7f) || (o == 0x5f && push0))
                {
                    constants.Add(ReadPush(code, end, o - 0x5f));
                    sym[len++] = ~(constants.Count - 1);
                    end += 1 + (o - 0x5f);
                }
                else if (o >= 0x80 && o <= 0x8f)
                {
                    int n = o - 0x7f;
                    if (len - n < 0) break;
                    sym[len] = sym[len - n];
                    len++;
                    end++;
                }
                else if (o >= 0x90 && o <= 0x9f)
                {
                    int n = o - 0x8f;
                    if (len - 1 - n < 0) break;
                    (sym[len - 1], sym[len - 1 - n]) = (sym[len - 1 - n], sym[len - 1]);
                    end++;
                }
                else if (o == 0x50)
                {
                    if (len == 0) break;
                    len--;
                    end++;
                }
                else break;
                ops++;
            }

            int jump = 0, dest = 0, cond = 0;
            if (end < code.Length && (code[end] == 0x56 || code[end] == 0x57) && len >= 2)
            {
                jump = code[end] == 0x56 ? 1 : 2;
                dest = sym[--len];
                if (jump == 2) cond = sym[--len];
                end++;
                ops++;
            }

            int k = 0;
            while (k < len && k < ModelDepth && sym[k] == ModelDepth - 1 - k) k++;
            int outCount = len - k;
            if (ops < 2 || outCount > MaxOutputs)
            {
                // Not worth a run (or too wide): leave the first instruction to the interpreter and move on.
                constants.RemoveRange(constantsBefore, constants.Count - constantsBefore);
                pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
                continue;
            }
            int inCount = ModelDepth - k;
            bool direct = true;
            for (int j = 0; j < outCount && direct; j++)
            {
                // Output j lands on the item at depth inCount - 1 - j; a later output must not read that item.
                for (int later = j + 1; later < outCount; later++)
                {
                    if (sym[k + later] == inCount - 1 - j) { direct = false; break; }
                }
            }
            _runAt[pc] = runs.Count;
            runs.Add(new StackRun
            {
                InCount = inCount,
                Direct = direct,
                OutCount = outCount,
                SourceStart = sources.Count,
                EndPc = end,
                Jump = jump,
                DestSource = dest,
                CondSource = cond,
            });
            for (int p = k; p < len; p++) sources.Add(sym[p]);
            _code[pc] = Marker;
            pc = end;
        }

        _runs = GC.AllocateArray<StackRun>(Math.Max(runs.Count, 1), pinned: true);
        runs.CopyTo(_runs);
        _sources = GC.AllocateArray<int>(Math.Max(sources.Count, 1), pinned: true);
        sources.CopyTo(_sources);
        _constants = GC.AllocateArray<UInt256>(Math.Max(constants.Count, 1), pinned: true);
        constants.CopyTo(_constants);
        Code = (byte*)Unsafe.AsPointer(ref _code[0]);
        RunAt = (int*)Unsafe.AsPointer(ref _runAt[0]);
        Runs = (StackRun*)Unsafe.AsPointer(ref _runs[0]);
        Sources = (int*)Unsafe.AsPointer(ref _sources[0]);
        Constants = (UInt256*)Unsafe.AsPointer(ref _constants[0]);
    }

    /// <summary>
    /// Applies <paramref name="run"/> to the stack whose <paramref name="sp"/> items start at <paramref name="stack"/>:
    /// gathers the outputs into <paramref name="scratch"/> (at least <see cref="MaxOutputs"/> items), reads the jump
    /// destination and condition, then writes the outputs over the inputs. Returns the new stack height in the low 32
    /// bits and the jump target in the high 32 bits (<see cref="NoJump"/> or <see cref="InvalidJump"/> otherwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Apply(StackRuns runs, StackRun* run, UInt256* stack, int sp, UInt256* scratch, CodeInfo codeInfo)
    {
        UInt256* top = stack + sp - 1;
        UInt256* constants = runs.Constants;
        int* src = runs.Sources + run->SourceStart;
        int outCount = run->OutCount;
        long target = NoJump;
        if (run->Jump != 0)
        {
            int d = run->DestSource;
            UInt256* dest = d >= 0 ? top - d : constants + ~d;
            bool taken = true;
            if (run->Jump == 2)
            {
                int c = run->CondSource;
                taken = !(c >= 0 ? top[-c] : constants[~c]).IsZero;
            }
            if (taken)
            {
                if (!dest->FitsInUlong || !codeInfo.IsJumpDest(dest->U0)) return ((long)InvalidJump << 32) | (uint)sp;
                target = (long)dest->U0;
            }
        }
        // The jump operands are read above, before any output overwrites them.
        UInt256* to = stack + sp - run->InCount;
        if (run->Direct)
        {
            for (int i = 0; i < outCount; i++)
            {
                int from = src[i];
                to[i] = from >= 0 ? top[-from] : constants[~from];
            }
        }
        else
        {
            for (int i = 0; i < outCount; i++)
            {
                int from = src[i];
                scratch[i] = from >= 0 ? top[-from] : constants[~from];
            }
            for (int i = 0; i < outCount; i++) to[i] = scratch[i];
        }
        return (target << 32) | (uint)(sp - run->InCount + outCount);
    }

    /// <summary>PUSH0-PUSH32, DUP1-16, SWAP1-16 and POP: instructions that only move stack items (the same in every fork since Shanghai).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsStackOnly(byte op, bool push0) => (op >= 0x60 && op <= 0x9f) || op == 0x50 || (op == 0x5f && push0);

    /// <summary>The immediate of a PUSHn at <paramref name="pc"/>; bytes past the end of the code read as zero (Yellow Paper 9.4.1).</summary>
    private static UInt256 ReadPush(ReadOnlySpan<byte> code, int pc, int n)
    {
        Span<byte> word = stackalloc byte[32];
        word.Clear();
        int available = Math.Min(n, code.Length - pc - 1);
        if (available > 0) code.Slice(pc + 1, available).CopyTo(word[(32 - n)..]);
        return new UInt256(word);
    }
}
