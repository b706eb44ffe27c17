using System.Numerics;
using CsCheck;
using Lockstep.Primitives;
using static Lockstep.Primitives.Tests.UInt256Oracle;

namespace Lockstep.Primitives.Tests;

/// <summary>
/// Round trips of Hash256, Address and Hex through bytes, text and UInt256. The expected text is built here digit by
/// digit and the expected integers with BigInteger, independently of the code under test.
/// </summary>
public class HashAddressHexTests
{
    private static readonly Gen<byte[]> Bytes20 = Gen.Byte.Array[20];
    private static readonly Gen<byte[]> Bytes32 = Gen.Byte.Array[32];

    /// <summary>Lower-case hex written one nibble at a time.</summary>
    private static string ReferenceHex(byte[] bytes)
    {
        const string digits = "0123456789abcdef";
        var chars = new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = digits[bytes[i] >> 4];
            chars[2 * i + 1] = digits[bytes[i] & 15];
        }
        return new string(chars);
    }

    private static BigInteger BigEndian(byte[] bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    private static int LexicographicCompare(byte[] x, byte[] y)
    {
        for (int i = 0; i < x.Length; i++)
            if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
        return 0;
    }

    // ---- Hex ------------------------------------------------------------------------

    [Fact]
    public void HexRoundTrip() => Check(Gen.Byte.Array[0, 80], bytes =>
    {
        string bare = ReferenceHex(bytes);
        Assert.Equal("0x" + bare, Hex.Encode(bytes));
        Assert.Equal(bare, Hex.EncodeBare(bytes));
        Assert.Equal(bytes, Hex.Decode("0x" + bare));
        Assert.Equal(bytes, Hex.Decode(bare));
        Assert.Equal(bytes, Hex.Decode("0X" + bare.ToUpperInvariant()));
        Assert.Equal(bytes, Hex.Decode("  0x" + bare + "\n"));
    }, iter: 2_000);

    [Fact]
    public void HexOddLengthGetsLeadingZero()
    {
        Assert.Equal(new byte[] { 0x01 }, Hex.Decode("0x1"));
        Assert.Equal(new byte[] { 0x0a, 0xbc }, Hex.Decode("abc"));
        Assert.Equal(new byte[] { 0x00 }, Hex.Decode("0x0"));
        Assert.Empty(Hex.Decode("0x"));
        Assert.Empty(Hex.Decode(""));
        // Long odd-length input takes the heap path for the padded copy.
        string longOdd = "f" + new string('0', 2048);
        byte[] decoded = Hex.Decode(longOdd);
        Assert.Equal(1025, decoded.Length);
        Assert.Equal(0x0f, decoded[0]);
    }

    [Theory]
    [InlineData("0xzz")]
    [InlineData("0x12g4")]
    [InlineData("xyz")]
    [InlineData("0x0x12")]
    public void HexRejectsNonDigits(string text) => Assert.Throws<FormatException>(() => Hex.Decode(text));

    // ---- Hash256 --------------------------------------------------------------------

    [Fact]
    public void HashRoundTrip() => Check(Bytes32, bytes =>
    {
        var h = new Hash256(bytes);
        Assert.Equal(bytes, h.ToArray());
        Assert.Equal("0x" + ReferenceHex(bytes), h.ToString());
        Assert.Equal(h, Hash256.FromHex(h.ToString()));
        Assert.Equal(h, Hash256.FromHex(ReferenceHex(bytes)));
        Assert.Equal(BigEndian(bytes), Big(h.ToUInt256()));
        Assert.Equal(h, Hash256.FromUInt256(h.ToUInt256()));
        Assert.Equal(bytes.All(b => b == 0), h.IsZero);
        Span<byte> copy = stackalloc byte[40];
        h.CopyTo(copy);
        Assert.Equal(bytes, copy[..32].ToArray());
    }, iter: 2_000);

    [Fact]
    public void HashFromUInt256IsTheBigEndianWord() => Check(Value, v =>
    {
        Hash256 h = Hash256.FromUInt256(v);
        Assert.Equal(v.ToBigEndian(), h.ToArray());
        Assert.Equal(v, h.ToUInt256());
    }, iter: 2_000);

    [Fact]
    public void HashOrderingAndEquality() => Check(Gen.Select(Bytes32, Bytes32, Gen.Int[0, 31]), t =>
    {
        (byte[] x, byte[] y, int i) = t;
        // Make many pairs share a prefix so every word of the comparison is exercised.
        Array.Copy(x, y, i);
        var hx = new Hash256(x);
        var hy = new Hash256(y);
        Assert.Equal(LexicographicCompare(x, y), Math.Sign(hx.CompareTo(hy)));
        Assert.Equal(x.AsSpan().SequenceEqual(y), hx == hy);
        Assert.Equal(!x.AsSpan().SequenceEqual(y), hx != hy);
        Assert.True(hx.Equals((object)new Hash256(x)));
        Assert.Equal(hx.GetHashCode(), new Hash256(x).GetHashCode());
    }, iter: 2_000);

    [Fact]
    public void HashRejectsWrongLengths()
    {
        Assert.Throws<ArgumentException>(() => new Hash256(new byte[31]));
        Assert.Throws<ArgumentException>(() => new Hash256(new byte[33]));
        Assert.Throws<FormatException>(() => Hash256.FromHex("0x" + new string('a', 62)));
        Assert.Throws<FormatException>(() => Hash256.FromHex("0x" + new string('a', 66)));
        Assert.True(Hash256.Zero.IsZero);
    }

    // ---- Address --------------------------------------------------------------------

    [Fact]
    public void AddressRoundTrip() => Check(Bytes20, bytes =>
    {
        var a = new Address(bytes);
        Assert.Equal(bytes, a.ToArray());
        Assert.Equal("0x" + ReferenceHex(bytes), a.ToString());
        Assert.Equal(a, Address.FromHex(a.ToString()));
        Assert.Equal(a, Address.FromHex(ReferenceHex(bytes).ToUpperInvariant()));
        Assert.Equal(bytes.All(b => b == 0), a.IsZero);
    }, iter: 2_000);

    [Fact]
    public void AddressToUInt256IsZeroExtended() => Check(Bytes20, bytes =>
    {
        var a = new Address(bytes);
        UInt256 word = a.ToUInt256();
        Assert.Equal(BigEndian(bytes), Big(word));
        Assert.Equal(a, Address.FromUInt256(word));
    }, iter: 2_000);

    /// <summary>An EVM stack word becomes an address by keeping its low 160 bits (Yellow Paper: a mod 2^160).</summary>
    [Fact]
    public void AddressFromUInt256KeepsLow160Bits() => Check(Value, v =>
    {
        Address a = Address.FromUInt256(v);
        BigInteger low = Big(v) & ((BigInteger.One << 160) - 1);
        Assert.Equal(low, BigEndian(a.ToArray()));
        Assert.Equal(FromBig(low), a.ToUInt256());
    }, iter: 5_000);

    [Fact]
    public void AddressFromHashTailIsLast20Bytes() => Check(Bytes32, bytes =>
    {
        Address a = Address.FromHashTail(new Hash256(bytes));
        Assert.Equal(bytes[12..], a.ToArray());
        Assert.Equal(Address.FromUInt256(new Hash256(bytes).ToUInt256()), a);
    }, iter: 2_000);

    [Fact]
    public void AddressFromNumber() => Check(Gen.UInt, n =>
    {
        Address a = Address.FromNumber(n);
        Assert.Equal(new BigInteger(n), BigEndian(a.ToArray()));
        Assert.Equal(new UInt256(n), a.ToUInt256());
    }, iter: 2_000);

    [Fact]
    public void AddressOrderingAndEquality() => Check(Gen.Select(Bytes20, Bytes20, Gen.Int[0, 19]), t =>
    {
        (byte[] x, byte[] y, int i) = t;
        Array.Copy(x, y, i);
        var ax = new Address(x);
        var ay = new Address(y);
        Assert.Equal(LexicographicCompare(x, y), Math.Sign(ax.CompareTo(ay)));
        Assert.Equal(x.AsSpan().SequenceEqual(y), ax == ay);
        Assert.Equal(!x.AsSpan().SequenceEqual(y), ax != ay);
        Assert.True(ax.Equals((object)new Address(x)));
        Assert.Equal(ax.GetHashCode(), new Address(x).GetHashCode());
    }, iter: 2_000);

    [Fact]
    public void AddressRejectsWrongLengths()
    {
        Assert.Throws<ArgumentException>(() => new Address(new byte[19]));
        Assert.Throws<ArgumentException>(() => new Address(new byte[21]));
        Assert.Throws<FormatException>(() => Address.FromHex("0x" + new string('1', 38)));
        Assert.Throws<FormatException>(() => Address.FromHex("0x" + new string('1', 42)));
        Assert.True(Address.Zero.IsZero);
    }

    /// <summary>Precompile addresses as the Yellow Paper numbers them (0x01 = ECRECOVER ... 0x0a = point evaluation, EIP-4844).</summary>
    [Fact]
    public void PrecompileAddressesAreSmallNumbers()
    {
        Assert.Equal("0x0000000000000000000000000000000000000001", Address.FromNumber(1).ToString());
        Assert.Equal("0x000000000000000000000000000000000000000a", Address.FromNumber(10).ToString());
    }
}
