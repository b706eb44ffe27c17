using Lockstep.Primitives;

namespace Lockstep.L1Contracts;

/// <summary>
/// A withdrawal as the L2 withdrawal contract records it: <c>withdrawals[Hash(chainId)] = 1</c> in a mapping at a
/// known slot. <see cref="Token"/> zero is ETH.
/// </summary>
public sealed record Withdrawal(UInt256 Nonce, Address From, Address To, Address Token, UInt256 Amount)
{
    /// <summary>keccak256(abi.encode(chainId, nonce, from, to, token, amount)): the key the L2 contract stores and L1 checks.</summary>
    public Hash256 Hash(ulong chainId) => Keccak256.Compute(AbiValue.Encode(AbiValue.Uint(chainId), AbiValue.Uint(Nonce), AbiValue.Address(From),
        AbiValue.Address(To), AbiValue.Address(Token), AbiValue.Uint(Amount)));

    /// <summary>The L2 storage slot that must hold 1: keccak256(abi.encode(hash, withdrawalsBaseSlot)).</summary>
    public Hash256 Slot(ulong chainId, UInt256 withdrawalsBaseSlot) => StorageSlots.Mapping(Hash(chainId), withdrawalsBaseSlot);

    internal AbiValue ToAbi() => AbiValue.Tuple(AbiValue.Uint(Nonce), AbiValue.Address(From), AbiValue.Address(To), AbiValue.Address(Token), AbiValue.Uint(Amount));
}

/// <summary>Deployment parameters, calldata and hash rules of <c>L1Bridge</c>.</summary>
public static class Bridge
{
    /// <summary>Constructor arguments: the inbox, the L2 withdrawal contract and the slot of its withdrawals mapping.</summary>
    public static byte[] EncodeConstructorArgs(Address inbox, Address l2Withdrawals, UInt256 withdrawalsBaseSlot) =>
        AbiValue.Encode(AbiValue.Address(inbox), AbiValue.Address(l2Withdrawals), AbiValue.Uint(withdrawalsBaseSlot));

    /// <summary><c>depositETH(chainId, to, data)</c>, payable.</summary>
    public static byte[] DepositEth(ulong chainId, Address to, byte[]? data = null) =>
        AbiValue.EncodeCall("depositETH(uint256,address,bytes)", AbiValue.Uint(chainId), AbiValue.Address(to), AbiValue.Bytes(data ?? []));

    /// <summary><c>depositERC20(chainId, token, to, amount, data)</c> (approve the bridge first).</summary>
    public static byte[] DepositErc20(ulong chainId, Address token, Address to, UInt256 amount, byte[]? data = null) =>
        AbiValue.EncodeCall("depositERC20(uint256,address,address,uint256,bytes)", AbiValue.Uint(chainId), AbiValue.Address(token),
            AbiValue.Address(to), AbiValue.Uint(amount), AbiValue.Bytes(data ?? []));

    /// <summary><c>finalizeWithdrawal(superbatchIndex, chainId, withdrawal, accountProof, storageProof)</c>: proofs of the
    /// L2 withdrawal contract's account and of <see cref="Withdrawal.Slot"/> against the finalized claimed root.</summary>
    public static byte[] FinalizeWithdrawal(ulong superbatchIndex, ulong chainId, Withdrawal withdrawal, IReadOnlyList<byte[]> accountProof, IReadOnlyList<byte[]> storageProof) =>
        AbiValue.EncodeCall("finalizeWithdrawal(uint256,uint256,(uint256,address,address,address,uint256),bytes[],bytes[])",
            AbiValue.Uint(superbatchIndex), AbiValue.Uint(chainId), withdrawal.ToAbi(), AbiValue.BytesArray(accountProof), AbiValue.BytesArray(storageProof));

    /// <summary><c>depositCount()</c>.</summary>
    public static byte[] DepositCount() => AbiValue.EncodeCall("depositCount()");

    /// <summary><c>queueHashAt(count)</c>: the rolling hash a superbatch consuming <paramref name="count"/> deposits commits to.</summary>
    public static byte[] QueueHashAt(ulong count) => AbiValue.EncodeCall("queueHashAt(uint256)", AbiValue.Uint(count));

