using System.Diagnostics;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.Node.Tests;

/// <summary>BIP-39/BIP-32 dev keys checked against foundry's own derivation (`cast wallet private-key`).</summary>
public sealed class DevAccountsTests
{
    private static string Cast => Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "cast-linux-amd64", "bin", "cast");

    private static string RunCast(params string[] args)
    {
        var psi = new ProcessStartInfo(Cast) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        return output.Trim();
    }

    [Fact]
    public void Test_mnemonic_keys_match_cast()
    {
        IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 4);
        foreach (int i in new[] { 0, 1, 3 })
        {
            string key = RunCast("wallet", "private-key", DevAccounts.TestMnemonic, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(key.ToLowerInvariant(), accounts[i].PrivateKeyHex);
            string address = RunCast("wallet", "address", "--private-key", key);
            Assert.Equal(address.ToLowerInvariant(), accounts[i].Address.ToString());
        }
    }

    [Fact]
    public void Another_mnemonic_gives_other_keys_that_match_cast()
    {
        const string mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        DevAccount first = DevAccounts.Derive(mnemonic, 1)[0];
        Assert.Equal(RunCast("wallet", "private-key", mnemonic, "0").ToLowerInvariant(), first.PrivateKeyHex);
        Assert.Equal(Ecdsa.PrivateKeyToAddress(first.PrivateKey), first.Address);
    }

    [Fact]
    public void Seed_matches_the_bip39_test_vector()
    {
        // BIP-39 reference vector (trezor/python-mnemonic vectors.json): "abandon ... about" with passphrase "TREZOR".
        byte[] seed = DevAccounts.MnemonicToSeed("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "TREZOR");
        Assert.Equal("0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04", Hex.Encode(seed));
    }
}
