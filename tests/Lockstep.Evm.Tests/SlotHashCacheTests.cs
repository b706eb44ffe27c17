using Lockstep.Evm;
using Lockstep.Primitives;
using Nethereum.Util;

namespace Lockstep.Evm.Tests;

/// <summary>What both KECCAK256 memos are checked with: an independent Keccak and the opcode run twice.</summary>
internal static class KeccakMemoCheck
{
    public static Hash256 Oracle(byte[] input) => new(Sha3Keccack.Current.CalculateHash(input));

    /// <summary>Every answer of <paramref name="compute"/> equals the oracle's, over three passes (forwards, backwards, forwards).</summary>
    public static void EveryAnswerIsTheOracles(Func<byte[], Hash256> compute, List<byte[]> inputs)
    {
        for (int round = 0; round < 3; round++)
        {
            foreach (byte[] input in inputs)
                Assert.Equal(Oracle(input), compute(input));
            inputs.Reverse();
        }
    }

    /// <summary>
    /// Runs <paramref name="code"/> (two KECCAK256 of the same memory, both words returned) and checks both words are the
    /// oracle's hash of <paramref name="input"/>.
    /// </summary>
    public static void OpcodeTwiceGivesTheOracleHash(byte[] code, byte[] input)
    {
        var (result, _) = EvmHarness.Run(code, 100_000);
        Assert.True(result.Success);
        byte[] expected = Oracle(input).ToArray();
        Assert.Equal([.. expected, .. expected], result.Output);
    }
}

/// <summary>The KECCAK256 memo for 64-byte inputs (<see cref="SlotHashCache"/>) against an independent Keccak.</summary>
public class SlotHashCacheTests
{

    [Fact]
    public void ZeroSubtreeHashesMatchTheSolidityConstants()
    {
        // MessageTreeLib.zeroHashes: z[1] = keccak256(0^64), z[2] = keccak256(z[1] ++ z[1]) (written in the contract source).
        var cache = new SlotHashCache();
        var zeros = new byte[64];
        for (int pass = 0; pass < 2; pass++) // the second pass answers from the cache
        {
            Hash256 z1 = cache.Compute(zeros);
            Assert.Equal(Hash256.FromHex("0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"), z1);
            var pair = new byte[64];
            z1.CopyTo(pair);
            z1.CopyTo(pair.AsSpan(32));
            Assert.Equal(Hash256.FromHex("0xb4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30"), cache.Compute(pair));
        }
    }

    [Fact]
    public void EveryAnswerEqualsTheUncachedHashThroughEvictionsAndNearMisses()
    {
        var cache = new SlotHashCache();
        var random = new Random(4);
        // Mapping-slot shaped inputs (small keys, small slot numbers) repeat and evict each other; inputs that differ in
        // one byte from a cached one must not be answered from it.
        var inputs = new List<byte[]>();
        for (int i = 0; i < 3000; i++)
        {
            var input = new byte[64];
            if (i % 3 == 0) random.NextBytes(input);
            else
            {
                input[31] = (byte)random.Next(40);
                input[63] = (byte)random.Next(4);
            }
            inputs.Add(input);
            byte[] nearMiss = (byte[])input.Clone();
            nearMiss[random.Next(64)] ^= (byte)(1 << random.Next(8));
            inputs.Add(nearMiss);
        }
        KeccakMemoCheck.EveryAnswerIsTheOracles(input => cache.Compute(input), inputs);
    }

    [Fact]
    public void Keccak256OpcodeOnSixtyFourBytesTwiceGivesTheSameHashAsTheOracle()
    {
        // mstore(0, 7); mstore(32, 1); keccak256(0, 64) twice; return both words.
        byte[] code = EvmHarness.Code(
            "6007600052" + "6001602052" + "60406000" + "20" + "604052" + "60406000" + "20" + "606052" + "60406040" + "f3");
        var input = new byte[64];
        input[31] = 7;
        input[63] = 1;
        KeccakMemoCheck.OpcodeTwiceGivesTheOracleHash(code, input);
    }
}
