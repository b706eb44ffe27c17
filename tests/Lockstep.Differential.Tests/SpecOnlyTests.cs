using System.Numerics;
using Lockstep.Primitives;
using static Lockstep.Differential.Tests.Op;

namespace Lockstep.Differential.Tests;

/// <summary>
/// Cases where Nethereum.EVM 6.1.0 deviates from the specification, so they cannot be differential; our EVM is
/// checked against the spec's stated behaviour instead.
/// </summary>
public class SpecOnlyTests
{
    private static readonly BigInteger Max = (BigInteger.One << 256) - 1;

    /// <summary>
    /// execution-specs (cancun/vm/gas.py calculate_gas_extend_memory) skips zero-size regions, so a CALL whose
    /// output region is empty never expands memory, whatever its offset: the call succeeds and MSIZE stays 0.
    /// </summary>
    [Fact]
    public void ZeroSizeCallOutputAtHugeOffsetDoesNotExpandMemory()
    {
        byte[] code = new Asm()
            .Push(0).Push(Max).Push(0).Push(0).Push(0).Push(DiffCase.Callee).Push(5000).Ops(CALL).Push(0).Ops(SSTORE)
            .Ops(MSIZE).Push(1).Ops(SSTORE).SStore(2, 1).Build();
        DiffCase c = DiffCase.Call("zero-size call output at huge offset", code, gas: 100_000,
            extra: (DiffCase.Callee, new PreAccount { Code = [STOP], Nonce = 1 }));
        var slots = new Dictionary<Address, IEnumerable<UInt256>> { [DiffCase.Target] = [UInt256.Zero, UInt256.One, new UInt256(2)] };
        Outcome o = LockstepRunner.Run(c, slots);
        Assert.Equal(OutcomeKind.Success, o.Kind);
        SortedDictionary<UInt256, UInt256> storage = o.Accounts[DiffCase.Target].Storage;
        Assert.Equal(UInt256.One, storage[UInt256.Zero]);           // the CALL succeeded
        Assert.False(storage.ContainsKey(UInt256.One));             // MSIZE was 0
        Assert.Equal(UInt256.One, storage[new UInt256(2)]);         // and execution went on
    }

    /// <summary>
    /// EIP-198: modexp input is right-padded with zeros, so leaving off trailing zero bytes (here the last
    /// exponent byte and the modulus) changes neither the price (EIP-2565 reads the exponent head padded) nor the
    /// result. Nethereum 6.1.0 prices the truncated exponent lower.
    /// </summary>
    [Fact]
    public void ModexpTruncatedInputCostsTheSameAsPadded()
    {
        // Base length 64 (so the price is above the 200 floor), exponent length 32 of which only the head byte 5 is
        // present (padded: 5·2^248, iteration count 250; read short: 5, count 2), modulus length 1, absent (0).
        byte[] input = [.. new UInt256(64).ToBigEndian(), .. new UInt256(32).ToBigEndian(), .. new UInt256(1).ToBigEndian(),
            .. Enumerable.Repeat((byte)3, 64), 5];
        Outcome Run(int inSize)
        {
            var a = new Asm().MStore(0x200, 0); // memory is expanded beyond both input sizes up front
            for (int i = 0; i < input.Length; i += 32)
            {
                var word = new byte[32];
                Array.Copy(input, i, word, 0, Math.Min(32, input.Length - i));
                a.Push(new BigInteger(word, isUnsigned: true, isBigEndian: true)).Push(i).Ops(MSTORE);
            }
            a.Call(STATICCALL, Address.FromNumber(5), 100_000, 0, 0, inSize, 0, 0).Push(0).Ops(SSTORE)
                .Ops(RETURNDATASIZE).Push(0).Push(0).Ops(RETURNDATACOPY).Ops(RETURNDATASIZE).Push(0).Ops(RETURN);
            return LockstepRunner.Run(DiffCase.Call("modexp", a.Build()));
        }
        Outcome truncated = Run(input.Length);        // exponent tail and modulus left off
        Outcome padded = Run(input.Length + 32);      // the same zeros written out
        Assert.Equal(OutcomeKind.Success, truncated.Kind);
        Assert.Equal(padded.GasUsed, truncated.GasUsed);
        Assert.Equal(padded.Output, truncated.Output);
        Assert.Equal([0], truncated.Output);           // one byte of (x mod 0) = 0
    }

    /// <summary>
    /// EIP-211/execution-specs returndatacopy: a zero-size copy has no memory cost and is in bounds when
    /// offset + 0 &lt;= RETURNDATASIZE, whatever the destination offset. Nethereum 6.1.0 halts on it.
    /// </summary>
    [Fact]
    public void ZeroSizeReturnDataCopyToHugeOffsetSucceeds()
    {
        byte[] code = new Asm().Push(0).Push(0).Push(BigInteger.One << 99).Ops(RETURNDATACOPY).SStore(0, 1).Ops(MSIZE).Push(1).Ops(SSTORE).Build();
        Outcome o = LockstepRunner.Run(DiffCase.Call("zero-size returndatacopy", code));
        Assert.Equal(OutcomeKind.Success, o.Kind);
        Assert.Equal(UInt256.One, o.Accounts[DiffCase.Target].Storage[UInt256.Zero]);
        Assert.False(o.Accounts[DiffCase.Target].Storage.ContainsKey(UInt256.One)); // MSIZE stayed 0
    }

