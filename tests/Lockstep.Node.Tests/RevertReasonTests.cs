using System.Numerics;
using Nethereum.ABI;

namespace Lockstep.Node.Tests;

/// <summary>Revert data decoding (Solidity docs: Error(string) and Panic(uint256)), encoded with Nethereum.ABI.</summary>
public sealed class RevertReasonTests
{
    private static byte[] Selector(string sig) => new Nethereum.Util.Sha3Keccack().CalculateHash(System.Text.Encoding.UTF8.GetBytes(sig))[..4];

    [Fact]
    public void Error_string_is_decoded()
    {
        byte[] data = [.. Selector("Error(string)"), .. new ABIEncode().GetABIEncoded(new ABIValue("string", "not enough ünïcode"))];
        Assert.Equal("not enough ünïcode", RevertReason.Decode(data));
    }

    [Fact]
    public void Panic_codes_are_named()
    {
        byte[] data = [.. Selector("Panic(uint256)"), .. new ABIEncode().GetABIEncoded(new ABIValue("uint256", new BigInteger(0x12)))];
        Assert.Equal("panic: division or modulo by zero (0x12)", RevertReason.Decode(data));
    }

    [Theory]
    [InlineData("")]
    [InlineData("08c379a0")]
    [InlineData("08c379a0000000000000000000000000000000000000000000000000000000000000ffff00000000000000000000000000000000000000000000000000000000000000ff")]
    [InlineData("deadbeef0000000000000000000000000000000000000000000000000000000000000001")]
    public void Anything_else_has_no_reason(string hex) => Assert.Null(RevertReason.Decode(Convert.FromHexString(hex)));
}
