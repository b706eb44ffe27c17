namespace Lockstep.Evm;

/// <summary>
/// One memory buffer for a whole transaction (revm's SharedMemory): each frame owns the region from its base
/// to base + its size; a child frame starts where its parent's memory ends, and its region is simply
/// abandoned when it returns.
/// </summary>
public sealed class SharedMemory
{
    /// <summary>The largest total memory any transaction may use; larger requests fail as out of gas.</summary>
    public const long MaxTotal = 0x7FFF_0000;

    private byte[] _buffer = new byte[64 * 1024];

    /// <summary>The backing buffer; re-read after any growth.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Grows a frame's region from <paramref name="oldSize"/> to <paramref name="newSize"/> bytes, zero-filled.</summary>
    public void Grow(int frameBase, long oldSize, long newSize)
    {
        long end = frameBase + newSize;
        if (end > _buffer.Length)
        {
            long len = Math.Max(end, Math.Min((long)_buffer.Length * 2, MaxTotal + 64));
            var b = new byte[len];
            Array.Copy(_buffer, b, frameBase + oldSize);
            _buffer = b;
            return;
        }
        Array.Clear(_buffer, (int)(frameBase + oldSize), (int)(newSize - oldSize));
    }
}