    /// <summary>
    /// EIP-7516: BLOBBASEFEE is the block's blob base fee in every frame. Here it must read the same in a CALL,
    /// DELEGATECALL and CALLCODE frame as at the top (Nethereum 6.1.0 returns 0 below the top frame).
    /// </summary>
    [Fact]
    public void BlobBaseFeeIsTheSameInNestedFrames()
    {
        byte[] callee = new Asm().Ops(BLOBBASEFEE).Push(0).Ops(CALLDATALOAD).Ops(SSTORE).Build();
        byte[] code = new Asm()
            .Ops(BLOBBASEFEE).Push(0).Ops(SSTORE)
            .MStore(0, 1).Call(CALL, DiffCase.Callee, 50_000, 0, 0, 32).Ops(POP)
            .MStore(0, 2).Call(DELEGATECALL, DiffCase.Callee, 50_000, 0, 0, 32).Ops(POP)
            .MStore(0, 3).Call(CALLCODE, DiffCase.Callee, 50_000, 0, 0, 32).Ops(POP).Build();
        DiffCase c = DiffCase.Call("blobbasefee nested", code, gas: 300_000,
            extra: (DiffCase.Callee, new PreAccount { Code = callee, Nonce = 1 }));
        Outcome o = LockstepRunner.Run(c);
        Assert.Equal(OutcomeKind.Success, o.Kind);
        SortedDictionary<UInt256, UInt256> target = o.Accounts[DiffCase.Target].Storage;
        UInt256 top = target[UInt256.Zero];
        Assert.False(top.IsZero); // fake_exponential(1, 0, ...) = MIN_BLOB_BASE_FEE = 1 here
        Assert.Equal(top, o.Accounts[DiffCase.Callee].Storage[UInt256.One]);
        Assert.Equal(top, target[new UInt256(2)]);
        Assert.Equal(top, target[new UInt256(3)]);
    }

    /// <summary>
    /// EIP-6780 / execution-specs selfdestruct: a contract created in this transaction that self-destructs with
    /// itself as beneficiary burns its balance (set_account_balance(originator, 0)). Here the initcode of a
    /// creation carrying 200 wei CALLCODEs a self-destructing routine (beneficiary CALLER = itself), then logs
    /// SELFBALANCE, which must be 0. Nethereum 6.1.0 keeps the 200.
    /// </summary>
    [Fact]
    public void SelfDestructToItselfInCreationTransactionBurnsTheBalance()
    {
        byte[] routine = new Asm().Ops(CALLER, SELFDESTRUCT).Build();
        byte[] initcode = new Asm().Call(CALLCODE, DiffCase.Callee, 50_000).Ops(POP)
            .Ops(SELFBALANCE).Push(0).Push(0).Ops(LOG1).Build();
        DiffCase c = DiffCase.Create("burn", initcode, value: 200,
            extra: (DiffCase.Callee, new PreAccount { Code = routine, Nonce = 1 }));
        Outcome o = LockstepRunner.Run(c);
        Assert.Equal(OutcomeKind.Success, o.Kind);
        LogDump log = Assert.Single(o.Logs);
        Assert.Equal(Hash256.Zero, log.Topics[0]);
        UInt256 total = UInt256.Zero;
        foreach ((Address a, AccountDump d) in o.Accounts)
            if (a != DiffCase.Sender && a != DiffCase.Coinbase) total += d.Balance;
        Assert.Equal(UInt256.Zero, total); // the 200 wei went nowhere: burnt
    }

    /// <summary>
    /// CALL with value into a precompile: execution-specs process_message moves the value before running the
    /// precompile (the account then exists with that balance), and generic_call gives the child gas + 2300
    /// stipend and takes back what it leaves. Nethereum 6.1.0 moves no value and keeps the stipend.
    /// </summary>
    [Fact]
    public void CallWithValueIntoPrecompileMovesTheValue()
    {
        byte[] code = new Asm().Call(CALL, Address.FromNumber(4), 0, 77, 0, 32, 0, 32).Push(0).Ops(SSTORE).Build();
        DiffCase c = DiffCase.Call("value into identity", code, gas: 100_000);
        Outcome o = LockstepRunner.Run(c, new Dictionary<Address, IEnumerable<UInt256>> { [DiffCase.Target] = [UInt256.Zero] });
        Assert.Equal(OutcomeKind.Success, o.Kind);
        Assert.Equal(UInt256.One, o.Accounts[DiffCase.Target].Storage[UInt256.Zero]);
        Assert.Equal(new UInt256(77), o.Accounts[Address.FromNumber(4)].Balance);
        Assert.Equal(new UInt256(1000 - 77), o.Accounts[DiffCase.Target].Balance);
    }
}
