using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lockstep.Primitives;

/// <summary>
/// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not NIST SHA3's 0x06).
/// Written here rather than taken from a package because hashing sits on the trie and SHA3 hot paths.
/// </summary>
public static class Keccak256
{
    private const int Rate = 136; // (1600 - 2*256) / 8

    /// <summary>keccak256 of the empty string.</summary>
    public static readonly Hash256 EmptyHash = Hash256.FromHex("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

    /// <summary>keccak256(rlp("")) = root of the empty trie.</summary>
    public static readonly Hash256 EmptyTrieRoot = Hash256.FromHex("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

    /// <summary>keccak256(rlp([])) = hash of an empty ommers list.</summary>
    public static readonly Hash256 EmptyListHash = Hash256.FromHex("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>Hashes <paramref name="input"/>.</summary>
    public static Hash256 Compute(ReadOnlySpan<byte> input)
    {
        Span<byte> output = stackalloc byte[32];
        Compute(input, output);
        return new Hash256(output);
    }

    /// <summary>Hashes <paramref name="input"/> into the first 32 bytes of <paramref name="output"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < 32) throw new ArgumentException("the output needs 32 bytes", nameof(output));
        // Vector512.IsHardwareAccelerated is the runtime's own verdict: false on CPUs whose 512-bit instructions lower
        // the core clock (Skylake-SP/Cascade Lake, like the benchmark machine). There the AVX-512 sponge was faster
        // alone but slowed the scalar code around it: sender recovery measured 53.8 us with it vs 46.6 us without
        // (tools/secp256k1/RecoveryAb), so the scalar sponge is used wherever the runtime prefers 256-bit vectors.
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated) ComputeAvx512(input, output);
        else ComputeScalar(input, output);
    }

    /// <summary>The portable sponge: lanes in 64-bit locals.</summary>
    [SkipLocalsInit]
    internal static void ComputeScalar(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<ulong> state = stackalloc ulong[25];
        state.Clear();
        while (input.Length >= Rate)
        {
            AbsorbBlock(state, input[..Rate]);
            Permute(state);
            input = input[Rate..];
        }

        Span<byte> last = stackalloc byte[Rate];
        last.Clear();
        input.CopyTo(last);
        last[input.Length] ^= 0x01;
        last[Rate - 1] ^= 0x80;
        AbsorbBlock(state, last);
        Permute(state);

        for (int i = 0; i < 4; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(output.Slice(i * 8, 8), state[i]);
    }

    /// <summary>
    /// The sponge with AVX-512: plane y of the state (lanes A[0..4, y]) lives in one 512-bit register, lanes 5..7 are
    /// scratch that never flows into lanes 0..4. Theta and chi are three-input logic (vpternlogq), rho a per-lane rotate
    /// (vprolvq), pi a gather of one lane from each plane. Step definitions: FIPS 202, section 3.2.
    /// Only called when <see cref="Avx512F.IsSupported"/>; x86 is little-endian, as the lanes are.
    /// </summary>
    [SkipLocalsInit]
    internal static void ComputeAvx512(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> last = stackalloc byte[Rate];
        int fullBlocks = input.Length / Rate;
        ReadOnlySpan<byte> tail = input[(fullBlocks * Rate)..];
        last.Clear();
        tail.CopyTo(last);
        last[tail.Length] ^= 0x01;  // Keccak pad10*1 with Ethereum's (pre-FIPS) domain byte 0x01
        last[Rate - 1] ^= 0x80;

        // theta: C[x-1] and C[x+1]; chi: A[x+1] and A[x+2]; all within a plane
        Vector512<ulong> minus1 = Vector512.Create(4UL, 0, 1, 2, 3, 5, 6, 7);
        Vector512<ulong> plus1 = Vector512.Create(1UL, 2, 3, 4, 0, 5, 6, 7);
        Vector512<ulong> plus2 = Vector512.Create(2UL, 3, 4, 0, 1, 5, 6, 7);
        // rho offsets r[x, y] per plane y
        Vector512<ulong> rho0 = Vector512.Create(0UL, 1, 62, 28, 27, 0, 0, 0);
        Vector512<ulong> rho1 = Vector512.Create(36UL, 44, 6, 55, 20, 0, 0, 0);
        Vector512<ulong> rho2 = Vector512.Create(3UL, 10, 43, 25, 39, 0, 0, 0);
        Vector512<ulong> rho3 = Vector512.Create(41UL, 45, 15, 21, 8, 0, 0, 0);
        Vector512<ulong> rho4 = Vector512.Create(18UL, 2, 61, 56, 14, 0, 0, 0);
        // pi: B[y, 2x + 3y] = A[x, y], so output plane t takes lane k from plane k at x = (3t + k) mod 5.
        // Lanes 0,1 come from planes 0,1 (two-source permute, index + 8 = second source), lanes 2,3 from planes 2,3;
        // a last two-source permute keeps lanes 0..3 of that merge and takes lane 4 from plane 4.
        Vector512<ulong> pi01T0 = Vector512.Create(0UL, 9, 0, 0, 0, 0, 0, 0), pi23T0 = Vector512.Create(0UL, 0, 2, 11, 0, 0, 0, 0), pi4T0 = Vector512.Create(0UL, 1, 2, 3, 12, 0, 0, 0);
        Vector512<ulong> pi01T1 = Vector512.Create(3UL, 12, 0, 0, 0, 0, 0, 0), pi23T1 = Vector512.Create(0UL, 0, 0, 9, 0, 0, 0, 0), pi4T1 = Vector512.Create(0UL, 1, 2, 3, 10, 0, 0, 0);
        Vector512<ulong> pi01T2 = Vector512.Create(1UL, 10, 0, 0, 0, 0, 0, 0), pi23T2 = Vector512.Create(0UL, 0, 3, 12, 0, 0, 0, 0), pi4T2 = Vector512.Create(0UL, 1, 2, 3, 8, 0, 0, 0);
        Vector512<ulong> pi01T3 = Vector512.Create(4UL, 8, 0, 0, 0, 0, 0, 0), pi23T3 = Vector512.Create(0UL, 0, 1, 10, 0, 0, 0, 0), pi4T3 = Vector512.Create(0UL, 1, 2, 3, 11, 0, 0, 0);
        Vector512<ulong> pi01T4 = Vector512.Create(2UL, 11, 0, 0, 0, 0, 0, 0), pi23T4 = Vector512.Create(0UL, 0, 4, 8, 0, 0, 0, 0), pi4T4 = Vector512.Create(0UL, 1, 2, 3, 9, 0, 0, 0);
        Vector512<ulong> lanes01 = Vector512.Create(ulong.MaxValue, ulong.MaxValue, 0, 0, 0, 0, 0, 0);
        // absorbing: block lanes 5..9 -> plane 1, 10..14 -> plane 2, 15..16 -> plane 3 (the rest of plane 3 gets zeros)
        Vector512<ulong> absorb1 = Vector512.Create(5UL, 6, 7, 8, 9, 5, 6, 7);
        Vector512<ulong> absorb2 = Vector512.Create(2UL, 3, 4, 5, 6, 5, 6, 7);
        Vector512<ulong> absorb3 = Vector512.Create(7UL, 8, 9, 9, 9, 9, 9, 9);

        Vector512<ulong> a0 = Vector512<ulong>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0;
        ulong[] rc = RoundConstants;
        for (int block = 0; block <= fullBlocks; block++)
        {
            ReadOnlySpan<byte> data = block < fullBlocks ? input.Slice(block * Rate, Rate) : last;
            ref ulong lanes = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(data));
            Vector512<ulong> low = Vector512.LoadUnsafe(ref lanes);          // block lanes 0..7
            Vector512<ulong> high = Vector512.LoadUnsafe(ref lanes, 8);      // block lanes 8..15
            Vector512<ulong> lane16 = Vector512.CreateScalar(Unsafe.Add(ref lanes, 16));
            a0 ^= low;
            a1 ^= Avx512F.PermuteVar8x64x2(low, absorb1, high);
            a2 ^= Avx512F.PermuteVar8x64(high, absorb2);
            a3 ^= Avx512F.PermuteVar8x64x2(high, absorb3, lane16);

            for (int round = 0; round < 24; round++)
            {
                // theta
                Vector512<ulong> c = Avx512F.TernaryLogic(Avx512F.TernaryLogic(a0, a1, a2, 0x96), a3, a4, 0x96);
                Vector512<ulong> d = Avx512F.PermuteVar8x64(c, minus1) ^ Avx512F.RotateLeft(Avx512F.PermuteVar8x64(c, plus1), 1);
                // rho
                a0 = Avx512F.RotateLeftVariable(a0 ^ d, rho0);
                a1 = Avx512F.RotateLeftVariable(a1 ^ d, rho1);
                a2 = Avx512F.RotateLeftVariable(a2 ^ d, rho2);
                a3 = Avx512F.RotateLeftVariable(a3 ^ d, rho3);
                a4 = Avx512F.RotateLeftVariable(a4 ^ d, rho4);
                // pi
                Vector512<ulong> b0 = Avx512F.PermuteVar8x64x2(Vector512.ConditionalSelect(lanes01,
                    Avx512F.PermuteVar8x64x2(a0, pi01T0, a1), Avx512F.PermuteVar8x64x2(a2, pi23T0, a3)), pi4T0, a4);
                Vector512<ulong> b1 = Avx512F.PermuteVar8x64x2(Vector512.ConditionalSelect(lanes01,
                    Avx512F.PermuteVar8x64x2(a0, pi01T1, a1), Avx512F.PermuteVar8x64x2(a2, pi23T1, a3)), pi4T1, a4);
                Vector512<ulong> b2 = Avx512F.PermuteVar8x64x2(Vector512.ConditionalSelect(lanes01,
                    Avx512F.PermuteVar8x64x2(a0, pi01T2, a1), Avx512F.PermuteVar8x64x2(a2, pi23T2, a3)), pi4T2, a4);
                Vector512<ulong> b3 = Avx512F.PermuteVar8x64x2(Vector512.ConditionalSelect(lanes01,
                    Avx512F.PermuteVar8x64x2(a0, pi01T3, a1), Avx512F.PermuteVar8x64x2(a2, pi23T3, a3)), pi4T3, a4);
                Vector512<ulong> b4 = Avx512F.PermuteVar8x64x2(Vector512.ConditionalSelect(lanes01,
                    Avx512F.PermuteVar8x64x2(a0, pi01T4, a1), Avx512F.PermuteVar8x64x2(a2, pi23T4, a3)), pi4T4, a4);
                // chi: a ^ (~b & c) is truth table 0xD2
                a0 = Avx512F.TernaryLogic(b0, Avx512F.PermuteVar8x64(b0, plus1), Avx512F.PermuteVar8x64(b0, plus2), 0xD2);
                a1 = Avx512F.TernaryLogic(b1, Avx512F.PermuteVar8x64(b1, plus1), Avx512F.PermuteVar8x64(b1, plus2), 0xD2);
                a2 = Avx512F.TernaryLogic(b2, Avx512F.PermuteVar8x64(b2, plus1), Avx512F.PermuteVar8x64(b2, plus2), 0xD2);
                a3 = Avx512F.TernaryLogic(b3, Avx512F.PermuteVar8x64(b3, plus1), Avx512F.PermuteVar8x64(b3, plus2), 0xD2);
                a4 = Avx512F.TernaryLogic(b4, Avx512F.PermuteVar8x64(b4, plus1), Avx512F.PermuteVar8x64(b4, plus2), 0xD2);
                // iota
                a0 ^= Vector512.CreateScalar(rc[round]);
            }
        }
        a0.GetLower().AsByte().CopyTo(output);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AbsorbBlock(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (int i = 0; i < Rate / 8; i++)
            state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block.Slice(i * 8, 8));
    }

    /// <summary>Keccak-f[1600], 24 rounds, lanes held in locals so the JIT keeps them in registers.</summary>
    [SkipLocalsInit]
    private static void Permute(Span<ulong> s)
    {
        ulong a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
        ulong a05 = s[5], a06 = s[6], a07 = s[7], a08 = s[8], a09 = s[9];
        ulong a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
        ulong a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
        ulong a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
        ulong[] rc = RoundConstants;

        for (int round = 0; round < 24; round++)
        {
            // theta
            ulong c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            ulong c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            ulong c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            ulong c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            ulong c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            ulong d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            ulong d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            ulong d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            ulong d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            ulong d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            a00 ^= d0; a05 ^= d0; a10 ^= d0; a15 ^= d0; a20 ^= d0;
            a01 ^= d1; a06 ^= d1; a11 ^= d1; a16 ^= d1; a21 ^= d1;
            a02 ^= d2; a07 ^= d2; a12 ^= d2; a17 ^= d2; a22 ^= d2;
            a03 ^= d3; a08 ^= d3; a13 ^= d3; a18 ^= d3; a23 ^= d3;
            a04 ^= d4; a09 ^= d4; a14 ^= d4; a19 ^= d4; a24 ^= d4;

            // rho and pi: b[y, 2x+3y] = rot(a[x, y], r[x, y]); index = x + 5y
            ulong b00 = a00;
            ulong b10 = BitOperations.RotateLeft(a01, 1);
            ulong b20 = BitOperations.RotateLeft(a02, 62);
            ulong b05 = BitOperations.RotateLeft(a03, 28);
            ulong b15 = BitOperations.RotateLeft(a04, 27);
            ulong b16 = BitOperations.RotateLeft(a05, 36);
            ulong b01 = BitOperations.RotateLeft(a06, 44);
            ulong b11 = BitOperations.RotateLeft(a07, 6);
            ulong b21 = BitOperations.RotateLeft(a08, 55);
            ulong b06 = BitOperations.RotateLeft(a09, 20);
            ulong b07 = BitOperations.RotateLeft(a10, 3);
            ulong b17 = BitOperations.RotateLeft(a11, 10);
            ulong b02 = BitOperations.RotateLeft(a12, 43);
            ulong b12 = BitOperations.RotateLeft(a13, 25);
            ulong b22 = BitOperations.RotateLeft(a14, 39);
            ulong b23 = BitOperations.RotateLeft(a15, 41);
            ulong b08 = BitOperations.RotateLeft(a16, 45);
            ulong b18 = BitOperations.RotateLeft(a17, 15);
            ulong b03 = BitOperations.RotateLeft(a18, 21);
            ulong b13 = BitOperations.RotateLeft(a19, 8);
            ulong b14 = BitOperations.RotateLeft(a20, 18);
            ulong b24 = BitOperations.RotateLeft(a21, 2);
            ulong b09 = BitOperations.RotateLeft(a22, 61);
            ulong b19 = BitOperations.RotateLeft(a23, 56);
            ulong b04 = BitOperations.RotateLeft(a24, 14);

            // chi
            a00 = b00 ^ (~b01 & b02); a01 = b01 ^ (~b02 & b03); a02 = b02 ^ (~b03 & b04); a03 = b03 ^ (~b04 & b00); a04 = b04 ^ (~b00 & b01);
            a05 = b05 ^ (~b06 & b07); a06 = b06 ^ (~b07 & b08); a07 = b07 ^ (~b08 & b09); a08 = b08 ^ (~b09 & b05); a09 = b09 ^ (~b05 & b06);
            a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14); a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11);
            a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19); a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16);
            a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24); a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21);

            // iota
            a00 ^= rc[round];
        }

        s[0] = a00; s[1] = a01; s[2] = a02; s[3] = a03; s[4] = a04;
        s[5] = a05; s[6] = a06; s[7] = a07; s[8] = a08; s[9] = a09;
        s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
        s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
        s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
    }
}
