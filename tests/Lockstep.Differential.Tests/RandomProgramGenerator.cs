using System.Numerics;
using Lockstep.Primitives;
using static Lockstep.Differential.Tests.Op;

namespace Lockstep.Differential.Tests;

/// <summary>
/// Generates mostly-valid random bytecode: values from a pool of edge cases and random words, operations chosen
/// by weight among those the simulated stack can feed, memory offsets and sizes bounded so memory stays small,
/// forward jumps and short counted loops (every program runs a bounded number of steps on the slow oracle), and
/// calls into a second random contract. Deterministic per seed.
/// </summary>
/// <remarks>
/// Left out on purpose: BLOBBASEFEE (Nethereum 6.1.0 returns 0 for it in every frame below the first, where
/// EIP-7516 gives the block's blob base fee everywhere; seed 10025: 50 gas of EXP on it; checked at depth 0 by
/// the hand-written cases and in nested frames by SpecOnlyTests), BLOCKHASH (the two engines take block hashes from different providers, so the value is
/// not comparable), BLOBHASH (no blob transactions here), and unbounded backward jumps (long loops would make
/// Nethereum, which awaits every opcode, too slow for thousands of seeds).
/// </remarks>
public sealed class RandomProgramGenerator
{
    private static readonly BigInteger Max = (BigInteger.One << 256) - 1;

    /// <summary>
    /// Addresses a random CALL may target: the callee, the caller itself (re-entrancy, so SSTORE sees original
    /// values changed by an outer frame), an empty account, an account with only a balance, identity and sha256.
    /// </summary>
    private static readonly Address[] CallTargets =
    [
        DiffCase.Callee, DiffCase.Callee, DiffCase.Callee, DiffCase.Target, Address.FromHex("0x000000000000000000000000000000000000f00d"),
        Address.FromNumber(4), Address.FromNumber(2), DiffCase.Other,
    ];

    /// <summary>Opcodes with no immediate and their stack inputs, weighted by how often they appear.</summary>
    private static readonly (byte Op, int In, int Weight)[] Simple =
    [
        (ADD, 2, 4), (MUL, 2, 3), (SUB, 2, 3), (DIV, 2, 2), (SDIV, 2, 2), (MOD, 2, 2), (SMOD, 2, 2), (ADDMOD, 3, 2),
        (MULMOD, 3, 2), (EXP, 2, 2), (SIGNEXTEND, 2, 2), (LT, 2, 2), (GT, 2, 2), (SLT, 2, 2), (SGT, 2, 2), (EQ, 2, 2),
        (ISZERO, 1, 2), (AND, 2, 2), (OR, 2, 2), (XOR, 2, 2), (NOT, 1, 2), (BYTE, 2, 2), (SHL, 2, 2), (SHR, 2, 2),
        (SAR, 2, 2), (ADDRESS, 0, 1), (ORIGIN, 0, 1), (CALLER, 0, 1), (CALLVALUE, 0, 1), (CALLDATASIZE, 0, 1),
        (CODESIZE, 0, 1), (GASPRICE, 0, 1), (RETURNDATASIZE, 0, 1), (COINBASE, 0, 1), (TIMESTAMP, 0, 1),
        (NUMBER, 0, 1), (PREVRANDAO, 0, 1), (GASLIMIT, 0, 1), (CHAINID, 0, 1), (SELFBALANCE, 0, 1), (BASEFEE, 0, 1),
        (POP, 1, 3), (PC, 0, 1), (MSIZE, 0, 1), (GAS, 0, 1), (CALLDATALOAD, 1, 1),
        (DUP1, 1, 3), (DUP1 + 1, 2, 2), (DUP1 + 3, 4, 1), (DUP1 + 15, 16, 1), (SWAP1, 2, 3), (SWAP1 + 1, 3, 2),
        (SWAP1 + 6, 8, 1), (SWAP1 + 15, 17, 1),
    ];

    private readonly Random _rng;
    private readonly Asm _asm = new();
    private int _depth;
    private int _labels;
    private readonly List<(int At, string Name)> _pendingLabels = new();
    private readonly bool _allowCalls;

    private RandomProgramGenerator(int seed, bool allowCalls)
    {
        _rng = new Random(seed);
        _allowCalls = allowCalls;
    }

