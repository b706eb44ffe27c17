using Lockstep.Primitives;

namespace Lockstep.L1Contracts;

/// <summary>Deployment parameters and calldata of <c>L1SequencerRegistry</c>.</summary>
public static class SequencerRegistry
{
    /// <summary>Constructor arguments: minimum bond (wei), unbond delay (seconds, at least the inbox's challenge window),
    /// epoch length (L1 blocks per leader turn) and the challenger's share of a slashed bond in basis points.</summary>
    public static byte[] EncodeConstructorArgs(UInt256 minBond, ulong unbondDelaySeconds, ulong epochLengthBlocks, ulong rewardBps) =>
        AbiValue.Encode(AbiValue.Uint(minBond), AbiValue.Uint(unbondDelaySeconds), AbiValue.Uint(epochLengthBlocks), AbiValue.Uint(rewardBps));

    /// <summary><c>bond()</c>, payable: join the set with at least minBond, or top up.</summary>
    public static byte[] Bond() => AbiValue.EncodeCall("bond()");

    /// <summary><c>requestUnbond()</c>: leave the set; withdraw after the delay.</summary>
    public static byte[] RequestUnbond() => AbiValue.EncodeCall("requestUnbond()");

    /// <summary><c>withdrawBond()</c>.</summary>
    public static byte[] WithdrawBond() => AbiValue.EncodeCall("withdrawBond()");

    /// <summary><c>setInbox(inbox)</c>, once by the deployer.</summary>
    public static byte[] SetInbox(Address inbox) => AbiValue.EncodeCall("setInbox(address)", AbiValue.Address(inbox));

    /// <summary><c>currentLeader()</c> returns address.</summary>
    public static byte[] CurrentLeader() => AbiValue.EncodeCall("currentLeader()");

    /// <summary><c>isLeader(who)</c> returns bool.</summary>
    public static byte[] IsLeader(Address who) => AbiValue.EncodeCall("isLeader(address)", AbiValue.Address(who));

    /// <summary><c>bonds(who)</c> returns (amount, unbondableAt, activeIndex, slashed).</summary>
    public static byte[] Bonds(Address who) => AbiValue.EncodeCall("bonds(address)", AbiValue.Address(who));

    /// <summary><c>activeSequencers()</c> returns address[] in schedule order.</summary>
    public static byte[] ActiveSequencers() => AbiValue.EncodeCall("activeSequencers()");

    /// <summary>Decodes the return data of <see cref="ActiveSequencers"/>.</summary>
    public static List<Address> DecodeAddressArray(ReadOnlyMemory<byte> output)
    {
        var r = new AbiReader(output);
        int at = r.Tail(0, 0);
        int n = r.Length(at, 32);
        var result = new List<Address>(n);
        for (int i = 0; i < n; i++) result.Add(r.Address(at + 32 + 32 * i));
        return result;
    }
}
