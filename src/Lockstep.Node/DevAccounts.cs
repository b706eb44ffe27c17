using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Secp256k1Net;

namespace Lockstep.Node;

/// <summary>A funded development account: its address and private key.</summary>
public sealed record DevAccount(Address Address, byte[] PrivateKey)
{
    /// <summary>The private key as 0x-prefixed hex (what anvil prints).</summary>
    public string PrivateKeyHex => Hex.Encode(PrivateKey);
}

/// <summary>
/// Derives the dev accounts of a BIP-39 mnemonic along m/44'/60'/0'/0/i, the path anvil, Hardhat and MetaMask use,
/// so the standard test mnemonic gives the addresses every tool already knows.
/// </summary>
public static class DevAccounts
{
    /// <summary>The mnemonic anvil and Hardhat fund by default.</summary>
    public const string TestMnemonic = "test test test test test test test test test test test junk";

    private const uint Hardened = 0x8000_0000;
    private static readonly BigInteger CurveOrder = new(Ecdsa.N.ToBigEndian(), isUnsigned: true, isBigEndian: true);

    /// <summary>The first <paramref name="count"/> accounts of <paramref name="mnemonic"/>.</summary>
    public static IReadOnlyList<DevAccount> Derive(string mnemonic, int count, string passphrase = "")
    {
        byte[] seed = MnemonicToSeed(mnemonic, passphrase);
        var (key, chain) = Master(seed);
        // m/44'/60'/0'/0 once, then the index as the last (non-hardened) level.
        foreach (uint index in (uint[])[44 | Hardened, 60 | Hardened, 0 | Hardened, 0])
            (key, chain) = Child(key, chain, index);
        var accounts = new DevAccount[count];
        for (int i = 0; i < count; i++)
        {
            var (childKey, _) = Child(key, chain, (uint)i);
            accounts[i] = new DevAccount(Ecdsa.PrivateKeyToAddress(childKey), childKey);
        }
        return accounts;
    }

    /// <summary>BIP-39: PBKDF2-HMAC-SHA512 over the NFKD mnemonic, salt "mnemonic" + passphrase, 2048 rounds, 64 bytes.</summary>
    public static byte[] MnemonicToSeed(string mnemonic, string passphrase = "")
    {
        byte[] password = Encoding.UTF8.GetBytes(mnemonic.Normalize(NormalizationForm.FormKD));
        byte[] salt = Encoding.UTF8.GetBytes(("mnemonic" + passphrase).Normalize(NormalizationForm.FormKD));
        return Rfc2898DeriveBytes.Pbkdf2(password, salt, 2048, HashAlgorithmName.SHA512, 64);
    }

    // BIP-32 master key: HMAC-SHA512(key = "Bitcoin seed", seed) split into key (left) and chain code (right).
    private static (byte[] Key, byte[] Chain) Master(byte[] seed)
    {
        byte[] i = HMACSHA512.HashData("Bitcoin seed"u8, seed);
        return (i[..32], i[32..]);
    }

    // BIP-32 CKDpriv: hardened children hash 0x00 || k, others the compressed public key; child = (IL + k) mod n.
    private static (byte[] Key, byte[] Chain) Child(byte[] key, byte[] chain, uint index)
    {
        var data = new byte[37];
        if (index >= Hardened) key.CopyTo(data, 1);
        else CompressedPublicKey(key).CopyTo(data, 0);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(33), index);
        byte[] i = HMACSHA512.HashData(chain, data);
        BigInteger il = new(i.AsSpan(0, 32), isUnsigned: true, isBigEndian: true);
        BigInteger k = new(key, isUnsigned: true, isBigEndian: true);
        // IL >= n or a zero child is astronomically unlikely (probability ~2^-127); BIP-32 says skip the index.
        if (il >= CurveOrder) throw new InvalidOperationException($"BIP-32 child {index} is invalid; use the next index");
        BigInteger child = (il + k) % CurveOrder;
        if (child.IsZero) throw new InvalidOperationException($"BIP-32 child {index} is zero; use the next index");
        var childKey = new byte[32];
        child.TryWriteBytes(childKey.AsSpan(32 - child.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return (childKey, i[32..]);
    }

    private static byte[] CompressedPublicKey(byte[] privateKey)
    {
        using var ctx = new Secp256k1();
        var pub = new byte[64];
        if (!ctx.EcPubkeyCreate(pub, privateKey)) throw new ArgumentException("invalid private key");
        var serialized = new byte[33];
        nuint len = 33;
        if (!ctx.EcPubkeySerialize(serialized, ref len, pub, Secp256k1EcFlags.Compressed)) throw new InvalidOperationException("public key serialization failed");
        return serialized;
    }
}
