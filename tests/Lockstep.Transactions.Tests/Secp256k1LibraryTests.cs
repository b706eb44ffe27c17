using System.Text.Json;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Testing;
using Nethereum.Signer;
using Xunit.Abstractions;

namespace Lockstep.Transactions.Tests;

/// <summary>
/// Every libsecp256k1 build recovery may run on (the NuGet one, and the project's tools/secp256k1/build.sh builds when
/// present: baseline, and BMI2 on a CPU that has it) must pass the same checks: the ethereum/tests TransactionTests
/// senders, Nethereum (managed BouncyCastle) as an independent oracle on random and malleated signatures, and the
/// same rejections of invalid ones.
/// </summary>
public class Secp256k1LibraryTests(ITestOutputHelper output)
{
    private static readonly string TransactionTestsRoot = Path.Combine(RepoPaths.EthereumTests, "TransactionTests");

    /// <summary>The NuGet build always; the project builds when tools/secp256k1/build.sh has run.</summary>
    private static List<Secp256k1Recovery> Libraries()
    {
        var libraries = new List<Secp256k1Recovery> { Secp256k1Recovery.LoadNuGet() };
        string? baseline = Secp256k1Library.FindProjectBuild(allowBmi2: false);
        if (baseline is not null)
        {
            libraries.Add(Secp256k1Recovery.Load(baseline));
            string bmi2 = Path.Combine(Path.GetDirectoryName(baseline)!, Secp256k1Library.Bmi2FileName);
            if (System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported && File.Exists(bmi2)) libraries.Add(Secp256k1Recovery.Load(bmi2));
        }
        return libraries;
    }

