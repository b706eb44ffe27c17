using Lockstep.Evm;
using Lockstep.Primitives;

namespace Lockstep.Evm.Tests;

/// <summary>
/// Fused runs that start at a JUMPDEST and make its block check themselves (<see cref="StackRun.EnterBlock"/>).
/// Expected gas is summed by hand from the Yellow Paper's static costs (PUSH 3, DUP/SWAP 3, POP 2, JUMP 8, JUMPI 10,
/// JUMPDEST 1); the outcome must be the one per-instruction charging gives.
/// </summary>
public class JumpDestRunTests
{
    // 0: PUSH1 4, 2: JUMP, 3: INVALID, 4: JUMPDEST, 5: PUSH1 1, 7: PUSH1 2, 9: SWAP1, 10: POP, 11: STOP
    private static readonly byte[] JumpToRun = [0x60, 0x04, 0x56, 0xfe, 0x5b, 0x60, 0x01, 0x60, 0x02, 0x90, 0x50, 0x00];
    private const long JumpToRunGas = 3 + 8 + 1 + 3 + 3 + 3 + 2;

    [Fact]
    public void JumpIntoRunChargesExactGas()
    {
        (CallResult ok, _) = EvmHarness.Run(JumpToRun, JumpToRunGas);
        Assert.Equal(ExecStatus.Stop, ok.Status);
        Assert.Equal(0, ok.GasLeft);
        (CallResult more, _) = EvmHarness.Run(JumpToRun, JumpToRunGas + 5);
        Assert.Equal(5, more.GasLeft);
    }

    [Fact]
    public void OutOfGasInsideEnteredRunFailsTheFrame()
    {
        // One gas short: per instruction, the final POP would run out; the run's block check fails instead, same outcome.
        (CallResult r, _) = EvmHarness.Run(JumpToRun, JumpToRunGas - 1);
        Assert.Equal(ExecStatus.OutOfGas, r.Status);
        Assert.Equal(0, r.GasLeft);
    }

    [Fact]
    public void FallingThroughJumpiIntoRunChargesExactGas()
    {
        // 0: PUSH1 0 (condition), 2: PUSH1 5, 4: JUMPI (not taken), 5: JUMPDEST, 6: PUSH1 1, 8: POP, 9: STOP
        byte[] code = [0x60, 0x00, 0x60, 0x05, 0x57, 0x5b, 0x60, 0x01, 0x50, 0x00];
        const long gas = 3 + 3 + 10 + 1 + 3 + 2;
        (CallResult ok, _) = EvmHarness.Run(code, gas);
        Assert.Equal(ExecStatus.Stop, ok.Status);
        Assert.Equal(0, ok.GasLeft);
        (CallResult shortOfGas, _) = EvmHarness.Run(code, gas - 1);
        Assert.Equal(ExecStatus.OutOfGas, shortOfGas.Status);
    }

    [Fact]
    public void JumpiNotTakenChainsIntoTheNextRunWithItsBlockCheck()
    {
        // 0: PUSH1 0, 2: PUSH1 9, 4: JUMPI (not taken; a new block starts at 5 without a JUMPDEST), 5: PUSH1 1, 7: POP, 8: STOP
        byte[] code = [0x60, 0x00, 0x60, 0x09, 0x57, 0x60, 0x01, 0x50, 0x00];
        const long gas = 3 + 3 + 10 + 3 + 2;
        (CallResult ok, _) = EvmHarness.Run(code, gas);
        Assert.Equal(ExecStatus.Stop, ok.Status);
        Assert.Equal(0, ok.GasLeft);
        Assert.Equal(ExecStatus.OutOfGas, EvmHarness.Run(code, gas - 1).Result.Status);
        // The same shape with POP, POP after the JUMPI: the stack is empty there, so the second block underflows.
        byte[] underflow = [0x60, 0x00, 0x60, 0x09, 0x57, 0x50, 0x50, 0x00];
        (CallResult bad, _) = EvmHarness.Run(underflow, 100_000);
        Assert.Equal(ExecStatus.StackUnderflow, bad.Status);
        Assert.Equal(0, bad.GasLeft);
    }

    [Fact]
    public void UnderflowAtTheSecondPopOfAnEnteredRun()
    {
        // 0: PUSH1 7, 2: PUSH1 6, 4: JUMP, 5: INVALID, 6: JUMPDEST, 7: POP, 8: POP (underflows: one item), 9: STOP
        byte[] code = [0x60, 0x07, 0x60, 0x06, 0x56, 0xfe, 0x5b, 0x50, 0x50, 0x00];
        (CallResult r, _) = EvmHarness.Run(code, 100_000);
        Assert.Equal(ExecStatus.StackUnderflow, r.Status);
        Assert.Equal(0, r.GasLeft);
        // One POP fewer fits.
        byte[] fits = [0x60, 0x07, 0x60, 0x06, 0x56, 0xfe, 0x5b, 0x50, 0x00];
        Assert.Equal(ExecStatus.Stop, EvmHarness.Run(fits, 100_000).Result.Status);
    }