    /// <summary>keccak256(abi.encode(chainId, index, from, to, token, amount, keccak256(data))).</summary>
    public static Hash256 DepositHash(DepositQueuedEvent d) => Keccak256.Compute(AbiValue.Encode(AbiValue.Uint(d.ChainId), AbiValue.Uint(d.DepositIndex),
        AbiValue.Address(d.From), AbiValue.Address(d.To), AbiValue.Address(d.Token), AbiValue.Uint(d.Amount), AbiValue.Bytes32(Keccak256.Compute(d.Data))));

    /// <summary>
    /// The deposits a superbatch executes: queue entries [<paramref name="previousCount"/>, <paramref name="count"/>) of
    /// <paramref name="queue"/> (every DepositQueued event so far, in index order), checked against the queue hash the
    /// superbatch committed to. Throws <see cref="InvalidDataException"/> when events are missing, out of order or do not
    /// hash to <paramref name="committedQueueHash"/>, so a verifier never derives from an incomplete view of L1.
    /// </summary>
    public static List<DepositQueuedEvent> ConsumedBy(IReadOnlyList<DepositQueuedEvent> queue, ulong previousCount, ulong count, Hash256 committedQueueHash) =>
        ConsumedBy(queue, 0, Hash256.Zero, previousCount, count, committedQueueHash);

    /// <summary>
    /// <see cref="ConsumedBy(IReadOnlyList{DepositQueuedEvent}, ulong, ulong, Hash256)"/> over a queue known from entry
    /// <paramref name="firstIndex"/> on (<paramref name="queue"/>[0] is that entry), <paramref name="firstHash"/> being the
    /// queue hash of the entries before it (a verified superbatch's commitment): a long-running verifier keeps only the
    /// deposits not yet consumed and hashes only those.
    /// </summary>
    public static List<DepositQueuedEvent> ConsumedBy(IReadOnlyList<DepositQueuedEvent> queue, ulong firstIndex, Hash256 firstHash, ulong previousCount, ulong count,
        Hash256 committedQueueHash)
    {
        if (previousCount < firstIndex || count < previousCount || count > firstIndex + (ulong)queue.Count)
            throw new InvalidDataException($"deposit range [{previousCount}, {count}) outside the known deposits [{firstIndex}, {firstIndex + (ulong)queue.Count})");
        Hash256 hash = firstHash;
        var consumed = new List<DepositQueuedEvent>((int)(count - previousCount));
        for (ulong i = firstIndex; i < count; i++)
        {
            DepositQueuedEvent d = queue[(int)(i - firstIndex)];
            if (d.DepositIndex != i) throw new InvalidDataException($"deposit {i} missing (found index {d.DepositIndex})");
            hash = NextQueueHash(hash, d);
            if (i >= previousCount) consumed.Add(d);
        }
        if (hash != committedQueueHash) throw new InvalidDataException($"deposit queue hash {hash} differs from the committed {committedQueueHash}");
        return consumed;
    }

    /// <summary>The queue hash after appending <paramref name="deposit"/> to a queue whose hash is <paramref name="previous"/>
    /// (zero for the empty queue): keccak256(abi.encode(previous, depositHash)).</summary>
    public static Hash256 NextQueueHash(Hash256 previous, DepositQueuedEvent deposit) =>
        Keccak256.Compute(AbiValue.Encode(AbiValue.Bytes32(previous), AbiValue.Bytes32(DepositHash(deposit))));
}

/// <summary><c>DepositQueued</c>: a deposit for rollup <see cref="ChainId"/>, to execute there as a protocol transaction
/// in the superbatch that consumes queue position <see cref="DepositIndex"/>. <see cref="Token"/> zero is ETH.</summary>
public sealed record DepositQueuedEvent(ulong ChainId, ulong DepositIndex, Address From, Address To, Address Token, UInt256 Amount, byte[] Data)
{
    /// <summary>The event's signature.</summary>
    public const string Signature = "DepositQueued(uint256,uint256,address,address,address,uint256,bytes)";

    /// <summary>Topic 0.</summary>
    public static readonly Hash256 Topic = AbiValue.EventTopic(Signature);

    /// <summary>Decodes a log of the bridge; false when it is another event.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out DepositQueuedEvent? decoded)
    {
        decoded = null;
        if (topics.Count != 3 || topics[0] != Topic) return false;
        var r = new AbiReader(data);
        decoded = new DepositQueuedEvent(SuperbatchSubmittedEvent.TopicUInt64(topics[1]), SuperbatchSubmittedEvent.TopicUInt64(topics[2]),
            r.Address(0), r.Address(32), r.Address(64), r.Word(96), r.Bytes(r.Tail(0, 128)));
        return true;
    }
}