    [Fact]
    public void Default_IsTheProjectBuildWhenOneExists()
    {
        output.WriteLine(Secp256k1Library.Description);
        string? forced = Environment.GetEnvironmentVariable(Secp256k1Library.EnvironmentVariable);
        string? project = Secp256k1Library.FindProjectBuild();
        if (string.Equals(forced, "nuget", StringComparison.OrdinalIgnoreCase) || (string.IsNullOrEmpty(forced) && project is null))
        {
            Assert.True(Secp256k1Library.Default.IsNuGetBuild);
        }
        else if (string.IsNullOrEmpty(forced))
        {
            Assert.False(Secp256k1Library.Default.IsNuGetBuild);
            Assert.Contains(project!, Secp256k1Library.Description, StringComparison.Ordinal);
            // The BMI2 variant is chosen exactly when the CPU can run it.
            Assert.Equal(System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported, project!.EndsWith(Secp256k1Library.Bmi2FileName, StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(forced, Secp256k1Library.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_MissingFile_IsAClearError()
    {
        var e = Assert.Throws<DllNotFoundException>(() => Secp256k1Recovery.Load("/nonexistent/libsecp256k1.so"));
        Assert.Contains("/nonexistent/libsecp256k1.so", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// TransactionTests: every decodable case with a well-formed signature, recovered by each library. Valid cases
    /// must give the fixture's sender; every case must give the same answer on every library.
    /// </summary>
    [Fact]
    public void TransactionTests_SameSendersOnEveryLibrary()
    {
        List<Secp256k1Recovery> libraries = Libraries();
        int checkedValid = 0, compared = 0;
        var failures = new List<string>();
        Span<byte> hash = stackalloc byte[32];
        Span<byte> r = stackalloc byte[32];
        Span<byte> s = stackalloc byte[32];
        foreach (string file in Directory.GetFiles(TransactionTestsRoot, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonProperty test in doc.RootElement.EnumerateObject())
            {
                Transaction tx;
                try { tx = TransactionDecoder.Decode(Hex.Decode(test.Value.GetProperty("txbytes").GetString()!)); }
                catch (Exception e) when (e is FormatException or TransactionDecodeException) { continue; }
                if (!TrySignatureInputs(tx, out UInt256? signingChainId, out int recoveryId)) continue;
                if (tx.R.IsZero || tx.R >= Ecdsa.N || tx.S.IsZero || tx.S >= Ecdsa.N) continue;
                tx.SigningHash(signingChainId).CopyTo(hash);
                tx.R.WriteBigEndian(r);
                tx.S.WriteBigEndian(s);

                string name = $"{Path.GetFileName(file)}/{test.Name}";
                bool firstOk = libraries[0].TryRecoverAddress(hash, r, s, recoveryId, out Address first);
                foreach (Secp256k1Recovery library in libraries)
                {
                    bool ok = library.TryRecoverAddress(hash, r, s, recoveryId, out Address sender);
                    if (ok != firstOk || sender != first) failures.Add($"{name}: {library.Description} gave {ok} {sender}, the NuGet build {firstOk} {first}");
                }
                compared++;
                JsonElement results = test.Value.GetProperty("result");
                if (results.TryGetProperty("Cancun", out JsonElement cancun) && cancun.TryGetProperty("sender", out JsonElement expected))
                {
                    checkedValid++;
                    if (!firstOk || first != Address.FromHex(expected.GetString()!)) failures.Add($"{name}: sender {first}, expected {expected.GetString()}");
                }
            }
        }
        output.WriteLine($"{libraries.Count} libraries, {compared} signatures compared, {checkedValid} fixture senders checked");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.True(checkedValid >= 50, $"only {checkedValid} valid cases found"); // this copy of the suite has 50
    }

    /// <summary>Random keys and digests, signed by Nethereum (RFC 6979), with both the signature and its high-s twin.</summary>
    [Fact]
    public void RandomSignatures_MatchNethereumOnEveryLibrary()
    {
        List<Secp256k1Recovery> libraries = Libraries();
        var rng = new Random(20261127);
        byte[] key = new byte[32], hash = new byte[32];
        for (int i = 0; i < 100; i++)
        {
            rng.NextBytes(key);
            key[0] &= 0x7f;
            key[31] |= 1;
            rng.NextBytes(hash);
            var ethKey = new EthECKey(key, true);
            Address signer = Address.FromHex(ethKey.GetPublicAddress());
            EthECDSASignature signature = ethKey.SignAndCalculateV(hash);
            int recoveryId = signature.V[0] - 27;
            byte[] r = new UInt256(signature.R).ToBigEndian();
            var sValue = new UInt256(signature.S);
            byte[] s = sValue.ToBigEndian();
            byte[] highS = (Ecdsa.N - sValue).ToBigEndian();
            foreach (Secp256k1Recovery library in libraries)
            {
                Assert.True(library.TryRecoverAddress(hash, r, s, recoveryId, out Address a), library.Description);
                Assert.Equal(signer, a);
                // ecrecover accepts high s (only transactions reject it, EIP-2): n - s with the other parity is the same key.
                Assert.True(library.TryRecoverAddress(hash, r, highS, 1 - recoveryId, out Address b), library.Description);
                Assert.Equal(signer, b);
                // The wrong parity recovers another key or none, never the signer.
                if (library.TryRecoverAddress(hash, r, s, 1 - recoveryId, out Address c)) Assert.NotEqual(signer, c);

                byte[] publicKey = new byte[64];
                Assert.True(library.TryRecoverPublicKey(hash, r, s, recoveryId, publicKey));
                Assert.Equal(ethKey.GetPubKeyNoPrefix(), publicKey);
            }
        }
    }

    [Fact]
    public void InvalidSignatures_AreRejectedByEveryLibrary()
    {
        byte[] hash = Keccak256.Compute("lockstep"u8).ToArray();
        byte[] key = new byte[32];
        key[31] = 9;
        var (rValue, sValue, recoveryId) = Ecdsa.Sign(hash, key);
        byte[] r = rValue.ToBigEndian(), s = sValue.ToBigEndian();
        byte[] zero = new byte[32], n = Ecdsa.N.ToBigEndian(), max = UInt256.MaxValue.ToBigEndian();
        // x = 5 is not the x of any point: 5^3 + 7 = 132 is a quadratic non-residue mod p (checked with Euler's
        // criterion below), so no R exists and recovery must fail.
        byte[] notOnCurve = new UInt256(5).ToBigEndian();
        System.Numerics.BigInteger p = System.Numerics.BigInteger.Parse("115792089237316195423570985008687907853269984665640564039457584007908834671663");
        Assert.Equal(p - 1, System.Numerics.BigInteger.ModPow(132, (p - 1) / 2, p));

        foreach (Secp256k1Recovery library in Libraries())
        {
            Assert.True(library.TryRecoverAddress(hash, r, s, recoveryId, out _));
            Assert.False(library.TryRecoverAddress(hash, zero, s, recoveryId, out Address a));
            Assert.Equal(default, a);
            Assert.False(library.TryRecoverAddress(hash, r, zero, recoveryId, out _));
            Assert.False(library.TryRecoverAddress(hash, n, s, recoveryId, out _));
            Assert.False(library.TryRecoverAddress(hash, r, n, recoveryId, out _));
            Assert.False(library.TryRecoverAddress(hash, max, s, recoveryId, out _));
            Assert.False(library.TryRecoverAddress(hash, notOnCurve, s, 0, out _));
            Assert.False(library.TryRecoverAddress(hash, notOnCurve, s, 1, out _));
            Assert.False(library.TryRecoverAddress(hash, r, s, 2, out _));
            Assert.False(library.TryRecoverAddress(hash, r, s, -1, out _));
            Assert.False(library.TryRecoverAddress(hash.AsSpan(1), r, s, recoveryId, out _));
            Assert.False(library.TryRecoverAddress(hash, r.AsSpan(1), s, recoveryId, out _));
            Assert.False(library.TryRecoverPublicKey(hash, r, s, recoveryId, new byte[63]));
        }
    }

    /// <summary>The same split as <see cref="Transaction.TryRecoverSender"/>, without its EIP-2 and chain-id rules.</summary>
    private static bool TrySignatureInputs(Transaction tx, out UInt256? signingChainId, out int recoveryId)
    {
        signingChainId = null;
        recoveryId = 0;
        if (tx.Type == TxType.System) return false;
        if (tx.Type != TxType.Legacy)
        {
            if (tx.V > 1) return false;
            signingChainId = tx.ChainId;
            recoveryId = (int)tx.V.U0;
            return true;
        }
        if (tx.V == 27 || tx.V == 28)
        {
            recoveryId = (int)(tx.V.U0 - 27);
            return true;
        }
        if (tx.V < 35) return false;
        UInt256 offset = tx.V - 35;
        signingChainId = offset >> 1;
        recoveryId = (int)(offset.U0 & 1);
        return true;
    }
}
