using System.Text;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.SystemContracts;

/// <summary>The two kinds of cross-rollup message (docs/protocol.md).</summary>
public enum MessageKind
{
    /// <summary>A token or ETH burned on the source, minted on the destination (MintBurn).</summary>
    Mint,
    /// <summary>An arbitrary call executed on the destination (Messenger).</summary>
    Action,
}

/// <summary>
/// One cross-rollup message, decoded from the MintRequested / ActionRequested log that the system contract emitted
/// on the source, with the protocol call that delivers it on the destination (<see cref="DeliveryTo"/>,
/// <see cref="DeliveryCalldata"/>, <see cref="DeliveryGas"/>, sent from <see cref="SystemAddresses.ProtocolSender"/>).
/// </summary>
public sealed class CrossRollupMessage
{
    /// <summary>Gas of the protocol transaction delivering a MINT (intrinsic gas, the inbox append with cold
    /// first-time SSTOREs, a token mint with a new balance slot or an ETH payout to a fresh account, events).</summary>
    public const ulong MintDeliveryGas = 250_000;

    /// <summary>Gas added to an ACTION's gasLimit (and its 1/63 EIP-150 reserve) for the protocol transaction:
    /// intrinsic gas and calldata, the inbox append, transient storage and the event around the target call.</summary>
    public const ulong ActionDeliveryOverhead = 200_000;

    /// <summary>topic0 of <c>MintRequested(uint256,uint256,bytes32,address,address,address,uint256)</c>; topic1 is the
    /// destination, the data the other six words.</summary>
    public static readonly Hash256 MintRequestedTopic = Keccak256.Compute(Encoding.ASCII.GetBytes(
        "MintRequested(uint256,uint256,bytes32,address,address,address,uint256)"));

    /// <summary>topic0 of <c>ActionRequested(uint256,uint256,bytes32,address,address,uint256,bytes)</c>; topic1 is the
    /// destination, the data the rest (abi-encoded).</summary>
    public static readonly Hash256 ActionRequestedTopic = Keccak256.Compute(Encoding.ASCII.GetBytes(
        "ActionRequested(uint256,uint256,bytes32,address,address,uint256,bytes)"));

    /// <summary>topic0 of <c>MintExecuted(uint256,uint256,bytes32)</c> (emitted on the destination; topic1 the source,
    /// data nonce and message hash).</summary>
    public static readonly Hash256 MintExecutedTopic = Keccak256.Compute(Encoding.ASCII.GetBytes("MintExecuted(uint256,uint256,bytes32)"));

    /// <summary>topic0 of <c>ActionExecuted(uint256,uint256,bytes32)</c> (emitted on the destination, laid out as
    /// <see cref="MintExecutedTopic"/>'s event).</summary>
    public static readonly Hash256 ActionExecutedTopic = Keccak256.Compute(Encoding.ASCII.GetBytes("ActionExecuted(uint256,uint256,bytes32)"));

    /// <summary>MINT or ACTION.</summary>
    public MessageKind Kind { get; private init; }
    /// <summary>Chain id of the rollup that emitted the request.</summary>
    public ulong Source { get; private init; }
    /// <summary>Chain id of the rollup that must execute it.</summary>
    public ulong Destination { get; private init; }
    /// <summary>Per-ordered-pair counter: the outbox leaf index on the source and the inbox leaf index on the destination.</summary>
    public ulong Nonce { get; private init; }
    /// <summary>The leaf appended to both trees (<see cref="MessageHashes"/>).</summary>
    public Hash256 MessageHash { get; private init; }

    /// <summary>MINT: the token, <see cref="Address.Zero"/> for ETH.</summary>
    public Address Token { get; private init; }
    /// <summary>MINT: the account whose tokens were burned.</summary>
    public Address From { get; private init; }
    /// <summary>MINT: the recipient on the destination.</summary>
    public Address To { get; private init; }
    /// <summary>MINT: the amount (wei for ETH).</summary>
    public UInt256 Amount { get; private init; }

    /// <summary>ACTION: the account that called trigger (messageSender() during the action).</summary>
    public Address Sender { get; private init; }
    /// <summary>ACTION: the contract called on the destination.</summary>
    public Address Target { get; private init; }
    /// <summary>ACTION: exactly the gas the target gets.</summary>
    public ulong GasLimit { get; private init; }
    /// <summary>ACTION: the target's calldata.</summary>
    public byte[] Data { get; private init; } = [];

