using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x20 KECCAK256: 30 + 6 per word + memory expansion.</summary>
public static unsafe class Keccak
{
    internal static void Register(InstructionSet.Builder b) => b.Set(0x20, &Keccak256Op, GasCost.Keccak256, 2, 1);

    public static ExecStatus Keccak256Op(ref Frame f)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 offset = t[0], length = t[-1];
        if (!f.TryExpandMemory(offset, length)) return ExecStatus.OutOfGas;
        if (!f.Charge(GasCost.Keccak256Word * (long)((length.U0 + 31) / 32))) return ExecStatus.OutOfGas;
        // 64 bytes is a mapping slot (keccak256(key ++ slot)): those repeat across transactions (SlotHashCache). Longer
        // inputs up to 1 KB repeat across the two legs of a cross-rollup message (RecentHashCache).
        Hash256 h = length.IsZero ? Keccak256.EmptyHash
            : length.U0 == 64 ? f.Vm.SlotHashes.Compute(f.MemorySpan((long)offset.U0, 64))
            : f.Vm.RecentHashes.Compute(f.MemorySpan((long)offset.U0, (long)length.U0));
        t[-1] = h.ToUInt256();
        f.Sp--;
        return ExecStatus.Continue;
    }
}
