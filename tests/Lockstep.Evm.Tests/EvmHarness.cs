using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Evm.Tests;

/// <summary>Runs bytecode as a call from <see cref="Caller"/> to <see cref="Contract"/> on a fresh state.</summary>
internal static class EvmHarness
{
    public static readonly Address Caller = Address.FromHex("0x1000000000000000000000000000000000000001");
    public static readonly Address Contract = Address.FromHex("0x2000000000000000000000000000000000000002");

    public static byte[] Code(string hex) => Hex.Decode(hex);

    public static (CallResult Result, WorldState State) Run(byte[] code, long gas, Action<WorldState>? setup = null, byte[]? input = null)
    {
        var state = new WorldState();
        state.SetAccount(Caller, 0, new UInt256(1_000_000_000), [], []);
        state.SetAccount(Contract, 0, UInt256.Zero, code, []);
        setup?.Invoke(state);
        state.CommitTransaction();
        state.WarmAddress(Caller);
        state.WarmAddress(Contract);
        CallResult r = default;
        // Deep recursion needs a big stack, as in production.
        var t = new Thread(() =>
        {
            using var vm = new VirtualMachine();
            vm.Reset(state, new BlockContext { Number = 1, GasLimit = 30_000_000 }, new TxContext { Origin = Caller });
            r = vm.Call(Caller, Contract, Contract, UInt256.Zero, true, input ?? [], gas, 0, false, 0);
        }, 64 * 1024 * 1024);
        t.Start();
        t.Join();
        return (r, state);
    }
}
