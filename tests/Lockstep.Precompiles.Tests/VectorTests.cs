using System.Text.Json;
using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;

namespace Lockstep.Precompiles.Tests;

/// <summary>Runs the go-ethereum precompile vectors in <c>Vectors/</c> (see its README for provenance).</summary>
public class VectorTests
{
    private sealed record Vector(string Name, string Input, string? Expected, long Gas, string? ExpectedError);

    private static IEnumerable<Vector> Load(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Vectors", file);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            yield return new Vector(
                e.GetProperty("Name").GetString()!,
                e.GetProperty("Input").GetString()!,
                e.TryGetProperty("Expected", out JsonElement x) ? x.GetString() : null,
                e.TryGetProperty("Gas", out JsonElement g) ? g.GetInt64() : -1,
                e.TryGetProperty("ExpectedError", out JsonElement err) ? err.GetString() : null);
        }
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in new[] { "ecRecover.json", "modexp_eip2565.json", "bn256Add.json", "bn256ScalarMul.json", "bn256Pairing.json", "blake2F.json", "fail-blake2f.json", "pointEvaluation.json" })
            foreach (Vector v in Load(file))
                data.Add(file, v.Name);
        return data;
    }

    private static IPrecompile For(string file) => file switch
    {
        "ecRecover.json" => EcRecoverPrecompile.Instance,
        "modexp_eip2565.json" => ModExpPrecompile.Instance,
        "bn256Add.json" => Bn256AddPrecompile.Instance,
        "bn256ScalarMul.json" => Bn256ScalarMulPrecompile.Instance,
        "bn256Pairing.json" => Bn256PairingPrecompile.Instance,
        "pointEvaluation.json" => PointEvaluationPrecompile.Instance,
        _ => Blake2FPrecompile.Instance,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GethVector(string file, string name)
    {
        Vector v = Load(file).First(x => x.Name == name);
        IPrecompile precompile = For(file);
        byte[] input = Hex.Decode(v.Input);
        bool ok = precompile.TryRun(input, out byte[] output);
        if (v.ExpectedError is not null)
        {
            Assert.False(ok, v.ExpectedError);
            return;
        }
        Assert.True(ok);
        Assert.Equal(v.Expected, Convert.ToHexStringLower(output));
        Assert.Equal(v.Gas, precompile.RequiredGas(input));
    }
}
