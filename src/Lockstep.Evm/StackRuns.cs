using System.Runtime.CompilerServices;
using Lockstep.Primitives;

namespace Lockstep.Evm;

/// <summary>
/// A fused run of stack-only instructions (PUSH0-PUSH32, DUP1-16, SWAP1-16, POP), optionally led by the JUMPDEST that
/// starts its block and optionally ended by JUMP or JUMPI: its whole effect on the stack, computed once by
/// <see cref="StackRuns"/>, so the interpreter dispatches once instead of once per instruction. The run replaces the top
/// <see cref="InCount"/> items with <see cref="OutCount"/> items, each a copy of an item that was on the stack before
/// the run or a constant from the code; it is applied as a short list of item moves and constant writes.
/// </summary>
public struct StackRun
{
    /// <summary>Items at the top of the stack the run rewrites (the ones below are left as they are).</summary>
    public int InCount;
    /// <summary>Items written in their place, bottom first.</summary>
    public int OutCount;
    /// <summary><see cref="OutCount"/> - <see cref="InCount"/>: the change of the stack height.</summary>
    public int SpDelta;
    /// <summary>
    /// First entry of this run in the list of moves built during the analysis (a pair of ints per move); the interpreter
    /// reads the moves right after the run in <see cref="StackRuns.Packed"/>.
    /// </summary>
    public int MoveStart;
    /// <summary>Number of item moves.</summary>
    public int MoveCount;
    /// <summary>First entry of this run in the list of constant writes built during the analysis (a pair of ints per write).</summary>
    public int ConstantStart;
    /// <summary>Number of constant writes (applied after the moves).</summary>
    public int ConstantCount;
    /// <summary>pc after the run (after its JUMP or JUMPI when it has one).</summary>
    public int EndPc;
    /// <summary>0: no jump; 1: ends with JUMP; 2: ends with JUMPI.</summary>
    public int Jump;
    /// <summary>Source of the jump destination (JUMP, JUMPI): depth below the top, or ~constant index.</summary>
    public int DestSource;
    /// <summary>Source of the JUMPI condition: depth below the top, or ~constant index.</summary>
    public int CondSource;
    /// <summary>
    /// For a destination that is a constant (PUSH ... JUMP, the usual case): the target pc, checked once by the
    /// analysis, or <see cref="StackRuns.InvalidJump"/>; <see cref="StackRuns.NoJump"/> when the destination comes
    /// from the stack and is checked when the run runs.
    /// </summary>
    public int ConstantTarget;
    /// <summary>
    /// Index of the basic block the run enters when it starts at a JUMPDEST (the interpreter checks that block's gas
    /// and stack bounds first, as the JUMPDEST would have), or -1.
    /// </summary>
    public int EnterBlock;
    /// <summary>The entered block's static gas (<see cref="BasicBlock.Gas"/>), when <see cref="EnterBlock"/> is not -1.</summary>
    public long BlockGas;
    /// <summary>The entered block's <see cref="BasicBlock.MinSp"/>.</summary>
    public int BlockMinSp;
    /// <summary>The entered block's <see cref="BasicBlock.SpRange"/>.</summary>
    public int BlockSpRange;
}

