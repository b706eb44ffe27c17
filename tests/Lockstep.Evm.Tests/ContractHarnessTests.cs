using System.Numerics;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;

namespace Lockstep.Evm.Tests;

/// <summary>The shared contract harness deploys real solc output and runs ERC20 calls; ABI by Nethereum (independent).</summary>
public class ContractHarnessTests
{
    private static readonly Address Alice = Address.FromHex("0x00000000000000000000000000000000000a11ce");
    private static readonly Address Bob = Address.FromHex("0x0000000000000000000000000000000000000b0b");

    private static byte[] Encode(string signature, params (string Type, object Value)[] args)
    {
        var encoder = new FunctionCallEncoder();
        var parameters = args.Select((a, i) => new Parameter(a.Type, i + 1)).ToArray();
        string sha = Nethereum.Util.Sha3Keccack.Current.CalculateHash(signature)[..8];
        return Hex.Decode(encoder.EncodeRequest(sha, parameters, args.Select(a => a.Value).ToArray()));
    }

    [Fact]
    public void Deploys_transfers_and_reads_without_changing_state_on_call()
    {
        var chain = new ContractHarness { ChainId = 7 };
        ContractArtifact token = ContractArtifact.Load("BenchToken");
        byte[] ctor = new ParametersEncoder().EncodeParameters([new Parameter("uint256", 1)], [new BigInteger(1000)]);
        Address tokenAddress = chain.Deploy(Alice, token, ctor);
        Assert.Equal(token.DeployedBytecode, chain.State.GetCode(tokenAddress));

        TransactionResult sent = chain.Send(Alice, tokenAddress, Encode("transfer(address,uint256)", ("address", Bob.ToString()), ("uint256", new BigInteger(250))));
        Assert.True(sent.Success);
        Assert.Single(sent.Logs); // Transfer event

        TransactionResult balance = chain.Call(Bob, tokenAddress, Encode("balanceOf(address)", ("address", Bob.ToString())));
        Assert.Equal(new BigInteger(250), new BigInteger(balance.Output, isUnsigned: true, isBigEndian: true));
        Assert.Equal(0UL, chain.State.GetNonce(Bob));

        TransactionResult tooMuch = chain.Send(Bob, tokenAddress, Encode("transfer(address,uint256)", ("address", Alice.ToString()), ("uint256", new BigInteger(251))));
        Assert.False(tooMuch.Success);
        Assert.Equal(1UL, chain.State.GetNonce(Bob)); // a reverted transaction still takes its nonce
    }
}
