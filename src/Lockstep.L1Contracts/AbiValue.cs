using Lockstep.Primitives;

namespace Lockstep.L1Contracts;

/// <summary>
/// A value to ABI-encode (Solidity ABI spec, "Formal Specification of the Encoding"): 32-byte words, dynamic
/// <c>bytes</c>, tuples and variable-length arrays. Enough for the L1 contracts' calldata; off the hot path.
/// </summary>
public abstract class AbiValue
{
    private protected AbiValue() { }

    /// <summary>Whether the value is encoded in the tail (behind an offset) rather than in place.</summary>
    public abstract bool IsDynamic { get; }

    /// <summary>Bytes taken in place by a static value (a word: 32; a static tuple: the sum of its fields).</summary>
    internal abstract int StaticSize { get; }

    internal abstract void Write(MemoryStream output);

    /// <summary>An unsigned integer of any width up to 256 bits.</summary>
    public static AbiValue Uint(UInt256 value) => new Word(value.ToBigEndian());

    /// <summary>A 32-byte word (<c>bytes32</c>).</summary>
    public static AbiValue Bytes32(Hash256 value) => new Word(value.ToArray());

    /// <summary>An <c>address</c>, left-padded.</summary>
    public static AbiValue Address(Address value) => new Word(value.ToUInt256().ToBigEndian());

    /// <summary>A <c>bool</c>.</summary>
    public static AbiValue Bool(bool value) => Uint(value ? 1UL : 0UL);

    /// <summary>Dynamic <c>bytes</c>.</summary>
    public static AbiValue Bytes(byte[] value) => new DynamicBytes(value);

    /// <summary>A tuple (struct); also the argument list of a call.</summary>
    public static AbiValue Tuple(params AbiValue[] fields) => new TupleValue(fields);

    /// <summary>A variable-length array <c>T[]</c>.</summary>
    public static AbiValue Array(IReadOnlyList<AbiValue> items) => new ArrayValue(items);

    /// <summary><c>bytes[]</c>, e.g. an eth_getProof node list.</summary>
    public static AbiValue BytesArray(IReadOnlyList<byte[]> items)
    {
        var values = new AbiValue[items.Count];
        for (int i = 0; i < values.Length; i++) values[i] = Bytes(items[i]);
        return Array(values);
    }

    /// <summary>Encodes <paramref name="args"/> as <c>abi.encode(args...)</c>.</summary>
    public static byte[] Encode(params AbiValue[] args)
    {
        using var output = new MemoryStream();
        WriteSequence(args, output);
        return output.ToArray();
    }

    /// <summary>Calldata: the 4-byte selector of <paramref name="signature"/> followed by the encoded arguments.</summary>
    public static byte[] EncodeCall(string signature, params AbiValue[] args)
    {
        using var output = new MemoryStream();
        output.Write(Selector(signature));
        WriteSequence(args, output);
        return output.ToArray();
    }

    /// <summary>The first four bytes of keccak256(<paramref name="signature"/>), e.g. <c>"submit(uint256,...)"</c>.</summary>
    public static byte[] Selector(string signature) => Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature)).ToArray()[..4];

    /// <summary>An event's topic 0: keccak256 of its signature.</summary>
    public static Hash256 EventTopic(string signature) => Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(signature));

    private static void WriteSequence(IReadOnlyList<AbiValue> values, MemoryStream output)
    {
        int head = 0;
        for (int i = 0; i < values.Count; i++) head += values[i].IsDynamic ? 32 : values[i].StaticSize;
        var tails = new List<byte[]>();
        int tailLength = 0;
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].IsDynamic)
            {
                WriteWord(output, (ulong)(head + tailLength));
                using var tail = new MemoryStream();
                values[i].Write(tail);
                byte[] bytes = tail.ToArray();
                tails.Add(bytes);
                tailLength += bytes.Length;
            }
            else
            {
                values[i].Write(output);
            }
        }
        foreach (byte[] tail in tails) output.Write(tail);
    }

    private static void WriteWord(MemoryStream output, ulong value)
    {
        Span<byte> word = stackalloc byte[32];
        new UInt256(value).WriteBigEndian(word);
        output.Write(word);
    }

    private sealed class Word(byte[] bigEndian) : AbiValue
    {
        public override bool IsDynamic => false;
        internal override int StaticSize => 32;
        internal override void Write(MemoryStream output)
        {
            Span<byte> word = stackalloc byte[32];
            bigEndian.CopyTo(word[(32 - bigEndian.Length)..]);
            output.Write(word);
        }
    }

    private sealed class DynamicBytes(byte[] value) : AbiValue
    {
        public override bool IsDynamic => true;
        internal override int StaticSize => throw new InvalidOperationException("bytes is dynamic");
        internal override void Write(MemoryStream output)
        {
            WriteWord(output, (ulong)value.Length);
            output.Write(value);
            int pad = (32 - value.Length % 32) % 32;
            for (int i = 0; i < pad; i++) output.WriteByte(0);
        }
    }

    private sealed class TupleValue(AbiValue[] fields) : AbiValue
    {
        public override bool IsDynamic
        {
            get
            {
                foreach (AbiValue f in fields) if (f.IsDynamic) return true;
                return false;
            }
        }

        internal override int StaticSize
        {
            get
            {
                int size = 0;
                foreach (AbiValue f in fields) size += f.StaticSize;
                return size;
            }
        }

        internal override void Write(MemoryStream output) => WriteSequence(fields, output);
    }

    private sealed class ArrayValue(IReadOnlyList<AbiValue> items) : AbiValue
    {
        public override bool IsDynamic => true;
        internal override int StaticSize => throw new InvalidOperationException("T[] is dynamic");
        internal override void Write(MemoryStream output)
        {
            WriteWord(output, (ulong)items.Count);
            WriteSequence(items, output);
        }
    }
}