    /// <summary>The system contract the protocol transaction calls on the destination (MintBurn or Messenger).</summary>
    public Address DeliveryTo => Kind == MessageKind.Mint ? SystemAddresses.MintBurn : SystemAddresses.Messenger;

    /// <summary>Calldata of the protocol transaction: <c>mint(...)</c> or <c>action(...)</c>.</summary>
    public byte[] DeliveryCalldata => Kind == MessageKind.Mint
        ? SystemCalldata.Mint(Source, Nonce, Token, From, To, Amount)
        : SystemCalldata.Action(Source, Nonce, Sender, Target, new UInt256(GasLimit), Data);

    /// <summary>Gas limit of the protocol transaction: <see cref="MintDeliveryGas"/> for MINT; for ACTION the user's
    /// gasLimit, plus gasLimit/63 (Messenger requires gasleft() &gt;= gasLimit*64/63 + margin before the call, EIP-150),
    /// plus <see cref="ActionDeliveryOverhead"/> and 16 gas per calldata byte.</summary>
    public ulong DeliveryGas => Kind == MessageKind.Mint
        ? MintDeliveryGas
        : GasLimit + GasLimit / 63 + ActionDeliveryOverhead + 16UL * (ulong)Data.Length;

    /// <summary>
    /// Decodes a request log emitted on rollup <paramref name="sourceChainId"/>. False for any other log: another
    /// emitter or topic0, another topic count, malformed data or values out of range. The message hash is read from the
    /// data, not recomputed: the log's emitter (a system contract, whose code is genesis) and topic0 are what make it
    /// trustworthy, and MessageTrees computed that hash from the same fields (the destination recomputes it too).
    /// </summary>
    public static bool TryDecode(LogEntry log, ulong sourceChainId, out CrossRollupMessage message)
    {
        message = null!;
        // One indexed parameter (the destination): topic0 and topic1 (docs/protocol.md).
        if (log.Topics.Length != 2) return false;
        Hash256 topic0 = log.Topics[0];
        if (topic0 == MintRequestedTopic && log.Address == SystemAddresses.MintBurn) return TryDecodeMint(log, sourceChainId, out message);
        if (topic0 == ActionRequestedTopic && log.Address == SystemAddresses.Messenger) return TryDecodeAction(log, sourceChainId, out message);
        return false;
    }

    /// <summary>Decodes every request in <paramref name="logs"/> (a user transaction's logs), in log order.</summary>
    public static List<CrossRollupMessage> DecodeAll(IReadOnlyList<LogEntry> logs, ulong sourceChainId)
    {
        var messages = new List<CrossRollupMessage>();
        for (int i = 0; i < logs.Count; i++)
            if (TryDecode(logs[i], sourceChainId, out CrossRollupMessage m)) messages.Add(m);
        return messages;
    }

    /// <summary>
    /// Decodes a protocol transaction back into its message: <paramref name="to"/> and <paramref name="calldata"/> of
    /// a delivery executed on rollup <paramref name="destination"/> (for verifiers and status queries that start from
    /// the destination's block). False unless it is canonical <c>mint</c> calldata to MintBurn or <c>action</c>
    /// calldata to Messenger with every value in range.
    /// </summary>
    public static bool TryDecodeDelivery(in Address to, ReadOnlySpan<byte> calldata, ulong destination, out CrossRollupMessage message)
    {
        message = null!;
        if (calldata.Length < 4 + 6 * 32) return false;
        ReadOnlySpan<byte> args = calldata[4..];
        UInt256 source = AbiWords.ReadWord(args, 0), nonce = AbiWords.ReadWord(args, 32);
        if (!source.FitsInUlong || !nonce.FitsInUlong) return false;
        if (to == SystemAddresses.MintBurn && calldata[..4].SequenceEqual(MintSelector))
        {
            if (args.Length != 6 * 32) return false;
            if (!AbiWords.TryReadAddress(args, 64, out Address token) || !AbiWords.TryReadAddress(args, 96, out Address from)
                || !AbiWords.TryReadAddress(args, 128, out Address recipient)) return false;
            UInt256 amount = AbiWords.ReadWord(args, 160);
            message = new CrossRollupMessage
            {
                Kind = MessageKind.Mint, Source = (ulong)source, Destination = destination, Nonce = (ulong)nonce,
                MessageHash = MessageHashes.Mint((ulong)source, destination, (ulong)nonce, token, from, recipient, amount),
                Token = token, From = from, To = recipient, Amount = amount,
            };
            return true;
        }
        if (to == SystemAddresses.Messenger && calldata[..4].SequenceEqual(ActionSelector))
        {
            if (args.Length < 7 * 32) return false;
            if (!AbiWords.TryReadAddress(args, 64, out Address sender) || !AbiWords.TryReadAddress(args, 96, out Address target)) return false;
            UInt256 gasLimit = AbiWords.ReadWord(args, 128), offset = AbiWords.ReadWord(args, 160), length = AbiWords.ReadWord(args, 192);
            if (!gasLimit.FitsInUlong || offset != new UInt256(192) || !length.FitsInUlong || (ulong)length > (ulong)args.Length) return false;
            int dataLength = (int)(ulong)length;
            if (args.Length != 7 * 32 + (dataLength + 31) / 32 * 32) return false;
            byte[] data = args.Slice(7 * 32, dataLength).ToArray();
            message = new CrossRollupMessage
            {
                Kind = MessageKind.Action, Source = (ulong)source, Destination = destination, Nonce = (ulong)nonce,
                MessageHash = MessageHashes.Action((ulong)source, destination, (ulong)nonce, sender, target, gasLimit, data),
                Sender = sender, Target = target, GasLimit = (ulong)gasLimit, Data = data,
            };
            return true;
        }
        return false;
    }

