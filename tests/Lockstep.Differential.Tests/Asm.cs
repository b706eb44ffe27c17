using System.Numerics;
using Lockstep.Primitives;

namespace Lockstep.Differential.Tests;

/// <summary>EVM opcodes used by the workloads (Yellow Paper appendix H, EIP-1153, EIP-3855, EIP-5656).</summary>
public static class Op
{
    public const byte STOP = 0x00, ADD = 0x01, MUL = 0x02, SUB = 0x03, DIV = 0x04, SDIV = 0x05, MOD = 0x06, SMOD = 0x07,
        ADDMOD = 0x08, MULMOD = 0x09, EXP = 0x0a, SIGNEXTEND = 0x0b,
        LT = 0x10, GT = 0x11, SLT = 0x12, SGT = 0x13, EQ = 0x14, ISZERO = 0x15, AND = 0x16, OR = 0x17, XOR = 0x18,
        NOT = 0x19, BYTE = 0x1a, SHL = 0x1b, SHR = 0x1c, SAR = 0x1d,
        SHA3 = 0x20,
        ADDRESS = 0x30, BALANCE = 0x31, ORIGIN = 0x32, CALLER = 0x33, CALLVALUE = 0x34, CALLDATALOAD = 0x35,
        CALLDATASIZE = 0x36, CALLDATACOPY = 0x37, CODESIZE = 0x38, CODECOPY = 0x39, GASPRICE = 0x3a,
        EXTCODESIZE = 0x3b, EXTCODECOPY = 0x3c, RETURNDATASIZE = 0x3d, RETURNDATACOPY = 0x3e, EXTCODEHASH = 0x3f,
        BLOCKHASH = 0x40, COINBASE = 0x41, TIMESTAMP = 0x42, NUMBER = 0x43, PREVRANDAO = 0x44, GASLIMIT = 0x45,
        CHAINID = 0x46, SELFBALANCE = 0x47, BASEFEE = 0x48, BLOBHASH = 0x49, BLOBBASEFEE = 0x4a,
        POP = 0x50, MLOAD = 0x51, MSTORE = 0x52, MSTORE8 = 0x53, SLOAD = 0x54, SSTORE = 0x55, JUMP = 0x56,
        JUMPI = 0x57, PC = 0x58, MSIZE = 0x59, GAS = 0x5a, JUMPDEST = 0x5b, TLOAD = 0x5c, TSTORE = 0x5d, MCOPY = 0x5e,
        PUSH0 = 0x5f, PUSH1 = 0x60, PUSH32 = 0x7f, DUP1 = 0x80, SWAP1 = 0x90,
        LOG0 = 0xa0, LOG1 = 0xa1, LOG2 = 0xa2, LOG3 = 0xa3, LOG4 = 0xa4,
        CREATE = 0xf0, CALL = 0xf1, CALLCODE = 0xf2, RETURN = 0xf3, DELEGATECALL = 0xf4, CREATE2 = 0xf5,
        STATICCALL = 0xfa, REVERT = 0xfd, INVALID = 0xfe, SELFDESTRUCT = 0xff;
}

/// <summary>A tiny assembler for hand-written test contracts: opcodes, minimal pushes and forward labels.</summary>
public sealed class Asm
{
    private readonly List<byte> _code = new();
    private readonly Dictionary<string, int> _labels = new();
    private readonly List<(int At, string Label)> _fixups = new();

    public int Length => _code.Count;

    public Asm Ops(params byte[] ops) { _code.AddRange(ops); return this; }

    /// <summary>Pushes <paramref name="value"/> with the shortest PUSHn (PUSH0 for zero, EIP-3855).</summary>
    public Asm Push(BigInteger value)
    {
        if (value.Sign == 0) { _code.Add(Op.PUSH0); return this; }
        byte[] b = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (b.Length > 32) throw new ArgumentOutOfRangeException(nameof(value));
        _code.Add((byte)(Op.PUSH1 + b.Length - 1));
        _code.AddRange(b);
        return this;
    }

    public Asm PushWord(UInt256 value) => Push(value.ToBigInteger());
    public Asm Push(Address a) => Push(a.ToUInt256().ToBigInteger());
    public Asm Push(string hex) => Push(new BigInteger(Hex.Decode(hex), isUnsigned: true, isBigEndian: true));

    /// <summary>Pushes a full 32-byte word (PUSH32) regardless of its size.</summary>
    public Asm Push32(UInt256 value) { _code.Add(Op.PUSH32); _code.AddRange(value.ToBigEndian()); return this; }

    /// <summary>Emits a JUMPDEST and names it.</summary>
    public Asm Label(string name) { _labels[name] = _code.Count; _code.Add(Op.JUMPDEST); return this; }

    /// <summary>PUSH2 of a label's offset, resolved in <see cref="Build"/>.</summary>
    public Asm PushLabel(string name) { _code.Add(0x61); _fixups.Add((_code.Count, name)); _code.Add(0); _code.Add(0); return this; }

    /// <summary>MSTORE of a value at a memory offset.</summary>
    public Asm MStore(BigInteger offset, BigInteger value) => Push(value).Push(offset).Ops(Op.MSTORE);

    /// <summary>MSTORE of a hex word at a memory offset.</summary>
    public Asm MStore(BigInteger offset, string hexWord) => Push(hexWord).Push(offset).Ops(Op.MSTORE);

    /// <summary>SSTORE of a value at a slot.</summary>
    public Asm SStore(BigInteger slot, BigInteger value) => Push(value).Push(slot).Ops(Op.SSTORE);

    /// <summary>RETURN of memory [offset, offset + size).</summary>
    public Asm Return(BigInteger offset, BigInteger size) => Push(size).Push(offset).Ops(Op.RETURN);

    /// <summary>REVERT with memory [offset, offset + size).</summary>
    public Asm Revert(BigInteger offset, BigInteger size) => Push(size).Push(offset).Ops(Op.REVERT);

    /// <summary>
    /// A CALL-family call: CALL/CALLCODE take a value, DELEGATECALL/STATICCALL do not. Leaves the success flag.
    /// </summary>
    public Asm Call(byte op, Address to, BigInteger gas, BigInteger value = default, int inOff = 0, int inSize = 0, int outOff = 0, int outSize = 0)
    {
        Push(outSize).Push(outOff).Push(inSize).Push(inOff);
        if (op is Op.CALL or Op.CALLCODE) Push(value);
        return Push(to).Push(gas).Ops(op);
    }

    public byte[] Build()
    {
        byte[] code = _code.ToArray();
        foreach ((int at, string label) in _fixups)
        {
            int target = _labels[label];
            code[at] = (byte)(target >> 8);
            code[at + 1] = (byte)target;
        }
        return code;
    }

    /// <summary>
    /// Initcode that deploys <paramref name="runtime"/>: CODECOPY the tail of itself into memory and RETURN it.
    /// </summary>
    public static byte[] Deployer(byte[] runtime)
    {
        // PUSH2 len, PUSH2 off, PUSH0, CODECOPY, PUSH2 len, PUSH0, RETURN: 14 bytes of prefix.
        const int prefix = 14;
        var a = new List<byte>
        {
            0x61, (byte)(runtime.Length >> 8), (byte)runtime.Length,
            0x61, 0, prefix,
            Op.PUSH0, Op.CODECOPY,
            0x61, (byte)(runtime.Length >> 8), (byte)runtime.Length,
            Op.PUSH0, Op.RETURN,
            Op.INVALID,
        };
        a.AddRange(runtime);
        return a.ToArray();
    }
}
