using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Evm;

/// <summary>The outcome of one message call or creation.</summary>
public readonly struct CallResult(ExecStatus status, long gasLeft, byte[] output, Address createdAddress = default)
{
    public ExecStatus Status { get; } = status;
    public long GasLeft { get; } = gasLeft;
    /// <summary>RETURN or REVERT data (for a successful creation: empty; the code is deployed).</summary>
    public byte[] Output { get; } = output;
    public Address CreatedAddress { get; } = createdAddress;
    public bool Success => Status.IsSuccess();
}

/// <summary>
/// The interpreter. One instance per thread; it owns the 1025 pooled stacks, the shared memory buffer and the
/// code-analysis cache, and runs messages against a <see cref="WorldState"/>. Calls recurse (CALL runs the
/// child frame inside the opcode); depth is bounded at 1024 by the protocol, and a stack probe turns a
/// too-small thread stack into a failed call rather than a crash (run on a thread with a few MB of stack).
/// </summary>
public sealed unsafe class VirtualMachine : IDisposable
{
    private readonly UInt256*[] _stacks = new UInt256*[EvmLimits.CallDepthLimit + 2];
    private readonly CodeCache _codeCache = new();
    private readonly InitCodeCache _initCodeCache = new();

    /// <summary>KECCAK256 results of recent 64-byte inputs (mapping slots).</summary>
    public SlotHashCache SlotHashes { get; } = new();

    /// <summary>KECCAK256 results of recent 65..1024-byte inputs (a message hashed on both of its legs).</summary>
    public RecentHashCache RecentHashes { get; } = new();

    public VirtualMachine(InstructionSet? instructions = null) => Instructions = instructions ?? InstructionSet.Cancun;

    public InstructionSet Instructions { get; }
    public SharedMemory Memory { get; } = new();
    public WorldState State { get; private set; } = null!;
    public BlockContext Block { get; private set; } = null!;
    public TxContext Tx { get; private set; } = null!;

    /// <summary>
    /// Set when a call could not run because the thread's stack was nearly exhausted (about 2.5 KB of stack per
    /// call level; 1025 levels need about 4 MB). The result of that run is invalid and must be recomputed on a
    /// thread with a larger stack (<see cref="RequiredStackBytes"/>); TransactionProcessor does this itself.
    /// </summary>
    public bool StackExhausted { get; set; }

    /// <summary>A thread stack that always fits the full 1024-level call depth, with margin.</summary>
    public const int RequiredStackBytes = 64 * 1024 * 1024;

    /// <summary>Sets what the next messages run against.</summary>
    public void Reset(WorldState state, BlockContext block, TxContext tx)
    {
        State = state;
        Block = block;
        Tx = tx;
    }

    private UInt256* StackFor(int depth)
    {
        UInt256* s = _stacks[depth];
        if (s == null)
        {
            // Slack above the 1024 items: a fused run's cycle-breaking temporaries (StackRuns.SlackItems).
            s = (UInt256*)NativeMemory.AlignedAlloc((nuint)((EvmLimits.StackLimit + StackRuns.SlackItems) * sizeof(UInt256)), 32);
            _stacks[depth] = s;
        }
        return s;
    }

    /// <summary>The analysed code of an account, cached by code hash.</summary>
    public CodeInfo GetCodeInfo(in Address address)
    {
        byte[] code = State.GetCode(address);
        return code.Length == 0 ? CodeInfo.Empty : _codeCache.Get(State.GetCodeHash(address), code);
    }