/// <summary>
/// Stack-run fusion, a superinstruction pass over each analysed code: unoptimized Solidity spends most of its
/// instructions shuffling the stack (loopMul's DIV loop: 189 instructions an iteration, 150 of them PUSH, DUP, SWAP,
/// POP, JUMP and JUMPDEST), and the interpreter's cost is mostly the dispatch per instruction. A run of stack-only
/// instructions (two or more, counting a leading JUMPDEST) becomes one fused instruction: its first opcode byte in
/// <see cref="Code"/> (the copy the interpreter reads) is replaced by <see cref="Marker"/>, and <see cref="RunAt"/>
/// maps that pc to the run.
/// </summary>
/// <remarks>
/// Why this is exact: a run lies inside one basic block (none of its instructions starts or ends a block, except a
/// leading JUMPDEST, whose block check the run makes first, and the final JUMP or JUMPI, which ends it), so the block's
/// entry check covers the gas and stack bounds of every instruction in it, and nothing inside a run can fail; JUMP and
/// JUMPI destinations are still checked (a constant one once, here). The net effect is a parallel assignment of the
/// top items; it is sequenced into moves so that no item is overwritten before every move reading it has run, a cycle
/// (SWAP) saving one item to a temporary slot above the stack (<see cref="SlackItems"/>). Constants are written last.
/// <see cref="Marker"/> (0xb0) is undefined in every fork, so a real 0xb0 in the code (RunAt = -1) still halts.
/// The interpreter reads each run from <see cref="Packed"/>: the run, its moves and its constant writes with their
/// values side by side, the entered block's check copied in, so a run costs one or two cache lines, not one in each of
/// five arrays (the runs of a contract's hot path do not stay in L1 between two transactions: a cross-rollup pair
/// executes ~250 of them, and the separate arrays made the interpreter wait on memory at every run).
/// </remarks>
public sealed unsafe class StackRuns
{
    /// <summary>The opcode byte that marks the start of a fused run in <see cref="Code"/>.</summary>
    public const byte Marker = 0xb0;

    /// <summary>Most items a run may write.</summary>
    public const int MaxOutputs = 32;

    /// <summary>Jump target of a run that does not jump (no JUMP, or a JUMPI not taken), or whose destination is dynamic.</summary>
    public const int NoJump = -1;

    /// <summary>Jump target when the destination is not a JUMPDEST.</summary>
    public const int InvalidJump = -2;

    /// <summary>Longest run fused (keeps the symbolic stack within its buffer).</summary>
    private const int MaxOps = 40;

    /// <summary>First temporary slot of a cycle-breaking move, in items above the top before the run (above every output).</summary>
    private const int TempBase = MaxOps + 2;

    /// <summary>Items every EVM stack must have allocated above its 1024 so a run's temporaries fit.</summary>
    public const int SlackItems = TempBase + MaxOutputs / 2 + 6;

    /// <summary>Depth of the original stack the symbolic execution models; a run that reaches deeper ends there.</summary>
    private const int ModelDepth = 48;

    private readonly byte[] _code;
    private readonly int[] _runAt;
    private readonly StackRun[] _runs;
    private readonly UInt256[] _constants;
    private readonly byte[] _packed;

    /// <summary>The padded code with run starts marked (pinned); the interpreter dispatches on this copy.</summary>
    public byte* Code { get; }
    /// <summary>Per pc, the byte offset in <see cref="Packed"/> of the run starting there, or -1 (pinned).</summary>
    public int* RunAt { get; }
    /// <summary>
    /// Every run as the interpreter reads it (pinned): at <see cref="RunAt"/>[pc], the <see cref="StackRun"/>, then its
    /// <see cref="StackRun.MoveCount"/> moves in the order they must run (destination, source: byte offsets from the top
    /// item before the run, 8 bytes each), then its <see cref="StackRun.ConstantCount"/> constant writes (destination
    /// byte offset, 4 bytes of padding, the 32-byte value: 40 bytes each). Records are 8-byte aligned.
    /// </summary>
    public byte* Packed { get; }
    /// <summary>The runs, in code order (pinned; the interpreter reads <see cref="Packed"/>).</summary>
    public StackRun* Runs { get; }
    /// <summary>PUSH constants of all runs (pinned; a jump destination or condition that is a constant is read here).</summary>
    public UInt256* Constants { get; }
    /// <summary>Number of runs.</summary>
    public int Count { get; }

