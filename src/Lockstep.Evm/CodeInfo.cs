using System.Runtime.CompilerServices;
using Lockstep.Primitives;

namespace Lockstep.Evm;

/// <summary>
/// Analysed bytecode: a copy padded with 33 zero bytes (so PUSH32 at the end reads zeros and running off the
/// end reads STOP without a bounds check) in the pinned object heap, plus the JUMPDEST bitset.
/// </summary>
public sealed unsafe class CodeInfo
{
    private readonly byte[] _padded;
    private readonly ulong[] _jumpDests;

    /// <summary>Length of the real code.</summary>
    public int Length { get; }

    /// <summary>The original code bytes.</summary>
    public ReadOnlySpan<byte> Code => _padded.AsSpan(0, Length);

    /// <summary>Pointer to the padded copy (pinned for the object's life).</summary>
    public byte* Pointer { get; }

    public CodeInfo(ReadOnlySpan<byte> code)
    {
        Length = code.Length;
        _padded = GC.AllocateArray<byte>(code.Length + 33, pinned: true);
        code.CopyTo(_padded);
        Pointer = (byte*)Unsafe.AsPointer(ref _padded[0]);
        _jumpDests = new ulong[(code.Length + 63) / 64 + 1];
        for (int i = 0; i < code.Length; i++)
        {
            byte op = code[i];
            if (op == 0x5b) _jumpDests[i >> 6] |= 1UL << (i & 63);
            else if (op >= 0x60 && op <= 0x7f) i += op - 0x5f; // skip PUSH1..PUSH32 immediates
        }
    }

    /// <summary>True when <paramref name="pc"/> is a JUMPDEST opcode (not inside push data).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsJumpDest(ulong pc) => pc < (ulong)Length && (_jumpDests[pc >> 6] & (1UL << (int)(pc & 63))) != 0;

    private CodeAnalysis? _analysis;

    /// <summary>
    /// The basic-block analysis for <paramref name="set"/>, made on first use and kept (a code is normally run
    /// under one instruction set; another set replaces it).
    /// </summary>
    public CodeAnalysis GetAnalysis(InstructionSet set)
    {
        CodeAnalysis? a = _analysis;
        if (a is null || a.Instructions != set) _analysis = a = new CodeAnalysis(Code, set);
        return a;
    }

    /// <summary>Empty code.</summary>
    public static readonly CodeInfo Empty = new([]);
}

/// <summary>Code analyses cached by code hash (per virtual machine, so no locking).</summary>
public sealed class CodeCache
{
    private const int MaxEntries = 8192;
    private readonly Dictionary<Hash256, CodeInfo> _entries = new();

    public CodeInfo Get(in Hash256 codeHash, byte[] code)
    {
        if (code.Length == 0) return CodeInfo.Empty;
        if (_entries.TryGetValue(codeHash, out CodeInfo? info)) return info;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        info = new CodeInfo(code);
        _entries.Add(codeHash, info);
        return info;
    }
}

/// <summary>
/// Init codes (CREATE, CREATE2, creation transactions) and their analyses, cached by content: a factory that deploys
/// the same contract again, or a loop of CREATEs, analyses its init code once. Looked up by the bytes themselves (no
/// Keccak), bounded in total bytes; per virtual machine, so no locking.
/// </summary>
public sealed class InitCodeCache
{
    /// <summary>Total init-code bytes kept before the cache starts over (EIP-3860 caps one init code at 49,152).</summary>
    public const int MaxTotalBytes = 4 * 1024 * 1024;

    private readonly Dictionary<byte[], CodeInfo> _entries = new(ContentComparer.Instance);
    private readonly Dictionary<byte[], CodeInfo>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private long _totalBytes;

    public InitCodeCache() => _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>The analysed code for <paramref name="initCode"/>, from the cache or made and kept.</summary>
    public CodeInfo Get(ReadOnlySpan<byte> initCode)
    {
        if (_bySpan.TryGetValue(initCode, out CodeInfo? info)) return info;
        if (_totalBytes + initCode.Length > MaxTotalBytes)
        {
            _entries.Clear();
            _totalBytes = 0;
        }
        info = new CodeInfo(initCode);
        _entries.Add(initCode.ToArray(), info);
        _totalBytes += initCode.Length;
        return info;
    }

    /// <summary>Byte-content equality; the hash covers every byte (seeded per process, so collisions cannot be planned).</summary>
    private sealed class ContentComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ContentComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => Hash(obj);
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var h = new HashCode();
            h.AddBytes(bytes);
            return h.ToHashCode();
        }
    }
}
