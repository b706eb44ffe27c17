using System.Runtime.CompilerServices;

namespace Lockstep.Evm;

/// <summary>
/// An immutable per-fork opcode table: handler pointer, static gas and stack bounds for each of the 256
/// opcodes. Built once by chained builders (<see cref="Builder.EnableEip3855"/> style) and never mutated after.
/// The arrays live in the pinned object heap; the interpreter loop reads them through raw pointers.
/// </summary>
public sealed unsafe class InstructionSet
{
    /// <summary>Handlers; undefined opcodes point at <see cref="Instructions.ControlFlow.Invalid"/>.</summary>
    public readonly delegate*<ref Frame, ExecStatus>* Handlers;
    /// <summary>Gas charged before the handler runs.</summary>
    public readonly long* StaticGas;
    /// <summary>Items the opcode pops (stack underflow below this).</summary>
    public readonly int* MinStack;
    /// <summary>Largest stack height before the opcode that does not overflow 1024 afterwards.</summary>
    public readonly int* MaxStack;
    /// <summary>
    /// <see cref="MaxStack"/> minus <see cref="MinStack"/>: the interpreter tests both bounds with one unsigned
    /// comparison, <c>(uint)(sp - MinStack[op]) &gt; (uint)StackRange[op]</c> (an underflow wraps to a huge value).
    /// </summary>
    public readonly int* StackRange;
    /// <summary>Which opcodes this fork defines.</summary>
    public readonly bool[] Defined;
    /// <summary>Pushes minus pops of each opcode (code analysis; 0 for undefined opcodes).</summary>
    internal readonly int[] StackDelta = new int[256];
    /// <summary>
    /// Opcodes that end a basic block (<see cref="CodeAnalysis"/>): those that halt or jump, and those that read the
    /// gas left (GAS, SSTORE's EIP-2200 stipend check, the CALL and CREATE families' 63/64 rule), which must see
    /// exactly the static gas charged up to and including themselves. Undefined opcodes halt.
    /// </summary>
    internal readonly bool[] EndsBlock = new bool[256];

    public string Name { get; }

    private InstructionSet(string name, Builder b)
    {
        Name = name;
        var handlers = GC.AllocateArray<nint>(256, pinned: true);
        var gas = GC.AllocateArray<long>(256, pinned: true);
        var min = GC.AllocateArray<int>(256, pinned: true);
        var max = GC.AllocateArray<int>(256, pinned: true);
        var range = GC.AllocateArray<int>(256, pinned: true);
        Defined = new bool[256];
        for (int op = 0; op < 256; op++)
        {
            Entry e = b.Entries[op];
            if (e.Handler == null)
            {
                handlers[op] = (nint)(delegate*<ref Frame, ExecStatus>)&Instructions.ControlFlow.Invalid;
                // Any stack height passes the bounds check so the handler reports InvalidOpcode, not a stack error.
                max[op] = EvmLimits.StackLimit;
                range[op] = EvmLimits.StackLimit;
                EndsBlock[op] = true;
                continue;
            }
            Defined[op] = true;
            handlers[op] = (nint)e.Handler;
            gas[op] = e.StaticGas;
            min[op] = e.Pops;
            max[op] = EvmLimits.StackLimit - Math.Max(0, e.Pushes - e.Pops);
            range[op] = max[op] - min[op];
            StackDelta[op] = e.Pushes - e.Pops;
        }
        foreach (byte op in (ReadOnlySpan<byte>)[0x00, 0x55, 0x56, 0x57, 0x5a, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xfa, 0xfd, 0xfe, 0xff])
            EndsBlock[op] = true;
        Handlers = (delegate*<ref Frame, ExecStatus>*)Unsafe.AsPointer(ref handlers[0]);
        StaticGas = (long*)Unsafe.AsPointer(ref gas[0]);
        MinStack = (int*)Unsafe.AsPointer(ref min[0]);
        MaxStack = (int*)Unsafe.AsPointer(ref max[0]);
        StackRange = (int*)Unsafe.AsPointer(ref range[0]);
        _keepAlive = [handlers, gas, min, max, range];
    }

    private readonly object[] _keepAlive;

    /// <summary>Cancun (Dencun) rules.</summary>
    public static InstructionSet Cancun { get; } = new("Cancun", Builder.Shanghai().EnableCancun());

    internal struct Entry
    {
        public delegate*<ref Frame, ExecStatus> Handler;
        public long StaticGas;
        public int Pops, Pushes;
    }

    /// <summary>Builds one fork's table from its predecessor.</summary>
    internal sealed class Builder
    {
        public readonly Entry[] Entries = new Entry[256];

        public Builder Set(byte op, delegate*<ref Frame, ExecStatus> handler, long gas, int pops, int pushes)
        {
            Entries[op] = new Entry { Handler = handler, StaticGas = gas, Pops = pops, Pushes = pushes };
            return this;
        }

        /// <summary>Everything up to and including Shanghai (PUSH0, EIP-3855) with Berlin/London gas rules.</summary>
        public static Builder Shanghai()
        {
            var b = new Builder();
            Instructions.Arithmetic.Register(b);
            Instructions.Bitwise.Register(b);
            Instructions.Keccak.Register(b);
            Instructions.Environment.Register(b);
            Instructions.BlockInfo.Register(b);
            Instructions.StackOps.Register(b);
            Instructions.MemoryOps.Register(b);
            Instructions.StorageOps.Register(b);
            Instructions.ControlFlow.Register(b);
            Instructions.Logging.Register(b);
            Instructions.SystemOps.Register(b);
            return b.EnableEip3855();
        }

        /// <summary>EIP-3855: PUSH0.</summary>
        public Builder EnableEip3855() => Set(0x5f, &Instructions.StackOps.Push0, GasCost.Base, 0, 1);

        /// <summary>Cancun: EIP-1153, EIP-5656, EIP-4844 BLOBHASH, EIP-7516, EIP-6780.</summary>
        public Builder EnableCancun()
        {
            // EIP-1153: transient storage.
            Set(0x5c, &Instructions.StorageOps.TLoad, GasCost.TransientEip1153, 1, 1);
            Set(0x5d, &Instructions.StorageOps.TStore, GasCost.TransientEip1153, 2, 0);
            // EIP-5656: MCOPY.
            Set(0x5e, &Instructions.MemoryOps.MCopy, GasCost.VeryLow, 3, 0);
            // EIP-4844: BLOBHASH.
            Set(0x49, &Instructions.BlockInfo.BlobHash, GasCost.BlobHashEip4844, 1, 1);
            // EIP-7516: BLOBBASEFEE.
            Set(0x4a, &Instructions.BlockInfo.BlobBaseFee, GasCost.Base, 0, 1);
            // EIP-6780: SELFDESTRUCT only deletes accounts created in the same transaction.
            Set(0xff, &Instructions.SystemOps.SelfDestruct6780, GasCost.SelfDestructEip150, 1, 0);
            return this;
        }
    }
}
