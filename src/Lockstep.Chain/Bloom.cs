using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Chain;

/// <summary>
/// The 2048-bit log bloom of the Yellow Paper (4.3.1): for the address and each topic of every log, the low 11
/// bits of each of the first three byte pairs of its keccak256 select a bit, counted from the least significant
/// end of the 256-byte big-endian value.
/// </summary>
public sealed class Bloom
{
    /// <summary>Size in bytes.</summary>
    public const int Size = 256;

    private readonly byte[] _bytes;

    /// <summary>An empty bloom.</summary>
    public Bloom() => _bytes = new byte[Size];

    /// <summary>A bloom from its 256 bytes.</summary>
    public Bloom(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException("a bloom is 256 bytes", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    /// <summary>The 256 bytes, big-endian.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>True when no bit is set.</summary>
    public bool IsEmpty => _bytes.AsSpan().IndexOfAnyExcept((byte)0) < 0;

    /// <summary>Adds a log's address and topics (M3:2048 of each).</summary>
    public void Add(LogEntry log)
    {
        Span<byte> buffer = stackalloc byte[32];
        log.Address.CopyTo(buffer[..20]);
        AddItem(buffer[..20]);
        foreach (Hash256 topic in log.Topics)
        {
            topic.CopyTo(buffer);
            AddItem(buffer);
        }
    }

    /// <summary>Adds every log.</summary>
    public void Add(IReadOnlyList<LogEntry> logs)
    {
        for (int i = 0; i < logs.Count; i++) Add(logs[i]);
    }

    /// <summary>ORs another bloom into this one (a block's bloom is the OR of its receipts' blooms).</summary>
    public void Accumulate(Bloom other) => Accumulate(other._bytes);

    /// <summary>ORs the 256 bytes of another bloom (e.g. inside a receipt's encoding) into this one.</summary>
    public void Accumulate(ReadOnlySpan<byte> other)
    {
        if (other.Length != Size) throw new ArgumentException("a bloom is 256 bytes", nameof(other));
        Span<ulong> mine = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(_bytes.AsSpan());
        ReadOnlySpan<ulong> theirs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(other);
        for (int i = 0; i < mine.Length; i++) mine[i] |= theirs[i];
    }

    /// <summary>Sets the three bits of <paramref name="item"/> (an address or a topic).</summary>
    public void AddItem(ReadOnlySpan<byte> item) => SetBits(_bytes, item);

    /// <summary>ORs the bloom bits of <paramref name="logs"/> into <paramref name="bloom"/>, 256 bytes in the bloom's layout.</summary>
    public static void AddTo(Span<byte> bloom, IReadOnlyList<LogEntry> logs)
    {
        if (bloom.Length != Size) throw new ArgumentException("a bloom is 256 bytes", nameof(bloom));
        Span<byte> buffer = stackalloc byte[20];
        for (int i = 0; i < logs.Count; i++)
        {
            LogEntry log = logs[i];
            log.Address.CopyTo(buffer);
            SetBits(bloom, buffer);
            foreach (Hash256 topic in log.Topics) SetBits(bloom, topic);
        }
    }

    private static void SetBits(Span<byte> bloom, in Hash256 topic)
    {
        Span<byte> buffer = stackalloc byte[32];
        topic.CopyTo(buffer);
        SetBits(bloom, buffer);
    }

    private static void SetBits(Span<byte> bloom, ReadOnlySpan<byte> item)
    {
        BitCache.Entry bits = BitCache.Get(item);
        bloom[Size - 1 - bits.Bit0 / 8] |= (byte)(1 << (bits.Bit0 % 8));
        bloom[Size - 1 - bits.Bit1 / 8] |= (byte)(1 << (bits.Bit1 % 8));
        bloom[Size - 1 - bits.Bit2 / 8] |= (byte)(1 << (bits.Bit2 % 8));
    }

    /// <summary>
    /// The three bloom bits of recently seen items, per thread, direct-mapped. Most log items repeat (the emitting
    /// contract, an event's topic0, a destination chain id): a cross-rollup pair's two logs are ten bloom items of which
    /// about six are the same in every pair, and each is otherwise a keccak256. A hit compares the item's bytes, so the
    /// result is always the bits of the item itself.
    /// </summary>
    private static class BitCache
    {
        private const int Slots = 256;

        /// <summary>An item (up to 32 bytes) and its three bit indexes (0..2047).</summary>
        public struct Entry
        {
            public Hash256 Item;
            public byte Length;
            public ushort Bit0, Bit1, Bit2;
        }

        [ThreadStatic] private static Entry[]? t_entries;

        public static Entry Get(ReadOnlySpan<byte> item)
        {
            if (item.Length is 0 or > 32) return Compute(item, default);
            Span<byte> padded = stackalloc byte[32];
            padded.Clear();
            item.CopyTo(padded);
            var key = new Hash256(padded);
            Entry[] entries = t_entries ??= new Entry[Slots];
            // Any slot function works (a hit compares the whole item); the hash mixes all 32 bytes.
            int slot = (key.GetHashCode() ^ item.Length) & (Slots - 1);
            ref Entry e = ref entries[slot];
            if (e.Length == item.Length && e.Item == key) return e;
            e = Compute(item, key);
            return e;
        }

        private static Entry Compute(ReadOnlySpan<byte> item, Hash256 key)
        {
            Span<byte> hash = stackalloc byte[32];
            Keccak256.Compute(item, hash);
            return new Entry
            {
                Item = key,
                // Length 0 never matches a lookup (empty and long items are not cached).
                Length = (byte)(item.Length <= 32 ? item.Length : 0),
                Bit0 = (ushort)(((hash[0] << 8) | hash[1]) & 2047),
                Bit1 = (ushort)(((hash[2] << 8) | hash[3]) & 2047),
                Bit2 = (ushort)(((hash[4] << 8) | hash[5]) & 2047),
            };
        }
    }

    /// <summary>True when all three bits of <paramref name="item"/> are set (it may be present).</summary>
    public bool MayContain(ReadOnlySpan<byte> item)
    {
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Compute(item, hash);
        for (int i = 0; i < 6; i += 2)
        {
            int bit = ((hash[i] << 8) | hash[i + 1]) & 2047;
            if ((_bytes[Size - 1 - bit / 8] & (1 << (bit % 8))) == 0) return false;
        }
        return true;
    }

    /// <summary>0x-prefixed hex.</summary>
    public override string ToString() => Hex.Encode(_bytes);
}
