using System.Numerics;
using System.Text.Json;
using Lockstep.Evm.Precompiles;
using Lockstep.Evm.Precompiles.Bls12381;
using Lockstep.Evm.Precompiles.Bn254;
using Lockstep.Primitives;
using Lockstep.Testing;
using BlsFp = Lockstep.Evm.Precompiles.Bls12381.Fp;
using BlsFp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bls12381.Fp, Lockstep.Evm.Precompiles.Bls12381.Bls12381Xi>;
using BlsPairing = Lockstep.Evm.Precompiles.Bls12381.Pairing;
using Lockstep.Evm.Precompiles.Curves;

using Fp2 = Lockstep.Evm.Precompiles.Curves.Fp2<Lockstep.Evm.Precompiles.Bn254.Fp, Lockstep.Evm.Precompiles.Bn254.Bn254Xi>;
namespace Lockstep.Precompiles.Tests;

/// <summary>0x0a point evaluation (EIP-4844) and the BLS12-381 arithmetic under it.</summary>
public class PointEvaluationTests
{
    private const string ExternalVectors = "GeneralStateTests/Pyspecs/cancun/eip4844_blobs/point_evaluation_precompile_external_vectors.json";

    /// <summary>
    /// The execution-spec-tests state tests built from the c-kzg-4844 <c>verify_kzg_proof</c> vectors: each sends its
    /// 192-byte transaction data straight to the precompile (through a contract that CALLs 0x0a with it). The case name
    /// says whether the proof is correct; every other case (incorrect proof, invalid z/y/commitment/proof) must fail.
    /// </summary>
    public static TheoryData<string> ExternalCases()
    {
        var data = new TheoryData<string>();
        foreach ((string name, _, _) in LoadExternal()) data.Add(name);
        return data;
    }

