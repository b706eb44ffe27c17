using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;

namespace Lockstep.Evm.Instructions;

/// <summary>
/// 0xf0-0xff: CREATE, CALL, CALLCODE, DELEGATECALL, CREATE2, STATICCALL, SELFDESTRUCT. Calls recurse into
/// <see cref="VirtualMachine"/>; gas follows EIP-150 (all but 1/64), EIP-2929 (cold/warm) and EIP-161.
/// </summary>
public static unsafe class SystemOps
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0xf0, &Create, GasCost.Create, 3, 1);
        b.Set(0xf1, &Call, GasCost.Zero, 7, 1);
        b.Set(0xf2, &CallCode, GasCost.Zero, 7, 1);
        b.Set(0xf4, &DelegateCall, GasCost.Zero, 6, 1);
        b.Set(0xf5, &Create2, GasCost.Create, 4, 1);
        b.Set(0xfa, &StaticCall, GasCost.Zero, 6, 1);
    }

    private enum Kind : byte { Call, CallCode, DelegateCall, StaticCall }

    public static ExecStatus Call(ref Frame f) => CallCommon(ref f, Kind.Call);
    public static ExecStatus CallCode(ref Frame f) => CallCommon(ref f, Kind.CallCode);
    public static ExecStatus DelegateCall(ref Frame f) => CallCommon(ref f, Kind.DelegateCall);
    public static ExecStatus StaticCall(ref Frame f) => CallCommon(ref f, Kind.StaticCall);

    /// <summary>EIP-150: a callee gets at most all but one 64th of what is left.</summary>
    public static long AllButOne64th(long gas) => gas - gas / 64;

    private static ExecStatus CallCommon(ref Frame f, Kind kind)
    {
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 requested = t[0];
        Address target = Address.FromUInt256(t[-1]);
        int i = -2;
        UInt256 value = kind is Kind.Call or Kind.CallCode ? t[i--] : UInt256.Zero;
        UInt256 inOffset = t[i], inLength = t[i - 1], outOffset = t[i - 2], outLength = t[i - 3];
        f.Sp -= kind is Kind.Call or Kind.CallCode ? 7 : 6;

        bool hasValue = !value.IsZero;
        // EIP-214: no value transfer from a static context.
        if (kind == Kind.Call && hasValue && f.IsStatic) return ExecStatus.StaticStateChange;

        long cost = Environment.AccessCost(ref f, target);
        if (!f.Charge(cost)) return ExecStatus.OutOfGas;
        if (!f.TryExpandMemory(inOffset, inLength) || !f.TryExpandMemory(outOffset, outLength)) return ExecStatus.OutOfGas;
        long extra = 0;
        if (hasValue)
        {
            extra += GasCost.CallValueTransfer;
            // EIP-161: the new-account surcharge applies only to value-bearing CALLs to empty accounts.
            if (kind == Kind.Call && f.State.IsEmpty(target)) extra += GasCost.CallNewAccount;
        }
        if (!f.Charge(extra)) return ExecStatus.OutOfGas;

        long cap = AllButOne64th(f.Gas);
        long callGas = requested.FitsInUlong && requested.U0 < (ulong)cap ? (long)requested.U0 : cap;
        f.Gas -= callGas;
        if (hasValue) callGas += GasCost.CallStipend;

        f.ReturnData = [];
        if (f.Depth >= EvmLimits.CallDepthLimit || (hasValue && f.State.GetBalance(f.Address) < value))
        {
            f.Gas += callGas;
            f.Stack[f.Sp++] = UInt256.Zero;
            return ExecStatus.Continue;
        }

        byte[] input = inLength.IsZero ? [] : f.MemorySpan((long)inOffset.U0, (long)inLength.U0).ToArray();
        int childBase = f.MemBase + (int)f.MemSize;
        CallResult r = kind switch
        {
            Kind.Call => f.Vm.Call(f.Address, target, target, value, true, input, callGas, f.Depth + 1, f.IsStatic, childBase),
            Kind.CallCode => f.Vm.Call(f.Address, f.Address, target, value, false, input, callGas, f.Depth + 1, f.IsStatic, childBase),
            Kind.DelegateCall => f.Vm.Call(f.Caller, f.Address, target, f.Value, false, input, callGas, f.Depth + 1, f.IsStatic, childBase),
            _ => f.Vm.Call(f.Address, target, target, UInt256.Zero, false, input, callGas, f.Depth + 1, true, childBase),
        };
        f.Gas += r.GasLeft;
        byte[] output = r.Output;
        f.ReturnData = output;
        if (output.Length > 0 && !outLength.IsZero)
        {
            int n = (int)Math.Min((ulong)output.Length, outLength.U0);
            output.AsSpan(0, n).CopyTo(f.MemorySpan((long)outOffset.U0, n));
        }
        f.Stack[f.Sp++] = r.Success ? UInt256.One : UInt256.Zero;
        return ExecStatus.Continue;
    }

    public static ExecStatus Create(ref Frame f) => CreateCommon(ref f, false);
    public static ExecStatus Create2(ref Frame f) => CreateCommon(ref f, true);

    /// <summary>CREATE address: keccak(rlp([sender, nonce]))[12:] (Yellow Paper 7).</summary>
    public static Address CreateAddress(in Address sender, ulong nonce)
    {
        var w = new RlpWriter(32);
        w.StartList().WriteAddress(sender).WriteUInt64(nonce).EndList();
        return Address.FromHashTail(Keccak256.Compute(w.Written));
    }

    /// <summary>EIP-1014: keccak(0xff ++ sender ++ salt ++ keccak(initcode))[12:].</summary>
    public static Address Create2Address(in Address sender, in UInt256 salt, ReadOnlySpan<byte> initCode)
    {
        Span<byte> buf = stackalloc byte[85];
        buf[0] = 0xff;
        sender.CopyTo(buf[1..]);
        salt.WriteBigEndian(buf[21..]);
        Keccak256.Compute(initCode, buf[53..]);
        return Address.FromHashTail(Keccak256.Compute(buf));
    }

    private static ExecStatus CreateCommon(ref Frame f, bool isCreate2)
    {
        if (f.IsStatic) return ExecStatus.StaticStateChange;
        UInt256* t = f.Stack + f.Sp - 1;
        UInt256 value = t[0], offset = t[-1], length = t[-2];
        UInt256 salt = isCreate2 ? t[-3] : default;
        f.Sp -= isCreate2 ? 4 : 3;

        if (!f.TryExpandMemory(offset, length)) return ExecStatus.OutOfGas;
        // EIP-3860: initcode is limited and costs 2 gas per word (plus 6 per word of hashing for CREATE2).
        if (length.U0 > EvmLimits.MaxInitCodeSize) return ExecStatus.InitCodeSizeExceeded;
        long words = (long)((length.U0 + 31) / 32);
        long cost = GasCost.InitCodeWordEip3860 * words + (isCreate2 ? GasCost.Keccak256Word * words : 0);
        if (!f.Charge(cost)) return ExecStatus.OutOfGas;

        f.ReturnData = [];
        ulong nonce = f.State.GetNonce(f.Address);
        if (f.Depth >= EvmLimits.CallDepthLimit || f.State.GetBalance(f.Address) < value || nonce == ulong.MaxValue)
        {
            f.Stack[f.Sp++] = UInt256.Zero;
            return ExecStatus.Continue;
        }

        ReadOnlySpan<byte> initCode = length.IsZero ? [] : f.MemorySpan((long)offset.U0, (long)length.U0);
        long gas = AllButOne64th(f.Gas);
        f.Gas -= gas;
        f.State.SetNonce(f.Address, nonce + 1);
        Address address = isCreate2 ? Create2Address(f.Address, salt, initCode) : CreateAddress(f.Address, nonce);
        // Initcode is copied because the child's memory may reallocate the shared buffer.
        byte[] code = initCode.ToArray();
        CallResult r = f.Vm.Create(f.Address, address, value, code, gas, f.Depth + 1, f.MemBase + (int)f.MemSize);
        f.Gas += r.GasLeft;
        if (r.Status == ExecStatus.Revert) f.ReturnData = r.Output;
        f.Stack[f.Sp++] = r.Success ? address.ToUInt256() : UInt256.Zero;
        return ExecStatus.Continue;
    }

    /// <summary>
    /// SELFDESTRUCT under EIP-6780: the balance always moves to the beneficiary; the account is deleted only
    /// when it was created in this transaction (then ether sent to itself is burnt). 5000 gas, +2600 when the
    /// beneficiary is cold (EIP-2929), +25000 when value goes to an empty account (EIP-161); no refund (EIP-3529).
    /// </summary>
    public static ExecStatus SelfDestruct6780(ref Frame f)
    {
        if (f.IsStatic) return ExecStatus.StaticStateChange;
        Address beneficiary = Address.FromUInt256(f.Peek(0));
        f.Sp--;
        long cost = Environment.IsCold(ref f, beneficiary) ? GasCost.ColdAccountAccessEip2929 : 0;
        UInt256 balance = f.State.GetBalance(f.Address);
        if (!balance.IsZero && f.State.IsEmpty(beneficiary)) cost += GasCost.SelfDestructNewAccount;
        if (!f.Charge(cost)) return ExecStatus.OutOfGas;

        f.State.SubtractBalance(f.Address, balance);
        f.State.AddBalance(beneficiary, balance);
        if (f.State.IsCreatedInTransaction(f.Address)) f.State.MarkSelfDestructed(f.Address);
        return ExecStatus.SelfDestruct;
    }
}
