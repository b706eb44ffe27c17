using System.Numerics;
using BenchmarkDotNet.Attributes;
using Lockstep.Primitives;
using Org.BouncyCastle.Crypto.Digests;

namespace Lockstep.Benchmarks;

/// <summary>
/// UInt256 kernels on fixed random operands (seeded, so runs compare). The BigInteger rows are the cost of the
/// arithmetic UInt256 used before it had limb division, kept as a yardstick.
/// Run: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*UInt256Benchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class UInt256Benchmarks
{
    private UInt256 _a, _b, _b128, _b64, _m, _e;
    private BigInteger _bigA, _bigB128, _bigM;
    private static readonly UInt256 LoopMulModulus = UInt256.Parse("0xffffffffffffffffffffffffffaaffffffffffffffffbbffffffffffffff0000");

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        UInt256 Next() => new((ulong)rng.NextInt64() | 1, (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64() | (1UL << 62));
        _a = Next();
        _b = Next();
        UInt256 c = Next();
        _b128 = new UInt256(c.U0, c.U1 | (1UL << 63) >> 3, 0, 0); // a 125-bit divisor, so normalization shifts
        _b64 = new UInt256(c.U2 | 1, 0, 0, 0);
        _m = Next();
        _e = Next();
        _bigA = _a.ToBigInteger();
        _bigB128 = _b128.ToBigInteger();
        _bigM = _m.ToBigInteger();
    }

    [Benchmark] public UInt256 Add() => _a + _b;
    [Benchmark] public UInt256 Subtract() => _a - _b;
    [Benchmark] public UInt256 Mul() => _a * _b;
    [Benchmark] public UInt256 Div256By128() => _a / _b128;
    [Benchmark] public UInt256 Div256By64() => _a / _b64;
    [Benchmark] public UInt256 Div256By256() => _a / _b;
    [Benchmark] public UInt256 Mod256By128() => _a % _b128;
    [Benchmark] public UInt256 SDiv() => UInt256.SignedDivide(UInt256.Negate(_a), _b128);
    [Benchmark] public UInt256 AddMod() => UInt256.AddMod(_a, _b, _m);
    [Benchmark] public UInt256 MulMod() => UInt256.MulMod(_a, _b, _m);
    /// <summary>loopMul's full-width modulus (vmPerformance): five algorithm D steps after the 512-bit product.</summary>
    [Benchmark] public UInt256 MulModFullWidth() => UInt256.MulMod(_a, _b, LoopMulModulus);
    [Benchmark] public UInt256 MulModMaxModulus() => UInt256.MulMod(_a, _b, UInt256.MaxValue);
    [Benchmark] public UInt256 MulModBy128() => UInt256.MulMod(_a, _b, _b128);
    /// <summary>Operands above the modulus whose sum passes 2^256: the 257-bit reduction rather than one subtraction.</summary>
    [Benchmark] public UInt256 AddModFullWidthCarry() => UInt256.AddMod(UInt256.MaxValue, _a, LoopMulModulus);
    [Benchmark] public UInt256 Exp() => UInt256.Exp(_a, _e);
    [Benchmark] public UInt256 Shl() => _a << 77;
    [Benchmark] public UInt256 Sar() => UInt256.ShiftRightArithmetic(UInt256.Negate(_a), 77);
    [Benchmark] public UInt256 SignExtend() => UInt256.SignExtend(new UInt256(13), _a);

    [Benchmark] public BigInteger BigIntegerDiv256By128() => _bigA / _bigB128;
    [Benchmark] public BigInteger BigIntegerMulMod() => _bigA * _bigA % _bigM;
}

/// <summary>
/// Keccak-256 throughput, ours against BouncyCastle's KeccakDigest (an independent managed implementation).
/// Run: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*Keccak256Benchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class Keccak256Benchmarks
{
    private byte[] _data = [];
    private readonly byte[] _output = new byte[32];
    private readonly KeccakDigest _bouncy = new(256);

    /// <summary>Input size: a storage key / word, and a typical trie node or calldata chunk.</summary>
    [Params(32, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(7).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public Hash256 Lockstep() => Keccak256.Compute(_data);

    [Benchmark]
    public byte[] BouncyCastle()
    {
        _bouncy.BlockUpdate(_data, 0, _data.Length);
        _bouncy.DoFinal(_output, 0);
        return _output;
    }
}