    private static IEnumerable<(string Name, byte[] Input, bool Valid)> LoadExternal()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.EthereumTests, ExternalVectors)));
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            string kase = test.Name[(test.Name.IndexOf("verify_kzg_proof_case_", StringComparison.Ordinal) + "verify_kzg_proof_case_".Length)..].TrimEnd(']');
            byte[] input = Hex.Decode(test.Value.GetProperty("transaction").GetProperty("data")[0].GetString()!);
            yield return (kase, input, kase.StartsWith("correct_proof", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ExternalCases))]
    public void ExternalVector(string name)
    {
        (_, byte[] input, bool valid) = LoadExternal().First(x => x.Name == name);
        Assert.Equal(50000, PointEvaluationPrecompile.Instance.RequiredGas(input));
        bool ok = PointEvaluationPrecompile.Instance.TryRun(input, out byte[] output);
        Assert.Equal(valid, ok);
        if (valid)
        {
            // EIP-4844: FIELD_ELEMENTS_PER_BLOB (4096) and BLS_MODULUS as 32-byte big-endian words.
            Assert.Equal(
                "0000000000000000000000000000000000000000000000000000000000001000" +
                "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", Convert.ToHexStringLower(output));
        }
    }

    /// <summary>
    /// execution-spec-tests <c>valid_precompile_calls</c>/<c>invalid_precompile_calls</c>: the transaction data is the
    /// precompile input and the case name carries the expected outcome (<c>success_True</c>/<c>success_False</c>).
    /// </summary>
    public static TheoryData<string, string> ValidityCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in new[] { "valid_precompile_calls.json", "invalid_precompile_calls.json" })
            foreach ((string name, _, _) in LoadByName(file)) data.Add(file, name);
        return data;
    }

    private static IEnumerable<(string Name, byte[] Input, bool Valid)> LoadByName(string file)
    {
        string path = Path.Combine(RepoPaths.EthereumTests, "GeneralStateTests/Pyspecs/cancun/eip4844_blobs", file);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            string name = test.Name[(test.Name.IndexOf("state_test-", StringComparison.Ordinal) + "state_test-".Length)..].TrimEnd(']');
            byte[] input = Hex.Decode(test.Value.GetProperty("transaction").GetProperty("data")[0].GetString()!);
            yield return (name, input, name.StartsWith("success_True", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ValidityCases))]
    public void PrecompileCallVector(string file, string name)
    {
        (_, byte[] input, bool valid) = LoadByName(file).First(x => x.Name == name);
        Assert.Equal(valid, PointEvaluationPrecompile.Instance.TryRun(input, out _));
    }

    [Fact]
    public void WrongLengthOrVersionedHashFails()
    {
        (_, byte[] input, _) = LoadExternal().First(x => x.Valid);
        Assert.True(PointEvaluationPrecompile.Instance.TryRun(input, out _));
        Assert.False(PointEvaluationPrecompile.Instance.TryRun(input[..191], out _));
        Assert.False(PointEvaluationPrecompile.Instance.TryRun([.. input, 0], out _));
        byte[] badVersion = (byte[])input.Clone();
        badVersion[0] = 0x02; // only VERSIONED_HASH_VERSION_KZG = 0x01 matches
        Assert.False(PointEvaluationPrecompile.Instance.TryRun(badVersion, out _));
        byte[] badHash = (byte[])input.Clone();
        badHash[31] ^= 1;
        Assert.False(PointEvaluationPrecompile.Instance.TryRun(badHash, out _));
    }

    [Fact]
    public void FieldConstantsMatchTheModulus()
    {
        BigInteger fromLimbs = BigInteger.Zero;
        ulong[] limbs = [BlsFp.P0, BlsFp.P1, BlsFp.P2, BlsFp.P3, BlsFp.P4, BlsFp.P5];
        for (int i = 5; i >= 0; i--) fromLimbs = (fromLimbs << 64) + limbs[i];
        Assert.Equal(BlsFp.Modulus, fromLimbs);
        Assert.Equal(BlsFp.NegInvConst, BlsFp.ComputeNegInv());
    }

    [Fact]
    public void FieldMatchesBigInteger()
    {
        BigInteger p = BlsFp.Modulus;
        var rng = new Random(14);
        for (int i = 0; i < 100; i++)
        {
            byte[] buf = new byte[49];
            rng.NextBytes(buf);
            buf[48] = 0;
            BigInteger a = new BigInteger(buf) % p;
            rng.NextBytes(buf);
            buf[48] = 0;
            BigInteger b = i == 0 ? p - 1 : new BigInteger(buf) % p;
            BlsFp fa = BlsFp.FromBigInteger(a), fb = BlsFp.FromBigInteger(b);
            Assert.Equal(a * b % p, BlsFp.Mul(fa, fb).ToBigInteger());
            Assert.Equal((a + b) % p, BlsFp.Add(fa, fb).ToBigInteger());
            Assert.Equal(((a - b) % p + p) % p, BlsFp.Sub(fa, fb).ToBigInteger());
            Assert.Equal(BigInteger.ModPow(a, p - 2, p), BlsFp.Inverse(fa).ToBigInteger());
        }
    }

    [Fact]
    public void SetupGeneratorsHaveOrderR()
    {
        Assert.False(Kzg.G1Generator.IsInfinity);
        Assert.True(JacobianPoint<BlsFp>.Multiply(Kzg.G1Generator, Curve.OrderBytes).IsInfinity);
        Assert.True(JacobianPoint<BlsFp2>.Multiply(Kzg.G2Generator, Curve.OrderBytes).IsInfinity);
        Assert.True(JacobianPoint<BlsFp2>.Multiply(Kzg.G2Tau, Curve.OrderBytes).IsInfinity);
        // The well-known generator x = 0x17f1d3a7… (the compressed encoding without its flag bits).
        Assert.True(Kzg.G1Generator.TryToAffine(out BlsFp x, out _));
        Assert.StartsWith("17f1d3a73197d794", x.ToString());
    }

    [Fact]
    public void PairingIsBilinear()
    {
        var rng = new Random(15);
        byte[] buf = new byte[32];
        rng.NextBytes(buf);
        BigInteger a = new BigInteger(buf, isUnsigned: true) % Curve.Order;
        JacobianPoint<BlsFp> p = Kzg.G1Generator;
        JacobianPoint<BlsFp2> q = Kzg.G2Generator;
        JacobianPoint<BlsFp> aP = JacobianPoint<BlsFp>.Multiply(p, Scalars.ToBytes32(a));
        JacobianPoint<BlsFp2> aQ = JacobianPoint<BlsFp2>.Multiply(q, Scalars.ToBytes32(a));
        // e(aP, Q)·e(-P, aQ) = 1, while e(aP, Q)·e(-P, (a+1)Q) ≠ 1 and e(P, Q) ≠ 1.
        Assert.True(BlsPairing.ProductIsOne([aP, p.Negate()], [q, aQ]));
        JacobianPoint<BlsFp2> a1Q = JacobianPoint<BlsFp2>.Add(aQ, q);
        Assert.False(BlsPairing.ProductIsOne([aP, p.Negate()], [q, a1Q]));
        Assert.False(BlsPairing.ProductIsOne([p], [q]));
    }
}
