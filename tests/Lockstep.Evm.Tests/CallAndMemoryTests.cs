using Lockstep.Evm.Instructions;
using Lockstep.Primitives;

namespace Lockstep.Evm.Tests;

/// <summary>Memory expansion (Yellow Paper 9.4.1 C_mem), EIP-150 63/64 call gas, call depth.</summary>
public sealed class CallAndMemoryTests
{
    private static long MemoryCost(long words) => 3 * words + words * words / 512;

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(1024)]
    [InlineData(100_000)]
    public void Mstore_charges_quadratic_memory_expansion(int offset)
    {
        // PUSH1 1, PUSH3 offset, MSTORE, STOP
        byte[] code = [0x60, 0x01, 0x62, (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset, 0x52, 0x00];
        const long gas = 1_000_000;
        var (r, _) = EvmHarness.Run(code, gas);
        Assert.True(r.Success);
        long words = (offset + 32 + 31) / 32;
        Assert.Equal(3 + 3 + 3 + MemoryCost(words), gas - r.GasLeft);
    }

    [Fact]
    public void Huge_memory_offset_is_out_of_gas_not_a_crash()
    {
        // PUSH1 1, PUSH32 2^255, MSTORE
        byte[] code = [0x60, 0x01, 0x7f, 0x80, .. new byte[31], 0x52];
        var (r, _) = EvmHarness.Run(code, 1_000_000);
        Assert.Equal(ExecStatus.OutOfGas, r.Status);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(63L)]
    [InlineData(64L)]
    [InlineData(1_000_000L)]
    public void All_but_one_64th(long gas) => Assert.Equal(gas - gas / 64, SystemOps.AllButOne64th(gas));

    [Fact]
    public void Call_forwards_at_most_63_64ths()
    {
        // Callee 0x30..03: GAS PUSH1 0 SSTORE STOP -> stores the gas it saw after GAS (minus 2 for GAS itself).
        var callee = Address.FromHex("0x3000000000000000000000000000000000000003");
        byte[] calleeCode = [0x5a, 0x60, 0x00, 0x55, 0x00];
        // Caller: CALL(gas=0xffff..., to=callee, value 0, in 0 0, out 0 0)
        byte[] code = [0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73, .. callee.ToArray(), 0x7f, .. Enumerable.Repeat((byte)0xff, 32), 0xf1, 0x00];
        const long gas = 1_000_000;
        var (r, state) = EvmHarness.Run(code, gas, s => s.SetAccount(callee, 0, UInt256.Zero, calleeCode, []));
        Assert.True(r.Success);
        // 5 PUSH1 + PUSH20 + PUSH32 = 21 gas, then CALL to a cold account costs 2600 before the 63/64 cut.
        long available = gas - 21 - GasCost.ColdAccountAccessEip2929;
        long forwarded = available - available / 64;
        Assert.Equal(new UInt256((ulong)(forwarded - GasCost.Base)), state.GetStorage(callee, UInt256.Zero));
    }

    [Fact]
    public void Recursion_to_the_depth_limit_does_not_crash()
    {
        // ADDRESS-call self with all gas, forever: PUSH1 0 x4, PUSH1 0 (value), ADDRESS, GAS, CALL, STOP
        byte[] code = [0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x30, 0x5a, 0xf1, 0x00];
        var (r, _) = EvmHarness.Run(code, 30_000_000);
        Assert.True(r.Success);
    }
}