    /// <summary>The case for <paramref name="seed"/>: a random target contract calling a random callee, random storage and calldata.</summary>
    public static DiffCase Case(int seed)
    {
        var rng = new Random(seed * 7919 + 1);
        byte[] target = new RandomProgramGenerator(seed, allowCalls: true).Generate(rng.Next(20, 90));
        // The callee calls too (one seed in three), so call chains and re-entrancy run two and more frames deep.
        byte[] callee = new RandomProgramGenerator(seed + 1_000_003, allowCalls: rng.Next(3) == 0).Generate(rng.Next(5, 40));
        byte[] data = new byte[rng.Next(0, 70)];
        rng.NextBytes(data);
        if (rng.Next(8) == 0)
        {
            // A creation transaction: the random program is the initcode, whatever it returns the code to deploy.
            // Gas is ample so the code deposit always fits: Nethereum 6.1.0 checks the deposit against gas used
            // after the EIP-3529 refund, so a deposit that only fits thanks to the refund succeeds there, where
            // execution-specs charges it during execution (charge_gas in process_create_message) and runs out of
            // gas (seed 1191: 206501 gas needed before a 19900 refund, limit 204295).
            return DiffCase.Create($"random creation seed {seed}", target, gas: (ulong)rng.Next(1_000_000, 1_200_000),
                value: new UInt256((ulong)rng.Next(0, 3) * 100),
                extra: [(DiffCase.Callee, new PreAccount { Code = callee, Nonce = 1, Balance = new UInt256(500), Storage = RandomStorage(rng) }),
                    (DiffCase.Other, new PreAccount { Balance = new UInt256(7) })]);
        }
        // One seed in three sends the same contract one or two more transactions with new call data.
        var followUps = new List<byte[]>();
        if (rng.Next(3) == 0)
            for (int i = rng.Next(1, 3); i > 0; i--)
            {
                byte[] more = new byte[rng.Next(0, 70)];
                rng.NextBytes(more);
                followUps.Add(more);
            }
        var c = DiffCase.Call($"random seed {seed}", target, gas: (ulong)rng.Next(60_000, 400_000), data: data,
            value: new UInt256((ulong)rng.Next(0, 3) * 100), storage: RandomStorage(rng),
            extra: [(DiffCase.Callee, new PreAccount { Code = callee, Nonce = 1, Balance = new UInt256(500), Storage = RandomStorage(rng) }),
                (DiffCase.Other, new PreAccount { Balance = new UInt256(7) })]);
        return new DiffCase { Name = c.Name, Pre = c.Pre, Data = c.Data, Value = c.Value, GasLimit = c.GasLimit, FollowUps = followUps };
    }

    private static Dictionary<UInt256, UInt256> RandomStorage(Random rng)
    {
        var s = new Dictionary<UInt256, UInt256>();
        int n = rng.Next(0, 5);
        for (int i = 0; i < n; i++) s[new UInt256((ulong)rng.Next(0, 8))] = new UInt256((ulong)rng.Next(1, 4));
        return s;
    }

