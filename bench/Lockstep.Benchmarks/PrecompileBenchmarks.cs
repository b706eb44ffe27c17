using BenchmarkDotNet.Attributes;
using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;

namespace Lockstep.Benchmarks;

/// <summary>
/// Precompile throughput on fixed inputs (go-ethereum's benchmark vectors where noted):
/// <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*Precompile*'</c>.
/// </summary>
[MemoryDiagnoser]
public class PrecompileBenchmarks
{
    // bn256Pairing.json "jeff1": two pairs whose product is one (the common Groth16-style check shape).
    private static readonly byte[] PairingTwo = Hex.Decode(
        "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f593034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41" +
        "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf704bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678" +
        "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550" +
        "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411" +
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed" +
        "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa");

    // G1 generator (1, 2) twice, and G1 generator with a full 256-bit scalar.
    private static readonly byte[] AddInput = Hex.Decode(
        "0000000000000000000000000000000000000000000000000000000000000001" + "0000000000000000000000000000000000000000000000000000000000000002" +
        "0000000000000000000000000000000000000000000000000000000000000001" + "0000000000000000000000000000000000000000000000000000000000000002");
    private static readonly byte[] MulInput = Hex.Decode(
        "0000000000000000000000000000000000000000000000000000000000000001" + "0000000000000000000000000000000000000000000000000000000000000002" +
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");

    // EIP-152 vector 5: BLAKE2b("abc"), 12 rounds.
    private static readonly byte[] Blake2Input = Hex.Decode(
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b" +
        "6162630000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000300000000000000" +
        "000000000000000001");

    // 256-bit RSA-style modexp: 32-byte base, exponent 0x010001, 32-byte modulus (EIP-198 layout).
    private static readonly byte[] ModExpInput = Hex.Decode(
        "0000000000000000000000000000000000000000000000000000000000000020" +
        "0000000000000000000000000000000000000000000000000000000000000003" +
        "0000000000000000000000000000000000000000000000000000000000000020" +
        "9e5faafc00000000000000000000000000000000000000000000000000000001" + "010001" +
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");

    private static readonly byte[] HashInput = new byte[1024];

    // go-ethereum pointEvaluation.json "pointEvaluation1": a valid EIP-4844 KZG opening.
    private static readonly byte[] PointEvaluationInput = Hex.Decode(
        "01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306" +
        "24d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a18f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca2" +
        "5f26936857bc3a7c2539ea8ec3a952b7873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a");

    [Benchmark] public bool Bn256Pairing2() => Bn256PairingPrecompile.Instance.TryRun(PairingTwo, out _);
    [Benchmark] public bool Bn256Add() => Bn256AddPrecompile.Instance.TryRun(AddInput, out _);
    [Benchmark] public bool Bn256ScalarMul() => Bn256ScalarMulPrecompile.Instance.TryRun(MulInput, out _);
    [Benchmark] public bool Blake2F12Rounds() => Blake2FPrecompile.Instance.TryRun(Blake2Input, out _);
    [Benchmark] public bool ModExp256() => ModExpPrecompile.Instance.TryRun(ModExpInput, out _);
    [Benchmark] public bool Sha256Of1KiB() => Sha256Precompile.Instance.TryRun(HashInput, out _);
    [Benchmark] public bool PointEvaluation() => PointEvaluationPrecompile.Instance.TryRun(PointEvaluationInput, out _);
    [Benchmark] public bool Ripemd160Of1KiB() => Ripemd160Precompile.Instance.TryRun(HashInput, out _);
}