    /// <summary>
    /// Finds and fuses the runs of <paramref name="code"/> (unpadded) for <paramref name="set"/>, given the block index
    /// of each block start (<see cref="CodeAnalysis.BlockAt"/>) and the blocks; nothing is fused when the set defines the marker
    /// opcode, and PUSH0 only where the set defines it.
    /// </summary>
    [SkipLocalsInit]
    public StackRuns(ReadOnlySpan<byte> code, InstructionSet set, ReadOnlySpan<int> blockAt, ReadOnlySpan<BasicBlock> blocks)
    {
        bool enabled = !set.Defined[Marker];
        bool push0 = set.Defined[0x5f];
        _code = GC.AllocateArray<byte>(code.Length + 33, pinned: true);
        code.CopyTo(_code);
        _runAt = GC.AllocateArray<int>(code.Length + 1, pinned: true);
        Array.Fill(_runAt, -1);
        var runs = new List<StackRun>();
        var moves = new List<int>();
        var constantWrites = new List<int>();
        var constants = new List<UInt256>();
        bool[] jumpDests = JumpDests(code);
        Span<int> sym = stackalloc int[ModelDepth + MaxOps + 1];
        var pending = new List<(int Dst, int Src)>(MaxOutputs);
        var runStarts = new List<int>();

        int pc = 0;
        while (pc < code.Length)
        {
            byte op = code[pc];
            int first = pc, enterBlock = -1;
            if (enabled && op == 0x5b && pc + 1 < code.Length && IsStackOnly(code[pc + 1], push0))
            {
                // A JUMPDEST followed by stack instructions: the run enters the JUMPDEST's block itself.
                enterBlock = blockAt[pc];
                first = pc + 1;
            }
            else if (!enabled || !IsStackOnly(op, push0))
            {
                pc += Width(op);
                continue;
            }
            // Symbolic execution: sym[p] for p < len is the item at height p above the modelled bottom.
            for (int p = 0; p < ModelDepth; p++) sym[p] = ModelDepth - 1 - p;
            int len = ModelDepth, ops = enterBlock >= 0 ? 1 : 0, end = first, constantsBefore = constants.Count;
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

            int jump = 0, dest = 0, cond = 0, constantTarget = NoJump;
            if (end < code.Length && (code[end] == 0x56 || code[end] == 0x57) && len >= 2)
            {
                jump = code[end] == 0x56 ? 1 : 2;
                dest = sym[--len];
                if (jump == 2) cond = sym[--len];
                if (dest < 0)
                {
                    UInt256 d = constants[~dest];
                    constantTarget = d.FitsInUlong && d.U0 < (ulong)code.Length && jumpDests[(int)d.U0] ? (int)d.U0 : InvalidJump;
                }
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
                pc += Width(op);
                continue;
            }
            int inCount = ModelDepth - k;
            // Output j lands at item offset j - inCount + 1 from the top; a source at depth s sits at offset -s.
            pending.Clear();
            int constantStart = constantWrites.Count / 2;
            for (int j = 0; j < outCount; j++)
            {
                int source = sym[k + j], at = j - inCount + 1;
                if (source < 0)
                {
                    constantWrites.Add(at * 32);
                    constantWrites.Add(~source);
                }
                else if (-source != at)
                {
                    pending.Add((at, -source));
                }
            }
            int moveStart = moves.Count / 2;
            Sequence(pending, moves);
            runStarts.Add(pc);
            runs.Add(new StackRun
            {
                InCount = inCount,
                OutCount = outCount,
                SpDelta = outCount - inCount,
                MoveStart = moveStart,
                MoveCount = moves.Count / 2 - moveStart,
                ConstantStart = constantStart,
                ConstantCount = constantWrites.Count / 2 - constantStart,
                EndPc = end,
                Jump = jump,
                DestSource = dest,
                CondSource = cond,
                ConstantTarget = constantTarget,
                EnterBlock = enterBlock,
                BlockGas = enterBlock >= 0 ? blocks[enterBlock].Gas : 0,
                BlockMinSp = enterBlock >= 0 ? blocks[enterBlock].MinSp : 0,
                BlockSpRange = enterBlock >= 0 ? blocks[enterBlock].SpRange : 0,
            });
            _code[pc] = Marker;
            pc = end;
        }

        Count = runs.Count;
        _runs = GC.AllocateArray<StackRun>(Math.Max(runs.Count, 1), pinned: true);
        runs.CopyTo(_runs);
        _constants = GC.AllocateArray<UInt256>(Math.Max(constants.Count, 1), pinned: true);
        constants.CopyTo(_constants);
        _packed = Pack(runs, runStarts, moves, constantWrites, constants, _runAt);
        Packed = (byte*)Unsafe.AsPointer(ref _packed[0]);
        Code = (byte*)Unsafe.AsPointer(ref _code[0]);
        RunAt = (int*)Unsafe.AsPointer(ref _runAt[0]);
        Runs = (StackRun*)Unsafe.AsPointer(ref _runs[0]);
        Constants = (UInt256*)Unsafe.AsPointer(ref _constants[0]);
    }

