using Lockstep.Evm;

namespace Lockstep.Evm.Tests;

/// <summary>Init-code analyses cached by content (<see cref="InitCodeCache"/>).</summary>
public class InitCodeCacheTests
{
    [Fact]
    public void SameBytesShareOneAnalysisOtherBytesDoNot()
    {
        var cache = new InitCodeCache();
        byte[] a = [0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];
        byte[] copy = (byte[])a.Clone();
        byte[] lastByteDiffers = (byte[])a.Clone();
        lastByteDiffers[^1] = 0xfd;
        CodeInfo first = cache.Get(a);
        Assert.Same(first, cache.Get(copy));
        CodeInfo other = cache.Get(lastByteDiffers);
        Assert.NotSame(first, other);
        Assert.Equal(lastByteDiffers, other.Code.ToArray());
        Assert.Equal(a, first.Code.ToArray());
        // A prefix is different content too.
        Assert.NotSame(first, cache.Get(a.AsSpan(0, a.Length - 1)));
    }

    [Fact]
    public void StartsOverWhenFullAndStillAnswersByContent()
    {
        var cache = new InitCodeCache();
        var big = new byte[49_152];
        int distinct = InitCodeCache.MaxTotalBytes / big.Length + 2;
        CodeInfo? firstOfAll = null;
        for (int i = 0; i < distinct; i++)
        {
            big[0] = (byte)i;
            big[1] = (byte)(i >> 8);
            CodeInfo info = cache.Get(big);
            firstOfAll ??= info;
            Assert.Equal(big, info.Code.ToArray());
        }
        big[0] = 0;
        big[1] = 0;
        CodeInfo again = cache.Get(big);
        Assert.Equal(big, again.Code.ToArray());
        Assert.NotSame(firstOfAll, again); // evicted when the cache started over
    }

    [Fact]
    public void RepeatedCreatesOfOneInitCodeEachDeploy()
    {
        // Runtime code 0x00 (STOP) deployed by init code PUSH1 0, PUSH1 0, MSTORE8, PUSH1 1, PUSH1 0, RETURN, called
        // three times through CREATE: every creation succeeds at its own address (CREATE pushes a non-zero address).
        byte[] init = [0x60, 0x00, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3];
        var code = new List<byte>();
        // MSTORE the init code at 0 (right-aligned in one word): PUSH10 init, PUSH1 0, MSTORE
        code.Add(0x69);
        code.AddRange(init);
        code.AddRange([0x60, 0x00, 0x52]);
        for (int i = 0; i < 3; i++)
        {
            // CREATE(value 0, offset 22, size 10), then store the address at 32 * (i + 1)
            code.AddRange([0x60, 0x0a, 0x60, 0x16, 0x60, 0x00, 0xf0, 0x60, (byte)(32 * (i + 1)), 0x52]);
        }
        code.AddRange([0x60, 0x60, 0x60, 0x20, 0xf3]); // RETURN(32, 96)
        (CallResult r, var state) = EvmHarness.Run([.. code], 10_000_000);
        Assert.Equal(ExecStatus.Return, r.Status);
        var addresses = new HashSet<string>();
        for (int i = 0; i < 3; i++)
        {
            var word = r.Output.AsSpan(32 * i, 32);
            Assert.False(word.SequenceEqual(new byte[32]));
            addresses.Add(Convert.ToHexString(word));
            var created = new Lockstep.Primitives.Address(word[12..]);
            Assert.Equal([0x00], state.GetCode(created));
        }
        Assert.Equal(3, addresses.Count);
    }
}
