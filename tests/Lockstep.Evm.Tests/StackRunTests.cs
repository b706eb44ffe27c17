using Lockstep.Evm;
using Lockstep.Primitives;

namespace Lockstep.Evm.Tests;

/// <summary>
/// Fused stack runs (<see cref="StackRuns"/>) against a reference stack model written here from the Yellow Paper's
/// definitions of PUSH, DUP, SWAP and POP: random programs whose final stack is stored to memory and returned.
/// </summary>
public class StackRunTests
{
    private static readonly byte[] Mstore = [0x52];

    /// <summary>Random stack programs, with runs broken at random points by ADD or JUMPDEST, agree with the model.</summary>
    [Fact]
    public void RandomStackProgramsMatchReferenceModel()
    {
        var rng = new Random(20261127);
        for (int program = 0; program < 300; program++)
        {
            var code = new List<byte>();
            var model = new List<UInt256>(); // top is last
            int initial = rng.Next(0, 24);
            for (int i = 0; i < initial; i++) Push(code, model, RandomWord(rng), rng.Next(1, 33));
            int ops = rng.Next(1, 80);
            for (int i = 0; i < ops; i++)
            {
                int kind = rng.Next(0, 12);
                if (kind <= 1 && model.Count < 1000)
                {
                    Push(code, model, RandomWord(rng), rng.Next(0, 33));
                }
                else if (kind <= 4 && model.Count > 0 && model.Count < 1000)
                {
                    int n = rng.Next(1, Math.Min(16, model.Count) + 1);
                    code.Add((byte)(0x7f + n));
                    model.Add(model[^n]);
                }
                else if (kind <= 7 && model.Count > 1)
                {
                    int n = rng.Next(1, Math.Min(16, model.Count - 1) + 1);
                    code.Add((byte)(0x8f + n));
                    (model[^1], model[^(n + 1)]) = (model[^(n + 1)], model[^1]);
                }
                else if (kind <= 9 && model.Count > 0)
                {
                    code.Add(0x50);
                    model.RemoveAt(model.Count - 1);
                }
                else if (kind == 10 && model.Count > 1)
                {
                    code.Add(0x01); // ADD ends a run
                    UInt256 sum = model[^1] + model[^2];
                    model.RemoveRange(model.Count - 2, 2);
                    model.Add(sum);
                }
                else
                {
                    code.Add(0x5b); // JUMPDEST starts a block
                }
            }
            byte[] output = RunAndDump(code, model.Count, out CallResult result);
            Assert.Equal(ExecStatus.Return, result.Status);
            for (int i = 0; i < model.Count; i++)
                Assert.Equal(model[^(i + 1)], new UInt256(output.AsSpan(32 * i, 32)));
        }
    }

    /// <summary>A run ending in JUMP with the destination brought up by SWAP, and JUMPI taken and not taken.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RunsEndingInJumpAndJumpi(bool taken)
    {
        // 0: PUSH1 7, PUSH1 dest(11), PUSH1 cond, SWAP1, JUMPI (a run: pushes, swap, jumpi)
        // 8: PUSH1 1, STOP-less fallthrough stores 1; 11: JUMPDEST, store the top.
        byte[] code =
        [
            0x60, 0x07, 0x60, 0x0c, 0x60, (byte)(taken ? 1 : 0), 0x90, 0x57, // JUMPI to 0x0c when taken
            0x60, 0x01, 0x50, 0x00,                                          // not taken: PUSH1 1 POP STOP
            0x5b, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,             // 0x0c: JUMPDEST, MSTORE(0, 7), RETURN(0, 32)
        ];
        (CallResult result, _) = EvmHarness.Run(code, 100_000);
        if (taken)
        {
            Assert.Equal(ExecStatus.Return, result.Status);
            Assert.Equal(new UInt256(7), new UInt256(result.Output));
        }
        else
        {
            Assert.Equal(ExecStatus.Stop, result.Status);
        }
    }

    [Fact]
    public void RunJumpingToNonJumpDestFails()
    {
        // PUSH1 1, PUSH1 3 (dest is PUSH data, not a JUMPDEST), SWAP1, POP, JUMP: one run, invalid destination.
        byte[] code = [0x60, 0x01, 0x60, 0x03, 0x90, 0x50, 0x56, 0x5b, 0x00];
        (CallResult result, _) = EvmHarness.Run(code, 100_000);
        Assert.Equal(ExecStatus.InvalidJump, result.Status);
        Assert.Equal(0, result.GasLeft);
    }

    [Fact]
    public void UndefinedMarkerOpcodeStillHalts()
    {
        // 0xb0 is the marker byte inside the fused copy; in real code it is an undefined instruction.
        byte[] code = [0x60, 0x01, 0x60, 0x02, 0xb0, 0x00];
        (CallResult result, _) = EvmHarness.Run(code, 100_000);
        Assert.Equal(ExecStatus.InvalidOpcode, result.Status);
    }

    [Fact]
    public void RunsAreFoundAndMarked()
    {
        // PUSH1 1, PUSH1 2, SWAP1, POP (one run of four), then JUMPDEST, DUP1 (a run that enters the JUMPDEST's block), STOP.
        byte[] code = [0x60, 0x01, 0x60, 0x02, 0x90, 0x50, 0x5b, 0x80, 0x00];
        var analysis = new CodeAnalysis(code, InstructionSet.Cancun);
        Assert.Equal(2, analysis.Runs.Count);
        unsafe
        {
            Assert.Equal(StackRuns.Marker, analysis.Runs.Code[0]);
            Assert.Equal(StackRuns.Marker, analysis.Runs.Code[6]);
            Assert.Equal(0x80, analysis.Runs.Code[7]);
            StackRun run = analysis.Runs.Runs[0];
            Assert.Equal(0, run.InCount);
            Assert.Equal(1, run.OutCount);
            Assert.Equal(6, run.EndPc);
            Assert.Equal(-1, run.EnterBlock);
            StackRun entering = analysis.Runs.Runs[1];
            Assert.Equal(analysis.BlockAt[6], entering.EnterBlock);
            Assert.Equal(1, entering.OutCount);
            Assert.Equal(8, entering.EndPc);
        }
    }

    private static UInt256 RandomWord(Random rng)
    {
        Span<byte> b = stackalloc byte[32];
        rng.NextBytes(b);
        return new UInt256(b);
    }

    /// <summary>Appends PUSHn of the low n bytes of <paramref name="value"/> (PUSH0 for n = 0) and pushes the same on the model.</summary>
    private static void Push(List<byte> code, List<UInt256> model, UInt256 value, int n)
    {
        byte[] full = value.ToBigEndian();
        code.Add((byte)(0x5f + n));
        code.AddRange(full.AsSpan(32 - n).ToArray());
        model.Add(new UInt256(full.AsSpan(32 - n)));
    }

    /// <summary>Appends MSTORE of every stack item (top first at offset 0) and RETURN, runs the code, returns the output.</summary>
    private static byte[] RunAndDump(List<byte> code, int depth, out CallResult result)
    {
        var all = new List<byte>(code);
        for (int i = 0; i < depth; i++)
        {
            all.Add(0x61);
            all.Add((byte)((32 * i) >> 8));
            all.Add((byte)(32 * i));
            all.AddRange(Mstore);
        }
        all.Add(0x61);
        all.Add((byte)((32 * depth) >> 8));
        all.Add((byte)(32 * depth));
        all.AddRange([0x60, 0x00, 0xf3]); // RETURN(0, 32 * depth)
        (result, _) = EvmHarness.Run([.. all], 10_000_000);
        return result.Output;
    }
}