    /// <summary>
    /// Runs a message call (CALL, CALLCODE, DELEGATECALL, STATICCALL or a transaction's call): transfers value
    /// when <paramref name="transfer"/>, runs the precompile or code at <paramref name="codeAddress"/>, and
    /// reverts the state on failure. The caller has checked depth and balance.
    /// </summary>
    public CallResult Call(in Address caller, in Address address, in Address codeAddress, in UInt256 value, bool transfer,
        byte[] input, long gas, int depth, bool isStatic, int memBase)
    {
        Checkpoint cp = State.TakeCheckpoint();
        if (transfer)
        {
            State.SubtractBalance(caller, value);
            State.AddBalance(address, value);
        }
        else if (isStatic)
        {
            // geth touches the target of STATICCALL (a zero-value AddBalance) so EIP-161 cleanup sees it.
            State.AddBalance(address, UInt256.Zero);
        }

        CallResult result;
        if (PrecompileSet.TryGet(codeAddress, out IPrecompile? precompile))
        {
            result = RunPrecompile(precompile, input, gas);
        }
        else
        {
            CodeInfo code = GetCodeInfo(codeAddress);
            if (code.Length == 0) return new CallResult(ExecStatus.Stop, gas, []);
            result = RunFrame(code, address, caller, value, input, gas, depth, isStatic, memBase);
        }

        if (!result.Success) State.RevertTo(cp);
        return result;
    }

    private static CallResult RunPrecompile(IPrecompile precompile, byte[] input, long gas)
    {
        long required = precompile.RequiredGas(input);
        if (required > gas || required < 0) return new CallResult(ExecStatus.OutOfGas, 0, []);
        if (!precompile.TryRun(input, out byte[] output)) return new CallResult(ExecStatus.PrecompileFailure, 0, []);
        return new CallResult(ExecStatus.Return, gas - required, output);
    }

    /// <summary>
    /// Runs a creation at <paramref name="address"/> (CREATE, CREATE2 or a creation transaction). The caller
    /// has checked depth and balance and bumped its nonce. Applies EIP-684/EIP-7610 collision, EIP-161 nonce 1,
    /// EIP-170 code size, EIP-3541 0xEF prefix and the code deposit cost.
    /// </summary>
    public CallResult Create(in Address caller, in Address address, in UInt256 value, ReadOnlySpan<byte> initCode,
        long gas, int depth, int memBase)
    {
        // EIP-2929: the new address is warm even if the creation fails.
        State.WarmAddress(address);
        if (State.GetNonce(address) != 0 || State.GetCodeHash(address) != Keccak256.EmptyHash || State.HasStorage(address))
            return new CallResult(ExecStatus.CreateCollision, 0, [], address);

        Checkpoint cp = State.TakeCheckpoint();
        State.CreateAccount(address);
        State.SetNonce(address, 1);
        State.SubtractBalance(caller, value);
        State.AddBalance(address, value);

        CallResult r = initCode.Length == 0
            ? new CallResult(ExecStatus.Stop, gas, [])
            : RunFrame(_initCodeCache.Get(initCode), address, caller, value, [], gas, depth, false, memBase);

        if (r.Success)
        {
            byte[] code = r.Output;
            long gasLeft = r.GasLeft;
            ExecStatus failure = ExecStatus.Continue;
            if (code.Length > EvmLimits.MaxCodeSize) failure = ExecStatus.CodeSizeExceeded;
            else if (code.Length > 0 && code[0] == 0xEF) failure = ExecStatus.InvalidCodePrefix;
            else if ((gasLeft -= GasCost.CodeDeposit * code.Length) < 0) failure = ExecStatus.OutOfGas;
            if (failure == ExecStatus.Continue)
            {
                State.SetCode(address, code);
                return new CallResult(ExecStatus.Return, gasLeft, [], address);
            }
            State.RevertTo(cp);
            return new CallResult(failure, 0, [], address);
        }
        State.RevertTo(cp);
        return new CallResult(r.Status, r.Status == ExecStatus.Revert ? r.GasLeft : 0, r.Output, address);
    }

    private CallResult RunFrame(CodeInfo code, in Address address, in Address caller, in UInt256 value, byte[] input,
        long gas, int depth, bool isStatic, int memBase)
    {
        // A thread whose stack is nearly used up fails the call instead of overflowing the process stack, and
        // flags it: the result is then not the protocol's, and the caller must re-run on a larger stack.
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            StackExhausted = true;
            return new CallResult(ExecStatus.OutOfGas, 0, []);
        }

