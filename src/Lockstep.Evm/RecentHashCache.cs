using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lockstep.Primitives;

namespace Lockstep.Evm;

/// <summary>
/// Remembers KECCAK256 results of recent inputs of 65 to <see cref="MaxLength"/> bytes. A cross-rollup message is
/// hashed over the same bytes on both of its legs (the hash binds source, destination and nonce, not "this chain"):
/// MessageTrees on the source hashes it when the burn or trigger appends it to the outbox, and MessageTrees on the
/// destination hashes it again, moments later in the same superblock and on the same interpreter, when the mint or
/// action appends it to the inbox (an action's payload hash likewise). Each is two or more Keccak-f permutations; a hit
/// costs a length check and a compare of the input. Direct-mapped and per interpreter (one per thread), so it needs no
/// lock; an entry is replaced by the next input that maps to its index. Results are the same as without it: a hit
/// compares every byte of the input. 64-byte inputs (mapping slots) have their own cache, <see cref="SlotHashCache"/>.
/// </summary>
public sealed class RecentHashCache
{
    /// <summary>Longest input remembered: a message hash is 256 bytes; short action payloads fit too.</summary>
    public const int MaxLength = 1024;

    private const int IndexBits = 4;

    private struct Entry
    {
        public byte[]? Input;
        public int Length;
        public Hash256 Hash;
    }

    private readonly Entry[] _entries = new Entry[1 << IndexBits];

    /// <summary>keccak256 of <paramref name="input"/>; inputs outside 65..<see cref="MaxLength"/> bytes are hashed directly.</summary>
    public Hash256 Compute(ReadOnlySpan<byte> input)
    {
        if (input.Length <= 64 || input.Length > MaxLength) return Keccak256.Compute(input);
        // Index from the length and the first and last words: a message's type hash and its last field vary.
        ref byte start = ref MemoryMarshal.GetReference(input);
        ulong first = Unsafe.ReadUnaligned<ulong>(ref start);
        ulong last = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, input.Length - 8));
        ulong mix = (first ^ (last * 0x9E3779B97F4A7C15UL) ^ (ulong)input.Length) * 0xFF51AFD7ED558CCDUL;
        ref Entry e = ref _entries[(int)(mix >> (64 - IndexBits))];
        if (e.Length == input.Length && input.SequenceEqual(e.Input.AsSpan(0, e.Length))) return e.Hash;
        Hash256 h = Keccak256.Compute(input);
        e.Input ??= new byte[MaxLength];
        input.CopyTo(e.Input);
        e.Length = input.Length;
        e.Hash = h;
        return h;
    }
}
