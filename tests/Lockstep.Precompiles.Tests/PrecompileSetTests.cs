using Lockstep.Evm.Precompiles;
using Lockstep.Primitives;

namespace Lockstep.Precompiles.Tests;

public class PrecompileSetTests
{
    [Fact]
    public void AddressesOneToTenAreImplemented()
    {
        Type[] expected =
        [
            typeof(EcRecoverPrecompile), typeof(Sha256Precompile), typeof(Ripemd160Precompile), typeof(IdentityPrecompile),
            typeof(ModExpPrecompile), typeof(Bn256AddPrecompile), typeof(Bn256ScalarMulPrecompile), typeof(Bn256PairingPrecompile),
            typeof(Blake2FPrecompile), typeof(PointEvaluationPrecompile),
        ];
        for (uint i = 1; i <= 10; i++)
        {
            Assert.True(PrecompileSet.TryGet(Address.FromNumber(i), out IPrecompile p));
            Assert.IsType(expected[i - 1], p);
            Assert.True(PrecompileSet.IsPrecompileAddress(Address.FromNumber(i)));
        }
        Assert.False(PrecompileSet.TryGet(Address.FromNumber(0), out _));
        Assert.False(PrecompileSet.TryGet(Address.FromNumber(11), out _));
        Assert.False(PrecompileSet.IsPrecompileAddress(Address.FromNumber(11)));
        Assert.Equal(10, PrecompileSet.Addresses.Count);
    }
}