        var f = new Frame
        {
            Vm = this,
            State = State,
            Stack = StackFor(depth),
            Code = code.Pointer,
            CodeInfo = code,
            Gas = gas,
            Address = address,
            Caller = caller,
            Value = value,
            Input = input,
            IsStatic = isStatic,
            Depth = depth,
            MemBase = memBase,
            ReturnData = [],
        };
        ExecStatus status = Run(ref f);
        switch (status)
        {
            case ExecStatus.Stop:
            case ExecStatus.SelfDestruct:
                return new CallResult(status, f.Gas, []);
            case ExecStatus.Return:
            case ExecStatus.Revert:
                byte[] output = f.OutLength == 0 ? [] : f.MemorySpan(f.OutOffset, f.OutLength).ToArray();
                return new CallResult(status, f.Gas, output);
            default:
                return new CallResult(status, 0, []);
        }
    }

    /// <summary>
    /// The interpreter loop. Static gas and stack bounds are checked once per basic block (<see cref="CodeAnalysis"/>):
    /// at frame entry, by JUMPDEST (which starts every block it is in), and after a block-ending instruction that
    /// continues (JUMPI not taken, GAS, SSTORE, calls, creates). Stack pointer, pc and gas live in locals; the hottest
    /// simple opcodes (stack shuffles, PUSH1/2, jumps, a few ALU ops) run inline, every other opcode goes through the
    /// fork's handler table with the frame synced.
    /// </summary>
    /// <remarks>
    /// AggressiveOptimization: a transaction usually enters this loop once, so with tiering it would run its
    /// whole loop as tier-0/on-stack-replacement code; loopMul-style cases (1e9 opcodes) spend all their time here.
    /// </remarks>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ExecStatus Run(ref Frame f)
    {
        InstructionSet set = f.Vm.Instructions;
        delegate*<ref Frame, ExecStatus>* handlers = set.Handlers;
        CodeInfo codeInfo = f.CodeInfo;
        CodeAnalysis analysis = codeInfo.GetAnalysis(set);
        // Dispatch on the copy with fused runs marked; handlers keep reading the original through f.Code.
        StackRuns runs = analysis.Runs;
        byte* code = runs.Code;
        int* runAt = runs.RunAt;
        byte* packed = runs.Packed;
        UInt256* constants = runs.Constants;
        // The original code: whether a JUMPDEST is next (a run may have replaced its byte in the dispatch copy).
        byte* original = f.Code;
        BasicBlock* blocks = analysis.Blocks;
        int* blockAt = analysis.BlockAt;
        bool[] endsBlock = set.EndsBlock;
        UInt256* stack = f.Stack;
        int sp = f.Sp, pc = f.Pc;
        long gas = f.Gas;
        ExecStatus s;
        BasicBlock* block;
        StackRun* run;
        // Frame entry enters the first block (a leading JUMPDEST enters it itself).
        if (original[pc] != 0x5b && (gas = EnterBlock(block = blocks + blockAt[pc], sp, gas)) < 0) goto blockFailed;
        while (true)
        {
            int op = code[pc++];
#if OPSTATS
            OpStats[op]++;
#endif
            switch (op)
            {
                case 0x00:
                    s = ExecStatus.Stop;
                    goto exit;
                case 0x01:
                    stack[sp - 2] = UInt256.Add(stack[sp - 1], stack[sp - 2]);
                    sp--;
                    continue;
                case 0x03:
                    stack[sp - 2] = UInt256.Subtract(stack[sp - 1], stack[sp - 2]);
                    sp--;
                    continue;
                case 0x10:
                    stack[sp - 2] = UInt256.LessThan(stack[sp - 1], stack[sp - 2]) ? UInt256.One : default;
                    sp--;
                    continue;
                case 0x11:
                    stack[sp - 2] = UInt256.LessThan(stack[sp - 2], stack[sp - 1]) ? UInt256.One : default;
                    sp--;
                    continue;
                case 0x14:
                    stack[sp - 2] = stack[sp - 1].Equals(stack[sp - 2]) ? UInt256.One : default;
                    sp--;
                    continue;
                case 0x15:
                    stack[sp - 1] = stack[sp - 1].IsZero ? UInt256.One : default;
                    continue;
                case 0x16:
                    stack[sp - 2] = stack[sp - 1] & stack[sp - 2];
                    sp--;
                    continue;
                case 0x50:
                    sp--;
                    continue;
                case 0x56:
                {
                    // The destination is a JUMPDEST, which enters its block.
                    ref UInt256 dest = ref stack[--sp];
                    if (!dest.FitsInUlong || !codeInfo.IsJumpDest(dest.U0)) { s = ExecStatus.InvalidJump; goto exit; }
                    pc = (int)dest.U0;
                    continue;
                }
                case 0x57:
                {
                    sp -= 2;
                    if (stack[sp].IsZero)
                    {
                        if (original[pc] == 0x5b) continue;
                        goto enterBlock;
                    }
                    ref UInt256 dest = ref stack[sp + 1];
                    if (!dest.FitsInUlong || !codeInfo.IsJumpDest(dest.U0)) { s = ExecStatus.InvalidJump; goto exit; }
                    pc = (int)dest.U0;
                    continue;
                }
                case StackRuns.Marker:
                {
                    int ri = runAt[pc - 1];
                    if (ri < 0) goto default; // a real (undefined) 0xb0
                    run = (StackRun*)(packed + ri);
                    goto applyRun;
                }
                case 0x5b:
                    // JUMPDEST starts a block: charge it (this JUMPDEST included) and check its stack bounds.
                    block = blocks + blockAt[pc - 1];
                    goto checkBlock;
                case 0x5f:
                    stack[sp++] = default;
                    continue;
                case 0x60:
                    stack[sp++] = new UInt256(code[pc]);
                    pc++;
                    continue;
                case 0x61:
                    stack[sp++] = new UInt256((ulong)((code[pc] << 8) | code[pc + 1]));
                    pc += 2;
                    continue;
                case 0x80:
                case 0x81:
                case 0x82:
                case 0x83:
                case 0x84:
                case 0x85:
                case 0x86:
                case 0x87:
                case 0x88:
                case 0x89:
                case 0x8a:
                case 0x8b:
                case 0x8c:
                case 0x8d:
                case 0x8e:
                case 0x8f:
                    stack[sp] = stack[sp - (op - 0x7f)];
                    sp++;
                    continue;
                case 0x90:
                case 0x91:
                case 0x92:
                case 0x93:
                case 0x94:
                case 0x95:
                case 0x96:
                case 0x97:
                case 0x98:
                case 0x99:
                case 0x9a:
                case 0x9b:
                case 0x9c:
                case 0x9d:
                case 0x9e:
                case 0x9f:
                {
                    UInt256* top = stack + sp - 1;
                    UInt256* other = top - (op - 0x8f);
                    (*top, *other) = (*other, *top);
                    continue;
                }
                default:
                    f.Sp = sp;
                    f.Pc = pc;
                    f.Gas = gas;
                    s = handlers[op](ref f);
                    sp = f.Sp;
                    pc = f.Pc;
                    gas = f.Gas;
                    if (s != ExecStatus.Continue) goto exit;
                    if (!endsBlock[op] || original[pc] == 0x5b) continue;
                    goto enterBlock;
            }

        // A fused run of stack instructions (StackRuns): its block check when it starts at a JUMPDEST, its jump, then
        // its moves and constant writes. A run that jumps (or falls through a JUMPI) to the start of another run goes
        // straight on to it, without a dispatch (solc's code is mostly such runs, one per basic block).
        applyRun:
            {
                if (run->EnterBlock >= 0 && (gas = EnterRunBlock(run, sp, gas)) < 0)
                {
                    block = blocks + run->EnterBlock;
                    goto blockFailed;
                }
                byte* top = (byte*)(stack + sp - 1);
                int target = StackRuns.NoJump;
                if (run->Jump != 0)
                {
                    bool taken = true;
                    if (run->Jump == 2)
                    {
                        int c = run->CondSource;
                        taken = !(c >= 0 ? *(UInt256*)(top - c * 32) : constants[~c]).IsZero;
                    }
                    if (taken)
                    {
                        target = run->ConstantTarget;
                        if (target == StackRuns.NoJump)
                        {
                            ref UInt256 dest = ref *(UInt256*)(top - run->DestSource * 32);
                            target = dest.FitsInUlong && codeInfo.IsJumpDest(dest.U0) ? (int)dest.U0 : StackRuns.InvalidJump;
                        }
                        if (target == StackRuns.InvalidJump) { s = ExecStatus.InvalidJump; goto exit; }
                    }
                }
                // The moves follow the run in the packed layout, then the constant writes with their values.
                int* move = (int*)(run + 1);
                for (int m = run->MoveCount; m > 0; m--, move += 2)
                    *(UInt256*)(top + move[0]) = *(UInt256*)(top + move[1]);
                byte* write = (byte*)move;
                for (int w = run->ConstantCount; w > 0; w--, write += 40)
                    *(UInt256*)(top + *(int*)write) = *(UInt256*)(write + 8);
                sp += run->SpDelta;
                if (target >= 0)
                {
                    // The target is a JUMPDEST: a run starting there makes its block check itself.
                    int next = runAt[target];
                    if (next >= 0)
                    {
                        run = (StackRun*)(packed + next);
                        pc = target + 1;
                        goto applyRun;
                    }
                    pc = target;
                    continue;
                }
                pc = run->EndPc;
                if (run->Jump == 0) continue;
                // After a JUMPI not taken the next instruction starts a block (a JUMPDEST enters its own).
                if (original[pc] != 0x5b && (gas = EnterBlock(block = blocks + blockAt[pc], sp, gas)) < 0) goto blockFailed;
                int following = runAt[pc];
                if (following >= 0)
                {
                    run = (StackRun*)(packed + following);
                    pc++;
                    goto applyRun;
                }
                continue;
            }

        // Entering the block at pc (not a JUMPDEST: those enter their own block when they run).
        enterBlock:
            block = blocks + blockAt[pc];
        checkBlock:
            if ((gas = EnterBlock(block, sp, gas)) < 0) goto blockFailed;
        }
    blockFailed:
        s = BlockFailure(block, sp, gas);
    exit:
        f.Sp = sp;
        f.Pc = pc;
        f.Gas = gas;
        return s;
    }

    /// <summary>
    /// Enters a basic block (<see cref="CodeAnalysis"/>): checks its stack bounds and charges its static gas, once for
    /// every instruction in it. Returns the gas left, negative when the block cannot run (<see cref="BlockFailure"/>).
    /// </summary>
    /// <remarks>Gas in and out by value, not by ref: a ref to the loop's gas local would keep it out of a register.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long EnterBlock(BasicBlock* block, int sp, long gas)
    {
        // One test for both bounds: below MinSp wraps to a huge unsigned value (Yellow Paper 9.4.2).
        if ((uint)(sp - block->MinSp) > (uint)block->SpRange) return long.MinValue;
        return gas - block->Gas;
    }

    /// <summary>
    /// <see cref="EnterBlock"/> for the block a fused run enters, from the copy of the block's check kept in the run
    /// (<see cref="StackRuns.Packed"/>: one record to read instead of two). Written out rather than sharing a helper
    /// that takes the three fields by value: that form made the JIT load all three before the test (a cmov instead of
    /// the branch) and grew <see cref="Run"/>'s frame by 48 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long EnterRunBlock(StackRun* run, int sp, long gas)
    {
        if ((uint)(sp - run->BlockMinSp) > (uint)run->BlockSpRange) return long.MinValue;
        return gas - run->BlockGas;
    }

    /// <summary>Why <see cref="EnterBlock"/> refused: stack bounds (it returned long.MinValue) or out of gas.</summary>
    private static ExecStatus BlockFailure(BasicBlock* block, int sp, long gas) =>
        gas != long.MinValue ? ExecStatus.OutOfGas
        : sp < block->UnderflowBelow ? ExecStatus.StackUnderflow : ExecStatus.StackOverflow;

#if OPSTATS
    public static readonly long[] OpStats = new long[256];
#endif

    public void Dispose()
    {
        for (int i = 0; i < _stacks.Length; i++)
        {
            if (_stacks[i] != null) NativeMemory.AlignedFree(_stacks[i]);
            _stacks[i] = null;
        }
        GC.SuppressFinalize(this);
    }

    ~VirtualMachine() => Dispose();
}