    /// <summary>Lays the runs out as <see cref="Packed"/> describes and points <paramref name="runAt"/> at them.</summary>
    private static byte[] Pack(List<StackRun> runs, List<int> runStarts, List<int> moves, List<int> constantWrites,
        List<UInt256> constants, int[] runAt)
    {
        int size = 0;
        foreach (StackRun r in runs) size += sizeof(StackRun) + 8 * r.MoveCount + 40 * r.ConstantCount;
        byte[] packed = GC.AllocateArray<byte>(Math.Max(size, 8), pinned: true);
        int at = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            StackRun r = runs[i];
            runAt[runStarts[i]] = at;
            Unsafe.WriteUnaligned(ref packed[at], r);
            at += sizeof(StackRun);
            for (int m = 0; m < r.MoveCount; m++, at += 8)
            {
                Unsafe.WriteUnaligned(ref packed[at], moves[2 * (r.MoveStart + m)]);
                Unsafe.WriteUnaligned(ref packed[at + 4], moves[2 * (r.MoveStart + m) + 1]);
            }
            for (int w = 0; w < r.ConstantCount; w++, at += 40)
            {
                Unsafe.WriteUnaligned(ref packed[at], constantWrites[2 * (r.ConstantStart + w)]);
                Unsafe.WriteUnaligned(ref packed[at + 8], constants[constantWrites[2 * (r.ConstantStart + w) + 1]]);
            }
        }
        return packed;
    }

    /// <summary>
    /// Orders a parallel assignment of item slots (every destination distinct, none equal to its source) into
    /// sequential moves appended to <paramref name="moves"/> as byte-offset pairs: a move runs once no pending move
    /// still reads its destination; when only cycles are left, one destination is first saved to a temporary slot
    /// and its readers read that instead.
    /// </summary>
    private static void Sequence(List<(int Dst, int Src)> pending, List<int> moves)
    {
        int temp = TempBase;
        while (pending.Count > 0)
        {
            int ready = -1;
            for (int i = 0; i < pending.Count && ready < 0; i++)
            {
                bool read = false;
                for (int j = 0; j < pending.Count && !read; j++) read = j != i && pending[j].Src == pending[i].Dst;
                if (!read) ready = i;
            }
            if (ready >= 0)
            {
                moves.Add(pending[ready].Dst * 32);
                moves.Add(pending[ready].Src * 32);
                pending.RemoveAt(ready);
                continue;
            }
            int saved = pending[0].Dst;
            moves.Add(temp * 32);
            moves.Add(saved * 32);
            for (int j = 0; j < pending.Count; j++)
                if (pending[j].Src == saved) pending[j] = (pending[j].Dst, temp);
            temp++;
        }
    }

    /// <summary>JUMPDEST positions of <paramref name="code"/> (not inside PUSH data).</summary>
    private static bool[] JumpDests(ReadOnlySpan<byte> code)
    {
        var dests = new bool[code.Length];
        for (int i = 0; i < code.Length; i += Width(code[i]))
            if (code[i] == 0x5b) dests[i] = true;
        return dests;
    }

    /// <summary>Bytes of the instruction starting with <paramref name="op"/> (PUSH1..PUSH32 carry immediates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Width(byte op) => op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;

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
