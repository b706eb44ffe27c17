namespace Lockstep.Evm.Tests;

/// <summary>The Cancun table defines exactly the Cancun opcodes and routes every other byte to INVALID.</summary>
public sealed unsafe class InstructionSetTests
{
    [Fact]
    public void Cancun_defines_the_cancun_opcodes()
    {
        var expected = new HashSet<int>();
        for (int op = 0x00; op <= 0x0b; op++) expected.Add(op);
        for (int op = 0x10; op <= 0x1d; op++) expected.Add(op);
        expected.Add(0x20);
        for (int op = 0x30; op <= 0x4a; op++) expected.Add(op);
        for (int op = 0x50; op <= 0xa4; op++) expected.Add(op);
        foreach (int op in new[] { 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xfa, 0xfd, 0xfe, 0xff }) expected.Add(op);

        InstructionSet set = InstructionSet.Cancun;
        for (int op = 0; op < 256; op++)
        {
            Assert.True(set.Handlers[op] != null, $"opcode 0x{op:x2} has no handler");
            Assert.Equal(expected.Contains(op), set.Defined[op]);
        }
    }

    [Theory]
    [InlineData("5f5f5f5e00", ExecStatus.Stop)] // MCOPY with zero length
    [InlineData("0c", ExecStatus.InvalidOpcode)] // undefined
    [InlineData("fe", ExecStatus.InvalidOpcode)] // INVALID
    [InlineData("60012b", ExecStatus.InvalidOpcode)] // undefined with a non-empty stack is still InvalidOpcode
    [InlineData("60016001fe", ExecStatus.InvalidOpcode)] // INVALID with a non-empty stack
    [InlineData("01", ExecStatus.StackUnderflow)]
    [InlineData("600056", ExecStatus.InvalidJump)]
    public void Status_of_small_programs(string code, ExecStatus status)
    {
        var (r, _) = EvmHarness.Run(EvmHarness.Code(code), 100_000);
        Assert.Equal(status, r.Status);
    }

    [Fact]
    public void Stack_overflow_at_1025_items()
    {
        // 1024 x PUSH0 fits; the 1025th overflows.
        byte[] code = Enumerable.Repeat((byte)0x5f, 1025).ToArray();
        var (r, _) = EvmHarness.Run(code, 100_000);
        Assert.Equal(ExecStatus.StackOverflow, r.Status);
        var (ok, _) = EvmHarness.Run(code[..1024], 100_000);
        Assert.True(ok.Success);
    }
}
