using Lockstep.Primitives.Rlp;

namespace Lockstep.Primitives.Tests;

public class RlpReservedListTests
{
    /// <summary>
    /// A list closed in front of its payload encodes exactly as one closed by EndList (which moves the payload): every
    /// payload length across the short/long header boundary (55/56 bytes) and 1-, 2- and 3-byte lengths, with and
    /// without a type byte in front.
    /// </summary>
    [Theory]
    [InlineData(0, 70)]
    [InlineData(250, 262)]
    [InlineData(65_530, 65_542)]
    public void ReservedListEqualsAMovedList(int fromString, int toString)
    {
        var random = new Random(fromString);
        for (int n = fromString; n <= toString; n++)
        {
            byte[] item = new byte[n];
            random.NextBytes(item);
            var moved = new RlpWriter();
            moved.StartList().WriteUInt64(7).WriteBytes(item).EndList();
            var reserved = new RlpWriter();
            int start = reserved.ReserveListHeader();
            reserved.WriteUInt64(7).WriteBytes(item);
            Assert.Equal(moved.ToArray(), reserved.CloseReservedList(start).ToArray());

            reserved.Reset();
            start = reserved.ReserveListHeader();
            reserved.WriteUInt64(7).WriteBytes(item);
            Assert.Equal([0x02, .. moved.ToArray()], reserved.CloseReservedList(start, 0x02).ToArray());
        }
    }

    [Fact]
    public void ReservingOnAWriterInUseIsRefused()
    {
        var w = new RlpWriter();
        w.WriteUInt64(5);
        Assert.Throws<InvalidOperationException>(() => w.ReserveListHeader());
    }
}
