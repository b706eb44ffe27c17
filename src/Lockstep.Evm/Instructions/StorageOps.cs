using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x54 SLOAD, 0x55 SSTORE (EIP-2200 with EIP-2929 and EIP-3529), 0x5c/0x5d TLOAD/TSTORE (EIP-1153).</summary>
public static unsafe class StorageOps
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x54, &SLoad, GasCost.Zero, 1, 1);
        b.Set(0x55, &SStore, GasCost.Zero, 2, 0);
    }

    /// <summary>EIP-2929: 2100 for a cold slot, 100 for a warm one.</summary>
    public static ExecStatus SLoad(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        long cost = f.State.WarmSlot(f.Address, top) ? GasCost.ColdSloadEip2929 : GasCost.WarmStorageReadEip2929;
        if (!f.Charge(cost)) return ExecStatus.OutOfGas;
        top = f.State.GetStorage(f.Address, top);
        return ExecStatus.Continue;
    }

    public static ExecStatus SStore(ref Frame f)
    {
        if (f.IsStatic) return ExecStatus.StaticStateChange;
        // EIP-2200: fail when gas left is at most the call stipend, so a 2300-gas callee can never write.
        if (f.Gas <= GasCost.SstoreSentryEip2200) return ExecStatus.OutOfGas;
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 key = t[0], value = t[-1];
        f.Sp -= 2;

        long cost = 0;
        if (f.State.WarmSlot(f.Address, key)) cost = GasCost.ColdSloadEip2929;
        UInt256 current = f.State.GetStorage(f.Address, key);
        (long gas, long refund) = SstoreCost(f.State.GetOriginalStorage(f.Address, key), current, value);
        if (!f.Charge(cost + gas)) return ExecStatus.OutOfGas;
        f.State.AddRefund(refund);
        if (current != value) f.State.SetStorage(f.Address, key, value);
        return ExecStatus.Continue;
    }

    /// <summary>
    /// The EIP-2200 decision tree with EIP-2929 costs and EIP-3529 refunds (warm part only; the cold surcharge
    /// is added by the caller). Returns the gas to charge and the refund delta (may be negative).
    /// </summary>
    public static (long Gas, long Refund) SstoreCost(in UInt256 original, in UInt256 current, in UInt256 value)
    {
        // (1) no-op: current == new.
        if (current == value) return (GasCost.WarmStorageReadEip2929, 0);
        if (original == current)
        {
            // (2.1) fresh slot in this transaction.
            if (original.IsZero) return (GasCost.SstoreSetEip2200, 0); // (2.1.1)
            // (2.1.2), (2.1.2b) clearing refunds SSTORE_CLEARS_SCHEDULE.
            return (GasCost.SstoreResetEip2929, value.IsZero ? GasCost.SstoreClearsScheduleEip3529 : 0);
        }
        // (2.2) dirty slot: warm read cost, refunds adjust earlier decisions.
        long refund = 0;
        if (!original.IsZero)
        {
            if (current.IsZero) refund -= GasCost.SstoreClearsScheduleEip3529; // (2.2.1.1)
            else if (value.IsZero) refund += GasCost.SstoreClearsScheduleEip3529; // (2.2.1.2)
        }
        if (original == value)
        {
            // (2.2.2) reset to the original value.
            refund += original.IsZero
                ? GasCost.SstoreSetEip2200 - GasCost.WarmStorageReadEip2929 // (2.2.2.1)
                : GasCost.SstoreResetEip2929 - GasCost.WarmStorageReadEip2929; // (2.2.2.2)
        }
        return (GasCost.WarmStorageReadEip2929, refund);
    }

    public static ExecStatus TLoad(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        top = f.State.GetTransient(f.Address, top);
        return ExecStatus.Continue;
    }

    public static ExecStatus TStore(ref Frame f)
    {
        if (f.IsStatic) return ExecStatus.StaticStateChange;
        UInt256* t = f.Stack + f.Sp - 1;
        f.State.SetTransient(f.Address, t[0], t[-1]);
        f.Sp -= 2;
        return ExecStatus.Continue;
    }
}