    [Theory]
    [InlineData(1, ExecStatus.Stop)]
    [InlineData(2, ExecStatus.StackOverflow)]
    public void OverflowAtTheExactDupOfAnEnteredRun(int dups, ExecStatus expected)
    {
        // 1023 items at the JUMPDEST: the first DUP1 makes 1024 (the limit), a second would make 1025.
        var code = new List<byte>();
        for (int i = 0; i < 1023; i++) code.Add(0x5f); // PUSH0
        int dest = code.Count + 4;
        code.AddRange([0x61, (byte)(dest >> 8), (byte)dest, 0x56, 0x5b]); // PUSH2 dest, JUMP, JUMPDEST
        for (int i = 0; i < dups; i++) code.Add(0x80);
        code.Add(0x00);
        (CallResult r, _) = EvmHarness.Run([.. code], 1_000_000);
        Assert.Equal(expected, r.Status);
    }

    [Fact]
    public void DynamicJumpIntoRunAndIntoTheMiddleOfARun()
    {
        // Destination computed (3 + 3 = 6, not a constant of the run): 0: PUSH1 3, 2: DUP1, 3: ADD, 4: JUMP,
        // 5: INVALID, 6: JUMPDEST, 7: PUSH1 42, 9: PUSH1 0, 11: MSTORE, 12: PUSH1 32, 14: PUSH1 0, 16: RETURN
        byte[] code = [0x60, 0x03, 0x80, 0x01, 0x56, 0xfe, 0x5b, 0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];
        (CallResult r, _) = EvmHarness.Run(code, 100_000);
        Assert.Equal(ExecStatus.Return, r.Status);
        Assert.Equal(new UInt256(42), new UInt256(r.Output));
        // 7 is the PUSH1 inside that run, not a JUMPDEST: 3 + 4 = 7.
        byte[] intoRun = [0x60, 0x03, 0x60, 0x04, 0x01, 0x56, 0x5b, 0x60, 0x2a, 0x50, 0x00];
        (CallResult bad, _) = EvmHarness.Run(intoRun, 100_000);
        Assert.Equal(ExecStatus.InvalidJump, bad.Status);
        Assert.Equal(0, bad.GasLeft);
    }

    [Fact]
    public void ConstantJumpToNonJumpDestIsRejected()
    {
        // 0: JUMPDEST, 1: PUSH1 0x5b, 3: PUSH1 2, 5: JUMP (one run): 2 is PUSH data that happens to read 0x5b.
        byte[] code = [0x5b, 0x60, 0x5b, 0x60, 0x02, 0x56, 0x00];
        (CallResult r, _) = EvmHarness.Run(code, 100_000);
        Assert.Equal(ExecStatus.InvalidJump, r.Status);
        Assert.Equal(0, r.GasLeft);
    }

    [Fact]
    public void SwapCyclesThroughTemporariesKeepEveryItem()
    {
        // PUSH1 1..4, then SWAP3 SWAP1 SWAP2 SWAP3 DUP4 SWAP1 (one run with cycles), stored top first. Hand-run:
        // [1 2 3 4] SWAP3 [4 2 3 1] SWAP1 [4 2 1 3] SWAP2 [4 3 1 2] SWAP3 [2 3 1 4] DUP4 [2 3 1 4 2] SWAP1 [2 3 1 2 4]
        var code = new List<byte> { 0x60, 1, 0x60, 2, 0x60, 3, 0x60, 4, 0x5b, 0x92, 0x90, 0x91, 0x92, 0x83, 0x90 };
        for (int i = 0; i < 5; i++) code.AddRange([0x61, 0x00, (byte)(32 * i), 0x52]); // PUSH2 offset, MSTORE
        code.AddRange([0x60, 0xa0, 0x60, 0x00, 0xf3]);
        (CallResult r, _) = EvmHarness.Run([.. code], 100_000);
        Assert.Equal(ExecStatus.Return, r.Status);
        ulong[] expectedTopFirst = [4, 2, 1, 3, 2];
        for (int i = 0; i < 5; i++) Assert.Equal(new UInt256(expectedTopFirst[i]), new UInt256(r.Output.AsSpan(32 * i, 32)));
    }
}
