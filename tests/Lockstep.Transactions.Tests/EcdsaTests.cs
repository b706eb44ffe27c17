using System.Numerics;
using System.Text.Json;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Testing;
using Nethereum.Signer;

namespace Lockstep.Transactions.Tests;

/// <summary>secp256k1 against BasicTests/keyaddrtest.json and Nethereum (an independent, managed implementation) as oracle.</summary>
public class EcdsaTests
{
    private static readonly string KeyAddrPath = Path.Combine(RepoPaths.EthereumTests, "BasicTests", "keyaddrtest.json");

    // sig_of_emptystring is not checked: the file does not say which 32-byte digest was signed
    // (neither keccak("") nor 32 zero bytes recovers the listed address).
    [Fact]
    public void KeyAddrTest_PrivateKeyToAddress()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(KeyAddrPath));
        int count = 0;
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            byte[] key = Hex.Decode(e.GetProperty("key").GetString()!);
            Address expected = Address.FromHex(e.GetProperty("addr").GetString()!);
            Assert.Equal(expected, Ecdsa.PrivateKeyToAddress(key));

            count++;
        }
        Assert.Equal(2, count); // the file holds two vectors (cow, horse)
    }

    [Fact]
    public void SignThenRecover_MatchesNethereum()
    {
        var rng = new Random(12345);
        var key = new byte[32];
        var hash = new byte[32];
        for (int i = 0; i < 50; i++)
        {
            rng.NextBytes(key);
            key[0] &= 0x7f; // keep below n
            if (key.All(b => b == 0)) key[31] = 1;
            rng.NextBytes(hash);

            var ethKey = new EthECKey(key, true);
            Address oracleAddress = Address.FromHex(ethKey.GetPublicAddress());
            Assert.Equal(oracleAddress, Ecdsa.PrivateKeyToAddress(key));

            var (r, s, recId) = Ecdsa.Sign(hash, key);
            Assert.True(s <= Ecdsa.HalfN, "signature must be low-s (EIP-2)");
            Assert.True(Ecdsa.TryRecoverAddress(hash, r.ToBigEndian(), s.ToBigEndian(), recId, out Address recovered));
            Assert.Equal(oracleAddress, recovered);

            // RFC 6979 is deterministic, so Nethereum (BouncyCastle HMacDsaKCalculator) must produce the same r and s.
            EthECDSASignature oracleSig = ethKey.SignAndCalculateV(hash);
            Assert.Equal(new UInt256(oracleSig.R), r);
            Assert.Equal(new UInt256(oracleSig.S), s);
            Assert.Equal(oracleSig.V[0] - 27, recId);

            // Recovering with the other id yields some other key (or fails), never the signer.
            if (Ecdsa.TryRecoverAddress(hash, r.ToBigEndian(), s.ToBigEndian(), 1 - recId, out Address other))
                Assert.NotEqual(oracleAddress, other);
        }
    }

    [Fact]
    public void Recover_RejectsOutOfRangeValues()
    {
        byte[] key = new byte[32]; key[31] = 7;
        byte[] hash = Keccak256.Compute([1, 2, 3]).ToArray();
        var (r, s, recId) = Ecdsa.Sign(hash, key);
        byte[] rb = r.ToBigEndian(), sb = s.ToBigEndian();
        byte[] zero = new byte[32];
        byte[] n = Ecdsa.N.ToBigEndian();
        Assert.False(Ecdsa.TryRecoverAddress(hash, zero, sb, recId, out _));
        Assert.False(Ecdsa.TryRecoverAddress(hash, rb, zero, recId, out _));
        Assert.False(Ecdsa.TryRecoverAddress(hash, n, sb, recId, out _));
        Assert.False(Ecdsa.TryRecoverAddress(hash, rb, n, recId, out _));
        Assert.False(Ecdsa.TryRecoverAddress(hash, rb, sb, 2, out _));
        Assert.False(Ecdsa.TryRecoverAddress(hash, rb, sb, -1, out _));
        // High s (n - s) is accepted by ecrecover semantics and recovers the same key with the flipped id.
        byte[] highS = (Ecdsa.N - s).ToBigEndian();
        Assert.True(Ecdsa.TryRecoverAddress(hash, rb, highS, 1 - recId, out Address a));
        Assert.Equal(Ecdsa.PrivateKeyToAddress(key), a);
    }

    [Fact]
    public void HalfN_IsHalfOfN()
    {
        BigInteger n = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337");
        Assert.Equal(n, Ecdsa.N.ToBigInteger());
        Assert.Equal(n / 2, Ecdsa.HalfN.ToBigInteger());
    }

    [Fact]
    public void Recover_IsThreadSafe()
    {
        var keys = new byte[64][];
        var addrs = new Address[64];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Keccak256.Compute(BitConverter.GetBytes(i)).ToArray();
            addrs[i] = Address.FromHex(new EthECKey(keys[i], true).GetPublicAddress());
        }
        int failures = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int k = i % keys.Length;
            byte[] hash = Keccak256.Compute(BitConverter.GetBytes(i * 31)).ToArray();
            var (r, s, id) = Ecdsa.Sign(hash, keys[k]);
            if (!Ecdsa.TryRecoverAddress(hash, r.ToBigEndian(), s.ToBigEndian(), id, out Address a) || a != addrs[k])
                Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }
}
