using Lockstep.Primitives.Rlp;

namespace Lockstep.Primitives.Tests.Rlp;

/// <summary>
/// Random and mutated inputs through every reader entry point: the only exception allowed out is
/// <see cref="RlpException"/>, and whatever is accepted must re-encode to the same bytes (RLP is canonical).
/// </summary>
public class RlpFuzzTests
{
    [Fact]
    public void RandomBytesOnlyThrowRlpException()
    {
        var rng = new Random(1234);
        int accepted = 0;
        for (int i = 0; i < 50_000; i++)
        {
            byte[] data = new byte[rng.Next(0, 40)];
            rng.NextBytes(data);
            if (Exercise(data)) accepted++;
        }
        Assert.InRange(accepted, 1, 49_999); // both outcomes happen, so the fuzz reaches both paths
    }

    [Fact]
    public void MutatedValidEncodingsOnlyThrowRlpException()
    {
        var rng = new Random(99);
        int accepted = 0, rejected = 0;
        for (int round = 0; round < 10_000; round++)
        {
            byte[] valid = RlpTree.Encode(RandomTree(rng, 0));
            Assert.True(Exercise(valid), "a freshly encoded tree must decode");
            byte[] mutated = Mutate(rng, valid);
            if (Exercise(mutated)) accepted++;
            else rejected++;
        }
        Assert.True(accepted > 0 && rejected > 0);
    }

    [Fact]
    public void DeepNestingIsRejectedWithoutStackOverflow()
    {
        byte[] deep = new byte[100_000];
        for (int i = 0; i < deep.Length; i++) deep[i] = 0xc0; // c0 c0 c0 ... a truncated list chain
        Assert.False(Exercise(deep));
        // Nested lists with correct lengths: each level wraps the previous one.
        byte[] item = [0xc0];
        for (int i = 0; i < 2000; i++) item = RlpWriter.EncodeList(item);
        Assert.Throws<RlpException>(() => RlpReader.Validate(item));
    }

    /// <summary>Runs the reader's entry points over <paramref name="data"/>; true when it is one valid item.</summary>
    private static bool Exercise(byte[] data)
    {
        bool valid;
        try
        {
            RlpReader.Validate(data);
            valid = true;
        }
        catch (RlpException)
        {
            valid = false;
        }

        try
        {
            object tree = RlpTree.Decode(data);
            Assert.True(valid, "tree decoder accepted what Validate rejected");
            Assert.Equal(data, RlpTree.Encode(tree)); // canonical: decode + encode is the identity
        }
        catch (RlpException)
        {
            Assert.False(valid, "tree decoder rejected what Validate accepted");
        }

        // Typed reads must fail only with RlpException (anything else escapes and fails the test).
        try { new RlpReader(data).ReadUInt64(); } catch (RlpException) { }
        try { new RlpReader(data).ReadUInt256(); } catch (RlpException) { }
        try { new RlpReader(data).ReadAddress(); } catch (RlpException) { }
        try { new RlpReader(data).ReadHash(); } catch (RlpException) { }
        try { new RlpReader(data).ReadEncodedItem(); } catch (RlpException) { }
        try { _ = new RlpReader(data).NextIsList; } catch (RlpException) { }
        try
        {
            var r = new RlpReader(data);
            int end = r.ReadListHeader();
            while (r.IsBefore(end)) r.ReadEncodedItem();
            r.ExpectEnd(end);
            r.ExpectEndOfInput();
        }
        catch (RlpException) { }
        return valid;
    }

    private static object RandomTree(Random rng, int depth)
    {
        if (depth > 4 || rng.Next(3) == 0)
        {
            int len = rng.Next(5) switch { 0 => 0, 1 => 1, 2 => rng.Next(2, 56), 3 => rng.Next(56, 300), _ => rng.Next(1, 10) };
            byte[] b = new byte[len];
            rng.NextBytes(b);
            return b;
        }
        var list = new List<object>();
        int count = rng.Next(0, 6);
        for (int i = 0; i < count; i++) list.Add(RandomTree(rng, depth + 1));
        return list;
    }

    private static byte[] Mutate(Random rng, byte[] valid)
    {
        byte[] m = (byte[])valid.Clone();
        switch (rng.Next(5))
        {
            case 0 when m.Length > 0:
                m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
                return m;
            case 1 when m.Length > 0:
                return m[..rng.Next(m.Length)]; // truncate
            case 2:
                return [.. m, (byte)rng.Next(256)]; // trailing byte
            case 3 when m.Length > 0:
                m[rng.Next(m.Length)] = (byte)rng.Next(256);
                return m;
            default:
                int at = rng.Next(m.Length + 1);
                return [.. m[..at], (byte)rng.Next(256), .. m[at..]]; // insert
        }
    }
}

