using System.Runtime.CompilerServices;
using Lockstep.Primitives;

namespace Lockstep.Evm.Instructions;

/// <summary>0x40-0x4a: block information (Yellow Paper 9.4.4, EIP-1344, EIP-3198, EIP-4399, EIP-4844, EIP-7516).</summary>
public static unsafe class BlockInfo
{
    internal static void Register(InstructionSet.Builder b)
    {
        b.Set(0x40, &BlockHash, GasCost.BlockHash, 1, 1);
        b.Set(0x41, &Coinbase, GasCost.Base, 0, 1);
        b.Set(0x42, &Timestamp, GasCost.Base, 0, 1);
        b.Set(0x43, &Number, GasCost.Base, 0, 1);
        b.Set(0x44, &PrevRandao, GasCost.Base, 0, 1);
        b.Set(0x45, &GasLimit, GasCost.Base, 0, 1);
        b.Set(0x46, &ChainId, GasCost.Base, 0, 1);
        b.Set(0x48, &BaseFee, GasCost.Base, 0, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ExecStatus Push(ref Frame f, in UInt256 v)
    {
        f.Stack[f.Sp++] = v;
        return ExecStatus.Continue;
    }

    /// <summary>Hash of one of the 256 most recent complete blocks, else zero.</summary>
    public static ExecStatus BlockHash(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        BlockContext block = f.Vm.Block;
        ulong current = block.Number;
        if (!top.FitsInUlong || top.U0 >= current || current - top.U0 > 256 || block.BlockHashes is null)
        {
            top = UInt256.Zero;
            return ExecStatus.Continue;
        }
        top = block.BlockHashes.GetBlockHash(top.U0).ToUInt256();
        return ExecStatus.Continue;
    }

    public static ExecStatus Coinbase(ref Frame f) => Push(ref f, f.Vm.Block.Coinbase.ToUInt256());
    public static ExecStatus Timestamp(ref Frame f) => Push(ref f, new UInt256(f.Vm.Block.Timestamp));
    public static ExecStatus Number(ref Frame f) => Push(ref f, new UInt256(f.Vm.Block.Number));
    public static ExecStatus PrevRandao(ref Frame f) => Push(ref f, f.Vm.Block.PrevRandao);
    public static ExecStatus GasLimit(ref Frame f) => Push(ref f, new UInt256((ulong)f.Vm.Block.GasLimit));
    public static ExecStatus ChainId(ref Frame f) => Push(ref f, f.Vm.Block.ChainId);
    public static ExecStatus BaseFee(ref Frame f) => Push(ref f, f.Vm.Block.BaseFee);
    public static ExecStatus BlobBaseFee(ref Frame f) => Push(ref f, f.Vm.Block.BlobBaseFee);

    /// <summary>EIP-4844: the transaction's versioned hash at the index, zero when out of range.</summary>
    public static ExecStatus BlobHash(ref Frame f)
    {
        ref UInt256 top = ref f.Peek(0);
        Hash256[] hashes = f.Vm.Tx.BlobHashes;
        top = top.FitsInUlong && top.U0 < (ulong)hashes.Length ? hashes[(int)top.U0].ToUInt256() : UInt256.Zero;
        return ExecStatus.Continue;
    }
}
