using Lockstep.Evm;

namespace Lockstep.Evm.Tests;

/// <summary>The KECCAK256 memo for 65..1024-byte inputs (<see cref="RecentHashCache"/>) against an independent Keccak.</summary>
public class RecentHashCacheTests
{
    [Fact]
    public void EveryAnswerEqualsTheUncachedHashThroughEvictionsNearMissesAndLengths()
    {
        var cache = new RecentHashCache();
        var random = new Random(6);
        var inputs = new List<byte[]>();
        for (int i = 0; i < 400; i++)
        {
            // Lengths around the bounds (64 and 1024 are hashed directly), the 256-byte message shape most often.
            int length = (i % 4) switch { 0 => 256, 1 => random.Next(60, 70), 2 => random.Next(1020, 1030), _ => random.Next(65, 1025) };
            var input = new byte[length];
            if (i % 2 == 0) random.NextBytes(input);
            else input[^1] = (byte)random.Next(8); // few distinct values: repeats that evict each other
            inputs.Add(input);
            byte[] nearMiss = (byte[])input.Clone();
            nearMiss[random.Next(length)] ^= (byte)(1 << random.Next(8));
            inputs.Add(nearMiss);
            // Same first and last words, same length, one byte different in the middle: same index, must not hit.
            if (length > 80)
            {
                byte[] middle = (byte[])input.Clone();
                middle[length / 2] ^= 0x80;
                inputs.Add(middle);
            }
            // A prefix of a cached input (a different length) must not be answered from it.
            if (length > 70) inputs.Add(input[..(length - 1)]);
        }
        KeccakMemoCheck.EveryAnswerIsTheOracles(input => cache.Compute(input), inputs);
    }

    [Fact]
    public void Keccak256OpcodeOnTwoHundredFiftySixBytesTwiceGivesTheOracleHash()
    {
        // mstore(0x00, 7); mstore(0xe0, 1) (a 256-byte region, like a message hash's input); keccak256(0, 256) twice
        // into 0x100 and 0x120; return both words.
        byte[] code = EvmHarness.Code(
            "6007600052" + "600160e052" + "6101006000" + "20" + "61010052" + "6101006000" + "20" + "61012052" + "6040610100" + "f3");
        var input = new byte[256];
        input[31] = 7;
        input[255] = 1;
        KeccakMemoCheck.OpcodeTwiceGivesTheOracleHash(code, input);
    }
}
