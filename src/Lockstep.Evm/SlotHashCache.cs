using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lockstep.Primitives;

namespace Lockstep.Evm;

/// <summary>
/// Remembers KECCAK256 results of 64-byte inputs, the shape of every Solidity mapping slot (keccak256(key ++ slot)).
/// Contracts recompute the same slots transaction after transaction (a token's balances of the same holders, the
/// system contracts' <c>outbox[destination]</c> and <c>isMember[chainId]</c> on every cross-rollup leg), each a full
/// Keccak-f permutation; a hit costs a 64-byte compare. Direct-mapped and per interpreter (one per thread), so it
/// needs no lock; an entry is replaced by the next input that maps to its index. Results are the same as without it:
/// a hit compares all 64 bytes of the input.
/// </summary>
public sealed class SlotHashCache
{
    private const int IndexBits = 9;

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public Key64 Key;
        public Hash256 Hash;
        public bool Valid;
    }

    [InlineArray(8)]
    private struct Key64
    {
        private ulong _word;
    }

    private readonly Entry[] _entries = new Entry[1 << IndexBits];

    /// <summary>keccak256 of the 64 bytes of <paramref name="input"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Hash256 Compute(ReadOnlySpan<byte> input)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(input);
        // The key (first word) and the slot number (last word) vary; mix both into the index.
        ulong mix = (words[3] ^ (words[7] * 0x9E3779B97F4A7C15UL) ^ (words[2] >> 7)) * 0xFF51AFD7ED558CCDUL;
        ref Entry e = ref _entries[(int)(mix >> (64 - IndexBits))];
        Span<ulong> key = e.Key;
        if (e.Valid && key.SequenceEqual(words)) return e.Hash;
        Hash256 h = Keccak256.Compute(input);
        words.CopyTo(key);
        e.Hash = h;
        e.Valid = true;
        return h;
    }
}