    private static readonly byte[] MintSelector = AbiWords.Selector(SystemCalldata.MintSignature);
    private static readonly byte[] ActionSelector = AbiWords.Selector(SystemCalldata.ActionSignature);

    /// <summary>The words every request starts with: the destination (topic1), then nonce and message hash (data words 0, 1).</summary>
    private static bool TryHeader(LogEntry log, out ulong destination, out ulong nonce, out Hash256 messageHash)
    {
        UInt256 d = log.Topics[1].ToUInt256(), n = AbiWords.ReadWord(log.Data, 0);
        destination = (ulong)d;
        nonce = (ulong)n;
        messageHash = new Hash256(log.Data.AsSpan(32, 32));
        return d.FitsInUlong && n.FitsInUlong;
    }

    private static bool TryDecodeMint(LogEntry log, ulong source, out CrossRollupMessage message)
    {
        message = null!;
        byte[] data = log.Data;
        // abi.encode(uint256 nonce, bytes32 messageHash, address token, address from, address to, uint256 amount).
        if (data.Length != 6 * 32 || !TryHeader(log, out ulong destination, out ulong nonce, out Hash256 hash)) return false;
        if (!AbiWords.TryReadAddress(data, 64, out Address token) || !AbiWords.TryReadAddress(data, 96, out Address from)
            || !AbiWords.TryReadAddress(data, 128, out Address to)) return false;
        message = new CrossRollupMessage
        {
            Kind = MessageKind.Mint, Source = source, Destination = destination, Nonce = nonce, MessageHash = hash,
            Token = token, From = from, To = to, Amount = AbiWords.ReadWord(data, 160),
        };
        return true;
    }

    private static bool TryDecodeAction(LogEntry log, ulong source, out CrossRollupMessage message)
    {
        message = null!;
        byte[] data = log.Data;
        // abi.encode(uint256 nonce, bytes32 messageHash, address sender, address target, uint256 gasLimit, bytes data):
        // 6 head words, then the payload's length word and the payload.
        if (data.Length < 7 * 32 || !TryHeader(log, out ulong destination, out ulong nonce, out Hash256 hash)) return false;
        if (!AbiWords.TryReadAddress(data, 64, out Address sender) || !AbiWords.TryReadAddress(data, 96, out Address target)) return false;
        UInt256 gasLimit = AbiWords.ReadWord(data, 128);
        UInt256 offset = AbiWords.ReadWord(data, 160);
        if (!gasLimit.FitsInUlong || offset != new UInt256(6 * 32)) return false;
        UInt256 length = AbiWords.ReadWord(data, 192);
        if (!length.FitsInUlong || (ulong)length > (ulong)(data.Length - 7 * 32)) return false;
        byte[] payload = data.AsSpan(7 * 32, (int)(ulong)length).ToArray();
        message = new CrossRollupMessage
        {
            Kind = MessageKind.Action, Source = source, Destination = destination, Nonce = nonce, MessageHash = hash,
            Sender = sender, Target = target, GasLimit = (ulong)gasLimit, Data = payload,
        };
        return true;
    }
}
