using System.Numerics;
using Lockstep.Evm.Precompiles;
using Nethereum.Signer;
using static Lockstep.Precompiles.Tests.TestUtil;

namespace Lockstep.Precompiles.Tests;

/// <summary>0x01 ecrecover with Nethereum's EthECKey as the signing and address oracle.</summary>
public class EcRecoverTests
{
    private static readonly BigInteger N = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337");

    private static (byte[] Input, byte[] Address) Signed(int seed)
    {
        var rng = new Random(seed);
        byte[] priv = new byte[32];
        rng.NextBytes(priv);
        priv[0] &= 0x7f; // below n
        priv[31] |= 1;   // non-zero
        var key = new EthECKey(priv, true);
        byte[] hash = new byte[32];
        rng.NextBytes(hash);
        EthECDSASignature sig = key.SignAndCalculateV(hash);
        byte[] address = Convert.FromHexString(key.GetPublicAddress()[2..]);
        byte[] v = new byte[32];
        v[31] = sig.V[0];
        return (Concat(hash, v, Word(new BigInteger(sig.R, isUnsigned: true, isBigEndian: true)), Word(new BigInteger(sig.S, isUnsigned: true, isBigEndian: true))), address);
    }

    private static byte[] Run(byte[] input)
    {
        Assert.True(EcRecoverPrecompile.Instance.TryRun(input, out byte[] output)); // ecrecover never fails the call
        return output;
    }

    [Fact]
    public void RecoversTheSignerAsA32ByteWord()
    {
        for (int seed = 0; seed < 10; seed++)
        {
            (byte[] input, byte[] address) = Signed(seed);
            byte[] output = Run(input);
            Assert.Equal(32, output.Length);
            Assert.Equal(new byte[12], output[..12]);
            Assert.Equal(address, output[12..]);
            // Extra input beyond 128 bytes is ignored.
            Assert.Equal(output, Run([.. input, 1, 2, 3]));
        }
    }

    [Fact]
    public void FlippedVRecoversADifferentKeyOrNothing()
    {
        (byte[] input, byte[] address) = Signed(20);
        input[63] = (byte)(input[63] == 27 ? 28 : 27);
        byte[] output = Run(input);
        Assert.True(output.Length == 0 || !output.AsSpan(12).SequenceEqual(address));
    }

    [Fact]
    public void InvalidSignaturesGiveEmptyOutput()
    {
        (byte[] input, _) = Signed(30);
        byte[] badV = (byte[])input.Clone();
        badV[63] = 29;
        Assert.Empty(Run(badV));
        byte[] v0 = (byte[])input.Clone();
        v0[63] = 0;
        Assert.Empty(Run(v0));
        byte[] highV = (byte[])input.Clone();
        highV[32] = 1; // v must be 27/28 as a whole word
        Assert.Empty(Run(highV));
        byte[] rZero = (byte[])input.Clone();
        Array.Clear(rZero, 64, 32);
        Assert.Empty(Run(rZero));
        byte[] sZero = (byte[])input.Clone();
        Array.Clear(sZero, 96, 32);
        Assert.Empty(Run(sZero));
        byte[] rN = (byte[])input.Clone();
        Word(N).CopyTo(rN, 64);
        Assert.Empty(Run(rN));
        byte[] sN = (byte[])input.Clone();
        Word(N).CopyTo(sN, 96);
        Assert.Empty(Run(sN));
        Assert.Empty(Run([]));
    }

    [Fact]
    public void HighSIsAccepted()
    {
        // Unlike transactions (EIP-2), the precompile accepts s > n/2: (r, n - s) with the other v recovers the same key.
        (byte[] input, byte[] address) = Signed(40);
        BigInteger s = new(input.AsSpan(96, 32), isUnsigned: true, isBigEndian: true);
        byte[] flipped = (byte[])input.Clone();
        Word(N - s).CopyTo(flipped, 96);
        flipped[63] = (byte)(input[63] == 27 ? 28 : 27);
        Assert.Equal(address, Run(flipped)[12..]);
    }

    [Fact]
    public void GasIsFlat3000() => Assert.Equal(3000, EcRecoverPrecompile.Instance.RequiredGas(new byte[500]));
}