    private byte[] Generate(int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            PlaceLabels(step);
            Emit(step, steps);
        }
        PlaceLabels(int.MaxValue);
        switch (_rng.Next(4))
        {
            case 0: _asm.Ops(STOP); break;
            case 1: _asm.Push(SmallSize()).Push(SmallOffset()).Ops(RETURN); break;
            case 2: _asm.Push(SmallSize()).Push(SmallOffset()).Ops(REVERT); break;
            default: break; // running off the end is an implicit STOP
        }
        return _asm.Build();
    }

    private void PlaceLabels(int step)
    {
        for (int i = _pendingLabels.Count - 1; i >= 0; i--)
        {
            if (_pendingLabels[i].At > step) continue;
            _asm.Label(_pendingLabels[i].Name);
            _pendingLabels.RemoveAt(i);
        }
    }

    private void Push(BigInteger v) { _asm.Push(v); _depth++; }

    private BigInteger Value() => _rng.Next(12) switch
    {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => _rng.Next(0, 300),
        4 => Max,
        5 => BigInteger.One << 255,
        6 => Max - _rng.Next(0, 4),
        7 => (BigInteger.One << _rng.Next(0, 256)) + _rng.Next(-1, 2),
        8 => 31 + _rng.Next(0, 3),
        _ => RandomWord(_rng.Next(1, 33)),
    };

    private BigInteger RandomWord(int bytes)
    {
        var b = new byte[bytes];
        _rng.NextBytes(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    private int SmallOffset() => _rng.Next(8) == 0 ? _rng.Next(0, 2048) : _rng.Next(0, 128);
    private int SmallSize() => _rng.Next(6) == 0 ? 0 : _rng.Next(0, 96);

    private void Emit(int step, int steps)
    {
        int roll = _rng.Next(100);
        // A value push keeps the stack fed for the operations that follow.
        if (roll < 28 || _depth == 0) { Push(Value()); return; }
        if (roll < 60) { Simple1(); return; }
        if (roll < 70) { Memory(); return; }
        if (roll < 80) { Storage(); return; }
        if (roll < 84) { Log(); return; }
        if (roll < 88) { Jump(step, steps); return; }
        if (roll < 94) { if (_allowCalls) Call(); else Storage(); return; }
        if (roll < 96) { if (_allowCalls) Create(); else Memory(); return; }
        if (roll < 97) { if (_rng.Next(2) == 0) Account(); else Precompile(); return; }
        if (roll < 98 || _rng.Next(3) != 0)
        {
            if (_rng.Next(3) == 0) { _asm.Ops(_rng.Next(2) == 0 ? INVALID : (byte)0x0c); return; }
            Push(Value());
            return;
        }
        if (_rng.Next(2) == 0)
        {
            // An explicit beneficiary that is never the executing contract: Nethereum 6.1.0 does not burn the
            // balance when a contract created in this transaction self-destructs to itself (EIP-6780, execution-specs
            // selfdestruct: set_account_balance(originator, 0)), so a later SELFDESTRUCT still finds it (seed 3621
            // of an earlier generator: 25000 gas for a new account and 200 wei that should have been burnt).
            _asm.Push(_rng.Next(2) == 0 ? DiffCase.Other : CallTargets[4]).Ops(SELFDESTRUCT);
            return;
        }
        // Rarely, any byte below PUSH0 at all (undefined opcodes, underflows of the simulated stack). Not
        // RETURNDATACOPY: with stack operands it often copies zero bytes to a huge offset, which Nethereum 6.1.0
        // halts on while execution-specs charges nothing for a zero-size region (seed 18142, 3 transactions).
        byte any = (byte)_rng.Next(0, 0x5f);
        _asm.Ops(any == RETURNDATACOPY ? POP : any);
    }

    private void Simple1()
    {
        for (int tries = 0; tries < 8; tries++)
        {
            (byte op, int inputs, int weight) = Simple[_rng.Next(Simple.Length)];
            if (_rng.Next(4) >= weight) continue;
            if (inputs > _depth && _rng.Next(30) != 0) continue;
            _asm.Ops(op);
            _depth = Math.Max(0, _depth - inputs) + Outputs(op, inputs);
            return;
        }
        Push(Value());
    }

    private static int Outputs(byte op, int inputs) => op switch
    {
        POP => 0,
        >= DUP1 and < SWAP1 => inputs + 1,
        >= SWAP1 and <= SWAP1 + 15 => inputs,
        _ => 1,
    };

    private void Memory()
    {
        switch (_rng.Next(9))
        {
            case 0: _asm.Push(Value()).Push(SmallOffset()).Ops(MSTORE); break;
            case 1: _asm.Push(Value()).Push(SmallOffset()).Ops(MSTORE8); break;
            case 2: _asm.Push(SmallOffset()).Ops(MLOAD); _depth++; break;
            case 3: _asm.Push(SmallSize()).Push(SmallOffset()).Ops(SHA3); _depth++; break;
            case 4: _asm.Push(SmallSize()).Push(_rng.Next(0, 80)).Push(SmallOffset()).Ops(CALLDATACOPY); break;
            case 5: _asm.Push(SmallSize()).Push(_rng.Next(0, 200)).Push(SmallOffset()).Ops(CODECOPY); break;
            case 6:
                // Mostly in bounds (an out-of-bounds RETURNDATACOPY halts, EIP-211, and would end most programs early).
                if (_rng.Next(4) == 0) _asm.Push(_rng.Next(0, 40)).Push(_rng.Next(0, 40)).Push(SmallOffset()).Ops(RETURNDATACOPY);
                else _asm.Ops(RETURNDATASIZE).Push(0).Push(SmallOffset()).Ops(RETURNDATACOPY);
                break;
            case 7: _asm.Push(SmallSize()).Push(SmallOffset()).Push(SmallOffset()).Ops(MCOPY); break;
            default: _asm.Push(_rng.Next(0, 100)).Ops(CALLDATALOAD); _depth++; break;
        }
    }

    private void Storage()
    {
        int slot = _rng.Next(0, 8);
        switch (_rng.Next(5))
        {
            case 0: case 1:
                // Zero, a small value (the pre-state holds 1..3, so "restore the original" happens) or any value:
                // every branch of the EIP-2200/EIP-3529 SSTORE gas and refund table gets exercised.
                _asm.Push(_rng.Next(3) switch { 0 => 0, 1 => _rng.Next(1, 4), _ => Value() }).Push(slot).Ops(SSTORE);
                break;
            case 2: _asm.Push(slot).Ops(SLOAD); _depth++; break;
            case 3: _asm.Push(Value()).Push(slot).Ops(TSTORE); break;
            default: _asm.Push(slot).Ops(TLOAD); _depth++; break;
        }
    }

    private void Log()
    {
        int topics = _rng.Next(0, 5);
        for (int i = 0; i < topics; i++) _asm.Push(Value());
        _asm.Push(SmallSize()).Push(SmallOffset()).Ops((byte)(LOG0 + topics));
    }

    private bool _inLoop;
    private int _loops;

    /// <summary>
    /// A short loop (2 to 4 rounds) around a few random operations: the round counter lives in transient storage
    /// slot 99 + n (the random operations only touch slots 0..7), so the body cannot upset it and every loop ends.
    /// Repeats make the second and later accesses warm and SSTORE hit its "already dirty" branches.
    /// </summary>
    private void Loop(int step, int steps)
    {
        _inLoop = true;
        string top = "T" + _loops;
        int slot = 99 + _loops++;
        int rounds = _rng.Next(2, 5);
        _asm.Label(top);
        for (int i = _rng.Next(2, 7); i > 0; i--) Emit(step, steps);
        _asm.Push(slot).Ops(TLOAD).Push(1).Ops(ADD).Ops(DUP1).Push(slot).Ops(TSTORE)
            .Push(rounds).Ops(GT).PushLabel(top).Ops(JUMPI);
        _inLoop = false;
    }

    private void Jump(int step, int steps)
    {
        if (!_inLoop && _rng.Next(3) == 0) { Loop(step, steps); return; }
        bool conditional = _rng.Next(2) == 0;
        if (conditional) _asm.Push(_rng.Next(3) == 0 ? 0 : Value());
        if (_rng.Next(10) == 0)
        {
            // A destination that is not a JUMPDEST (or lies in push data): an exceptional halt if taken.
            _asm.Push(_rng.Next(0, 64));
        }
        else
        {
            string name = "L" + _labels++;
            _pendingLabels.Add((_rng.Next(step + 1, steps + 1), name));
            _asm.PushLabel(name);
        }
        _asm.Ops(conditional ? JUMPI : JUMP);
    }

    private void Call()
    {
        byte op = _rng.Next(4) switch { 0 => CALL, 1 => STATICCALL, 2 => DELEGATECALL, _ => CALLCODE };
        Address to = CallTargets[_rng.Next(CallTargets.Length)];
        BigInteger gas = _rng.Next(5) switch { 0 => 0, 1 => 2300, 2 => 30_000, 3 => Max, _ => _rng.Next(0, 100_000) };
        BigInteger value = _rng.Next(3) == 0 ? _rng.Next(0, 700) : 0;
        // Nethereum 6.1.0 gets CALL/CALLCODE with value into a precompile wrong: it neither moves the value nor
        // returns the unused part of the 2300 stipend (execution-specs generic_call: the child gets gas + stipend,
        // process_message moves the value before running the precompile, and the child's gas_left comes back).
        // Seen as ours using 2300 - precompile cost less gas and the precompile account holding the value.
        if (IsPrecompile(to)) value = 0;
        _asm.Call(op, to, gas, value, SmallOffset(), SmallSize(), SmallOffset(), _rng.Next(0, 64));
        _depth++;
    }

    /// <summary>
    /// A STATICCALL into precompile 1..9 with input written to memory at 0x400: random bytes, or inputs shaped to
    /// reach the interesting paths (modexp headers with small lengths, bn254 points at infinity or the generator,
    /// blake2f's 213 bytes with few rounds). Point evaluation (0x0a) needs a KZG setup and is left out.
    /// </summary>
    private void Precompile()
    {
        int which = _rng.Next(1, 10);
        var input = new List<byte>();
        switch (which)
        {
            case 5:
                int bl = _rng.Next(0, 40), el = _rng.Next(0, 40), ml = _rng.Next(0, 40);
                input.AddRange(new UInt256((ulong)bl).ToBigEndian());
                input.AddRange(new UInt256((ulong)el).ToBigEndian());
                input.AddRange(new UInt256((ulong)ml).ToBigEndian());
                // The body is always complete. Nethereum 6.1.0 prices a truncated exponent by the bytes present,
                // where EIP-198/EIP-2565 read the exponent head right-padded with zeros (execution-specs modexp:
                // buffer_read), so a cut-off exponent costs it less gas (seed 8701 of an earlier generator: 42 gas).
                input.AddRange(Bytes(bl + el + ml));
                break;
            case 6:
                input.AddRange(Point()); input.AddRange(Point());
                break;
            case 7:
                input.AddRange(Point()); input.AddRange(Bytes(32));
                break;
            case 8:
                // The empty input, or one pair whose G1 point is at infinity (the G2 part then only needs to be
                // well-formed zeros), or random bytes (rejected unless a multiple of 192 that happens to be valid).
                int pick = _rng.Next(3);
                if (pick == 1) input.AddRange(new byte[192]);
                else if (pick == 2) input.AddRange(Bytes(_rng.Next(0, 200)));
                break;
            case 9:
                input.AddRange(new byte[] { 0, 0, 0, (byte)_rng.Next(0, 24) });
                input.AddRange(Bytes(208));
                input.Add((byte)_rng.Next(0, 3));
                if (_rng.Next(6) == 0) input.RemoveAt(input.Count - 1);
                break;
            default:
                input.AddRange(Bytes(which == 1 ? 128 : _rng.Next(0, 100)));
                break;
        }
        const int at = 0x400;
        for (int i = 0; i < input.Count; i += 32)
        {
            var word = new byte[32];
            input.CopyTo(i, word, 0, Math.Min(32, input.Count - i));
            _asm.Push(new BigInteger(word, isUnsigned: true, isBigEndian: true)).Push(at + i).Ops(MSTORE);
        }
        BigInteger gas = _rng.Next(3) == 0 ? _rng.Next(0, 3000) : _rng.Next(2) == 0 ? Max : _rng.Next(0, 200_000);
        _asm.Call(STATICCALL, Address.FromNumber((uint)which), gas, 0, at, input.Count, _rng.Next(0, 64), _rng.Next(0, 64));
        _depth++;
    }

    private byte[] Bytes(int n)
    {
        var b = new byte[Math.Max(0, n)];
        _rng.NextBytes(b);
        return b;
    }

    /// <summary>A bn254 G1 point: infinity, the generator (1, 2), or 64 random bytes (almost never on the curve).</summary>
    private byte[] Point()
    {
        var p = new byte[64];
        switch (_rng.Next(3))
        {
            case 0: break;
            case 1: p[31] = 1; p[63] = 2; break;
            default: _rng.NextBytes(p); break;
        }
        return p;
    }

    private static bool IsPrecompile(Address a) => a == Address.FromNumber(2) || a == Address.FromNumber(4);

    private void Create()
    {
        // Initcode comes from whatever the program has written to memory; sometimes a known deployer is written first.
        if (_rng.Next(2) == 0)
        {
            byte[] runtime = new byte[_rng.Next(0, 20)];
            _rng.NextBytes(runtime);
            byte[] init = Asm.Deployer(runtime);
            for (int i = 0; i < init.Length; i += 32)
            {
                var word = new byte[32];
                Array.Copy(init, i, word, 0, Math.Min(32, init.Length - i));
                _asm.Push(new BigInteger(word, isUnsigned: true, isBigEndian: true)).Push(i).Ops(MSTORE);
            }
            EmitCreate(init.Length);
        }
        else EmitCreate(SmallSize());
    }

    private void EmitCreate(int size)
    {
        bool two = _rng.Next(2) == 0;
        if (two) _asm.Push(_rng.Next(0, 3));
        _asm.Push(size).Push(0).Push(_rng.Next(3) == 0 ? _rng.Next(0, 2000) : 0).Ops(two ? CREATE2 : CREATE);
        _depth++;
    }

    private void Account()
    {
        Address a = CallTargets[_rng.Next(CallTargets.Length)];
        switch (_rng.Next(4))
        {
            case 0: _asm.Push(a).Ops(BALANCE); _depth++; break;
            case 1: _asm.Push(a).Ops(EXTCODESIZE); _depth++; break;
            case 2: _asm.Push(a).Ops(EXTCODEHASH); _depth++; break;
            default: _asm.Push(SmallSize()).Push(0).Push(SmallOffset()).Push(a).Ops(EXTCODECOPY); break;
        }
    }
}
