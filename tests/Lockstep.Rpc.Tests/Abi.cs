using System.Numerics;
using Lockstep.Primitives;
using Nethereum.ABI;

namespace Lockstep.Rpc.Tests;

/// <summary>ABI call data built with Nethereum's encoder and keccak (independent of our code).</summary>
internal static class Abi
{
    private static readonly Nethereum.Util.Sha3Keccack Keccak = new();

    public static byte[] Selector(string signature) => Keccak.CalculateHash(System.Text.Encoding.UTF8.GetBytes(signature))[..4];

    public static string Topic(string eventSignature) => Hex.Encode(Keccak.CalculateHash(System.Text.Encoding.UTF8.GetBytes(eventSignature)));

    public static byte[] Call(string signature, params ABIValue[] args) => [.. Selector(signature), .. new ABIEncode().GetABIEncoded(args)];

    public static ABIValue Address(Address a) => new("address", a.ToString());

    public static ABIValue Uint(BigInteger v) => new("uint256", v);

    public static string Hex32(Address a) => "0x" + new string('0', 24) + a.ToString()[2..];

    public static string Word(BigInteger v) => "0x" + v.ToString("x64").TrimStart('0').PadLeft(64, '0');
}
