using BenchmarkDotNet.Attributes;
using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Benchmarks;

/// <summary>
/// Interpreter kernels: a counting loop (dispatch, stack, jumps), a MUL/ADD loop (256-bit arithmetic through
/// handlers), an SSTORE/SLOAD loop (journal and storage cache) and a KECCAK256 loop (memory and hashing).
/// Each benchmark runs one call of <see cref="Iterations"/> loop rounds.
/// </summary>
[MemoryDiagnoser]
public class EvmBenchmarks
{
    private static readonly Address Contract = Address.FromNumber(0xc0de);
    private VirtualMachine _vm = null!;

    [Params(100_000)]
    public int Iterations { get; set; }

    private byte[] _countLoop = null!, _mulLoop = null!, _storageLoop = null!, _keccakLoop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _vm = new VirtualMachine();
        byte[] n = [(byte)(Iterations >> 24), (byte)(Iterations >> 16), (byte)(Iterations >> 8), (byte)Iterations];
        // PUSH4 n; JUMPDEST(5); PUSH1 1; SWAP1; SUB; DUP1; PUSH1 5; JUMPI; STOP
        _countLoop = [0x63, .. n, 0x5b, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x05, 0x57, 0x00];
        // PUSH1 3 (acc); PUSH4 n; JUMPDEST(7); SWAP1; PUSH1 7; MUL; PUSH1 1; ADD; SWAP1; PUSH1 1; SWAP1; SUB; DUP1; PUSH1 7; JUMPI; STOP
        _mulLoop = [0x60, 0x03, 0x63, .. n, 0x5b, 0x90, 0x60, 0x07, 0x02, 0x60, 0x01, 0x01, 0x90, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x07, 0x57, 0x00];
        // PUSH4 n; JUMPDEST(5); DUP1; DUP1; SSTORE (slot i = i); DUP1; SLOAD; POP; PUSH1 1; SWAP1; SUB; DUP1; PUSH1 5; JUMPI; STOP
        _storageLoop = [0x63, .. n, 0x5b, 0x80, 0x80, 0x55, 0x80, 0x54, 0x50, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x05, 0x57, 0x00];
        // PUSH4 n; JUMPDEST(5); DUP1; PUSH1 0; MSTORE; PUSH1 64; PUSH1 0; KECCAK256; POP; PUSH1 1; SWAP1; SUB; DUP1; PUSH1 5; JUMPI; STOP
        _keccakLoop = [0x63, .. n, 0x5b, 0x80, 0x60, 0x00, 0x52, 0x60, 0x40, 0x60, 0x00, 0x20, 0x50, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x05, 0x57, 0x00];
    }

    [GlobalCleanup]
    public void Cleanup() => _vm.Dispose();

    private ExecStatus Run(byte[] code)
    {
        var state = new WorldState();
        state.SetAccount(Contract, 0, UInt256.Zero, code, []);
        state.CommitTransaction();
        _vm.Reset(state, new BlockContext { Number = 1, GasLimit = long.MaxValue }, new TxContext());
        CallResult r = _vm.Call(Contract, Contract, Contract, UInt256.Zero, false, [], long.MaxValue / 2, 0, false, 0);
        if (!r.Success) throw new InvalidOperationException(r.Status.ToString());
        return r.Status;
    }

    [Benchmark(Baseline = true)]
    public ExecStatus CountingLoop() => Run(_countLoop);

    [Benchmark]
    public ExecStatus MulAddLoop() => Run(_mulLoop);

    [Benchmark]
    public ExecStatus SstoreSloadLoop() => Run(_storageLoop);

    [Benchmark]
    public ExecStatus KeccakLoop() => Run(_keccakLoop);
}
