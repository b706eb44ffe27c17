using System.Runtime.CompilerServices;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Evm;

/// <summary>
/// One call frame: stack pointer, program counter, gas, memory window and the message. Opcodes receive it by
/// reference; it lives on the native stack of <see cref="VirtualMachine.Run"/>.
/// </summary>
public unsafe struct Frame
{
    public VirtualMachine Vm;
    public WorldState State;
    /// <summary>Bottom of this frame's 1024-item stack; <see cref="Sp"/> items are live.</summary>
    public UInt256* Stack;
    public int Sp;
    public int Pc;
    /// <summary>Gas left; signed so opcodes subtract and test for negative once.</summary>
    public long Gas;
    public byte* Code;
    public CodeInfo CodeInfo;

    public Address Address;
    public Address Caller;
    public UInt256 Value;
    public byte[] Input;
    public bool IsStatic;
    public int Depth;

    /// <summary>Offset of this frame's memory in the shared buffer.</summary>
    public int MemBase;
    /// <summary>Active memory in bytes (a multiple of 32).</summary>
    public long MemSize;

    /// <summary>Output of the last call or create made by this frame (EIP-211).</summary>
    public byte[] ReturnData;
    /// <summary>Memory region RETURN/REVERT selected as this frame's output.</summary>
    public long OutOffset, OutLength;

    /// <summary>The item <paramref name="i"/> places below the top (0 = top).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref UInt256 Peek(int i) => ref Stack[Sp - 1 - i];

    /// <summary>This frame's memory from <paramref name="offset"/> (already expanded and paid for).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> MemorySpan(long offset, long length) => Vm.Memory.Buffer.AsSpan(MemBase + (int)offset, (int)length);

    /// <summary>
    /// Charges the Yellow Paper memory expansion (3·words + words²/512, difference to the current size) for the
    /// range and grows the memory. A zero length never expands. False means out of gas.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryExpandMemory(in UInt256 offset, in UInt256 length)
    {
        if (length.IsZero) return true;
        if ((offset.U1 | offset.U2 | offset.U3 | length.U1 | length.U2 | length.U3) != 0) return false;
        return TryExpandMemory(offset.U0, length.U0);
    }

    /// <summary>As above with 64-bit values (length non-zero).</summary>
    public bool TryExpandMemory(ulong offset, ulong length)
    {
        if (length == 0) return true;
        if (offset > SharedMemory.MaxTotal || length > SharedMemory.MaxTotal) return false;
        long end = (long)(offset + length);
        if (end <= MemSize) return true;
        return ExpandSlow(end);
    }

    private bool ExpandSlow(long end)
    {
        long newWords = (end + 31) / 32;
        long oldWords = MemSize / 32;
        if (MemBase + newWords * 32 > SharedMemory.MaxTotal) return false;
        long cost = GasCost.Memory * newWords + newWords * newWords / GasCost.QuadCoeffDiv
                    - (GasCost.Memory * oldWords + oldWords * oldWords / GasCost.QuadCoeffDiv);
        Gas -= cost;
        if (Gas < 0) return false;
        Vm.Memory.Grow(MemBase, MemSize, newWords * 32);
        MemSize = newWords * 32;
        return true;
    }

    /// <summary>Charges <paramref name="cost"/>; false when the frame runs out of gas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Charge(long cost) => (Gas -= cost) >= 0;
}
