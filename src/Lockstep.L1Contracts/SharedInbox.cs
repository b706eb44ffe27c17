using Lockstep.Primitives;

namespace Lockstep.L1Contracts;

/// <summary>One rollup's part of a superbatch as posted: block range, claimed post-state root and the batch bytes.</summary>
public sealed record RollupBatch(ulong FirstBlock, ulong LastBlock, Hash256 StateRoot, byte[] Data);

/// <summary>One rollup's part of a superbatch as committed on L1 and emitted in <c>SuperbatchSubmitted</c>.</summary>
public sealed record RollupCommitment(ulong ChainId, ulong FirstBlock, ulong LastBlock, Hash256 DataHash, Hash256 StateRoot)
{
    internal AbiValue ToAbi() => AbiValue.Tuple(AbiValue.Uint(ChainId), AbiValue.Uint(FirstBlock), AbiValue.Uint(LastBlock),
        AbiValue.Bytes32(DataHash), AbiValue.Bytes32(StateRoot));
}

/// <summary>
/// Eager-mode proofs for one rollup (position i): MessageTrees' eth_getProof account proof against its claimed root and,
/// for every position j of the set, the storage proofs of outboxRoot[chain j] and inboxRoot[chain j]; entry i is ignored
/// (send it empty).
/// </summary>
public sealed record RollupProofs(IReadOnlyList<byte[]> AccountProof, IReadOnlyList<IReadOnlyList<byte[]>> OutboxProofs, IReadOnlyList<IReadOnlyList<byte[]>> InboxProofs)
{
    internal AbiValue ToAbi()
    {
        var outbox = new AbiValue[OutboxProofs.Count];
        for (int i = 0; i < outbox.Length; i++) outbox[i] = AbiValue.BytesArray(OutboxProofs[i]);
        var inbox = new AbiValue[InboxProofs.Count];
        for (int i = 0; i < inbox.Length; i++) inbox[i] = AbiValue.BytesArray(InboxProofs[i]);
        return AbiValue.Tuple(AbiValue.BytesArray(AccountProof), AbiValue.Array(outbox), AbiValue.Array(inbox));
    }
}

/// <summary>
/// The arguments of <c>L1SharedInbox.submit</c>: what the batch poster sends and what a verifier decodes back from
/// the L1 transaction's input. Batches are in the inbox's chain-id order.
/// </summary>
public sealed record SuperbatchSubmission(ulong Index, Hash256 ParentHash, ulong DepositCount, IReadOnlyList<RollupBatch> Batches, IReadOnlyList<RollupProofs>? EagerProofs = null)
{
    /// <summary>The Solidity signature of <c>submit</c>.</summary>
    public const string Signature = "submit(uint256,bytes32,uint256,(uint64,uint64,bytes32,bytes)[],(bytes[],bytes[][],bytes[][])[])";

    /// <summary>The calldata of the one L1 transaction carrying this superbatch.</summary>
    public byte[] EncodeCalldata()
    {
        var batches = new AbiValue[Batches.Count];
        for (int i = 0; i < batches.Length; i++)
        {
            RollupBatch b = Batches[i];
            batches[i] = AbiValue.Tuple(AbiValue.Uint(b.FirstBlock), AbiValue.Uint(b.LastBlock), AbiValue.Bytes32(b.StateRoot), AbiValue.Bytes(b.Data));
        }
        IReadOnlyList<RollupProofs> eager = EagerProofs ?? [];
        var proofs = new AbiValue[eager.Count];
        for (int i = 0; i < proofs.Length; i++) proofs[i] = eager[i].ToAbi();
        return AbiValue.EncodeCall(Signature, AbiValue.Uint(Index), AbiValue.Bytes32(ParentHash), AbiValue.Uint(DepositCount),
            AbiValue.Array(batches), AbiValue.Array(proofs));
    }

    /// <summary>Decodes <c>submit</c> calldata (an L1 transaction's input); throws <see cref="AbiException"/> when it is not one.</summary>
    public static SuperbatchSubmission DecodeCalldata(ReadOnlyMemory<byte> calldata)
    {
        if (calldata.Length < 4 || !calldata.Span[..4].SequenceEqual(AbiValue.Selector(Signature))) throw new AbiException("not a submit call");
        var r = new AbiReader(calldata[4..]);
        ulong index = r.UInt64(0);
        Hash256 parent = r.Hash(32);
        ulong deposits = r.UInt64(64);
        int batchesAt = r.Tail(0, 96);
        int n = r.Length(batchesAt, 32);
        int elements = batchesAt + 32;
        var batches = new List<RollupBatch>(n);
        for (int i = 0; i < n; i++)
        {
            int t = r.Tail(elements, elements + 32 * i);
            batches.Add(new RollupBatch(r.UInt64(t), r.UInt64(t + 32), r.Hash(t + 64), r.Bytes(r.Tail(t, t + 96))));
        }
        int proofsAt = r.Tail(0, 128);
        int m = r.Length(proofsAt, 32);
        elements = proofsAt + 32;
        var proofs = new List<RollupProofs>(m);
        for (int i = 0; i < m; i++)
        {
            int t = r.Tail(elements, elements + 32 * i);
            proofs.Add(new RollupProofs(r.BytesArray(r.Tail(t, t)), ReadNested(r, r.Tail(t, t + 32)), ReadNested(r, r.Tail(t, t + 64))));
        }
        return new SuperbatchSubmission(index, parent, deposits, batches, proofs.Count == 0 ? null : proofs);
    }

    private static List<IReadOnlyList<byte[]>> ReadNested(AbiReader r, int at)
    {
        int n = r.Length(at, 32);
        var result = new List<IReadOnlyList<byte[]>>(n);
        for (int i = 0; i < n; i++) result.Add(r.BytesArray(r.Tail(at + 32, at + 32 + 32 * i)));
        return result;
    }

    /// <summary>The commitments the inbox stores and emits: each batch with its chain id and keccak256(data).</summary>
    public List<RollupCommitment> Commitments(IReadOnlyList<ulong> chainIds)
    {
        if (chainIds.Count != Batches.Count) throw new ArgumentException($"{Batches.Count} batches for {chainIds.Count} rollups");
        var result = new List<RollupCommitment>(Batches.Count);
        for (int i = 0; i < Batches.Count; i++)
        {
            RollupBatch b = Batches[i];
            result.Add(new RollupCommitment(chainIds[i], b.FirstBlock, b.LastBlock, Keccak256.Compute(b.Data), b.StateRoot));
        }
        return result;
    }

    /// <summary>The superbatch hash the inbox computes, which the next superbatch names as its parent.</summary>
    public Hash256 ComputeHash(IReadOnlyList<ulong> chainIds, Hash256 depositQueueHash) =>
        SharedInbox.SuperbatchHash(Index, ParentHash, DepositCount, depositQueueHash, Commitments(chainIds));
}

/// <summary>Deployment parameters of <c>L1SharedInbox</c> (its <c>Config</c> struct).</summary>
public sealed record SharedInboxConfig(Address Registry, IReadOnlyList<ulong> ChainIds, ulong ChallengeWindowSeconds, bool Eager = false)
{
    /// <summary>The L2 MessageTrees address.</summary>
    public Address MessageTrees { get; init; } = MessageTreesLayout.Address;

    /// <summary>Storage slot of MessageTrees' outbox mapping.</summary>
    public UInt256 OutboxBaseSlot { get; init; } = MessageTreesLayout.OutboxBaseSlot;

    /// <summary>Storage slot of MessageTrees' inbox mapping.</summary>
    public UInt256 InboxBaseSlot { get; init; } = MessageTreesLayout.InboxBaseSlot;

    /// <summary>Who settles state-root flags; zero: flags are alarms only.</summary>
    public Address Arbiter { get; init; } = Address.Zero;

    /// <summary>Wei a flagger locks when an arbiter is configured.</summary>
    public UInt256 FlagBond { get; init; } = UInt256.Zero;

    /// <summary>The default challenge window of a real network: 7 days.</summary>
    public const ulong SevenDays = 7 * 24 * 3600;

    /// <summary>ABI-encoded constructor arguments (append to the creation bytecode).</summary>
    public byte[] EncodeConstructorArgs()
    {
        var ids = new AbiValue[ChainIds.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = AbiValue.Uint(ChainIds[i]);
        return AbiValue.Encode(AbiValue.Tuple(AbiValue.Address(Registry), AbiValue.Array(ids), AbiValue.Uint(ChallengeWindowSeconds),
            AbiValue.Bool(Eager), AbiValue.Address(MessageTrees), AbiValue.Uint(OutboxBaseSlot), AbiValue.Uint(InboxBaseSlot),
            AbiValue.Address(Arbiter), AbiValue.Uint(FlagBond)));
    }
}

/// <summary>Calldata of <c>L1SharedInbox</c>'s other functions and its hash rule.</summary>
public static class SharedInbox
{
    /// <summary>The Solidity signature of the shared fraud proof.</summary>
    public const string ChallengeSignature = "challenge(uint256,uint256,uint256,bytes[],bytes[],bytes[],bytes[])";

    /// <summary>keccak256(abi.encode(index, parentHash, depositCount, depositQueueHash, commitments)).</summary>
    public static Hash256 SuperbatchHash(ulong index, Hash256 parentHash, ulong depositCount, Hash256 depositQueueHash, IReadOnlyList<RollupCommitment> commitments)
    {
        var items = new AbiValue[commitments.Count];
        for (int i = 0; i < items.Length; i++) items[i] = commitments[i].ToAbi();
        return Keccak256.Compute(AbiValue.Encode(AbiValue.Uint(index), AbiValue.Bytes32(parentHash), AbiValue.Uint(depositCount),
            AbiValue.Bytes32(depositQueueHash), AbiValue.Array(items)));
    }

    /// <summary>The shared fraud proof: outboxRoot[chainY] on chainX (account + storage proof against X's claimed root)
    /// and inboxRoot[chainX] on chainY (against Y's), both in eth_getProof format.</summary>
    public static byte[] Challenge(ulong index, ulong chainX, ulong chainY, IReadOnlyList<byte[]> accountProofX, IReadOnlyList<byte[]> storageProofX,
        IReadOnlyList<byte[]> accountProofY, IReadOnlyList<byte[]> storageProofY) =>
        AbiValue.EncodeCall(ChallengeSignature, AbiValue.Uint(index), AbiValue.Uint(chainX), AbiValue.Uint(chainY),
            AbiValue.BytesArray(accountProofX), AbiValue.BytesArray(storageProofX), AbiValue.BytesArray(accountProofY), AbiValue.BytesArray(storageProofY));

    /// <summary><c>flagStateRoot(index, chainId, expectedRoot)</c>: the state-root alarm (send flagBond with an arbiter).</summary>
    public static byte[] FlagStateRoot(ulong index, ulong chainId, Hash256 expectedRoot) =>
        AbiValue.EncodeCall("flagStateRoot(uint256,uint256,bytes32)", AbiValue.Uint(index), AbiValue.Uint(chainId), AbiValue.Bytes32(expectedRoot));

    /// <summary><c>resolveFlag(index, superbatchHash, chainId, upheld)</c>: the arbiter's decision.</summary>
    public static byte[] ResolveFlag(ulong index, Hash256 superbatchHash, ulong chainId, bool upheld) =>
        AbiValue.EncodeCall("resolveFlag(uint256,bytes32,uint256,bool)", AbiValue.Uint(index), AbiValue.Bytes32(superbatchHash), AbiValue.Uint(chainId), AbiValue.Bool(upheld));

    /// <summary><c>setDepositQueue(bridge)</c>, once by the deployer.</summary>
    public static byte[] SetDepositQueue(Address bridge) => AbiValue.EncodeCall("setDepositQueue(address)", AbiValue.Address(bridge));

    /// <summary><c>isFinalized(index)</c> returns bool.</summary>
    public static byte[] IsFinalized(ulong index) => AbiValue.EncodeCall("isFinalized(uint256)", AbiValue.Uint(index));

    /// <summary><c>superbatchCount()</c> returns uint256: the next index to submit.</summary>
    public static byte[] SuperbatchCount() => AbiValue.EncodeCall("superbatchCount()");

    /// <summary><c>arbiter()</c> returns address: who settles state-root flags (zero: flags are alarms only).</summary>
    public static byte[] Arbiter() => AbiValue.EncodeCall("arbiter()");

    /// <summary><c>flagBond()</c> returns uint256: the wei a flagger locks when there is an arbiter.</summary>
    public static byte[] FlagBond() => AbiValue.EncodeCall("flagBond()");

    /// <summary><c>openFlags()</c> returns uint256: flags the arbiter has not resolved yet (finality pauses while any is open).</summary>
    public static byte[] OpenFlags() => AbiValue.EncodeCall("openFlags()");

    /// <summary><c>tipHash()</c> returns bytes32: the parent hash of the next superbatch.</summary>
    public static byte[] TipHash() => AbiValue.EncodeCall("tipHash()");

    /// <summary><c>stateRootOf(index, chainId)</c> returns the claimed root (live superbatches).</summary>
    public static byte[] StateRootOf(ulong index, ulong chainId) => AbiValue.EncodeCall("stateRootOf(uint256,uint256)", AbiValue.Uint(index), AbiValue.Uint(chainId));

    /// <summary><c>finalizedStateRoot(index, chainId)</c>: reverts unless finalized.</summary>
    public static byte[] FinalizedStateRoot(ulong index, ulong chainId) => AbiValue.EncodeCall("finalizedStateRoot(uint256,uint256)", AbiValue.Uint(index), AbiValue.Uint(chainId));

    /// <summary><c>superbatch(index)</c> returns (hash, submitter, submittedAt, depositCount); see <see cref="DecodeSuperbatch"/>.</summary>
    public static byte[] Superbatch(ulong index) => AbiValue.EncodeCall("superbatch(uint256)", AbiValue.Uint(index));

    /// <summary>Decodes the return data of <see cref="Superbatch"/>.</summary>
    public static SuperbatchRecord DecodeSuperbatch(ReadOnlyMemory<byte> output)
    {
        var r = new AbiReader(output);
        return new SuperbatchRecord(r.Hash(0), r.Address(32), r.UInt64(64), r.UInt64(96));
    }

    /// <summary><c>lastBlockOf(index, chainId)</c> returns uint64.</summary>
    public static byte[] LastBlockOf(ulong index, ulong chainId) => AbiValue.EncodeCall("lastBlockOf(uint256,uint256)", AbiValue.Uint(index), AbiValue.Uint(chainId));
}

/// <summary>A live superbatch as the inbox stores it: its hash, who posted it, when (L1 timestamp) and the deposits
/// consumed through it.</summary>
public sealed record SuperbatchRecord(Hash256 Hash, Address Submitter, ulong SubmittedAt, ulong DepositCount);

/// <summary><c>SuperbatchSubmitted</c>: everything a verifier needs besides the batch bytes (in the transaction's input).</summary>
public sealed record SuperbatchSubmittedEvent(ulong Index, Hash256 SuperbatchHash, Address Submitter, Hash256 ParentHash, ulong DepositCount,
    Hash256 DepositQueueHash, IReadOnlyList<RollupCommitment> Rollups)
{
    /// <summary>The event's signature; its keccak is topic 0.</summary>
    public const string Signature = "SuperbatchSubmitted(uint256,bytes32,address,bytes32,uint256,bytes32,(uint256,uint64,uint64,bytes32,bytes32)[])";

    /// <summary>Topic 0.</summary>
    public static readonly Hash256 Topic = AbiValue.EventTopic(Signature);

    /// <summary>Decodes a log of the inbox; false when it is another event.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out SuperbatchSubmittedEvent? decoded)
    {
        decoded = null;
        if (topics.Count != 4 || topics[0] != Topic) return false;
        var r = new AbiReader(data);
        int at = r.Tail(0, 96);
        int n = r.Length(at, 160);
        var rollups = new List<RollupCommitment>(n);
        for (int i = 0; i < n; i++)
        {
            int t = at + 32 + 160 * i;
            rollups.Add(new RollupCommitment(r.UInt64(t), r.UInt64(t + 32), r.UInt64(t + 64), r.Hash(t + 96), r.Hash(t + 128)));
        }
        decoded = new SuperbatchSubmittedEvent(TopicUInt64(topics[1]), topics[2], TopicAddress(topics[3]), r.Hash(0), r.UInt64(32), r.Hash(64), rollups);
        return true;
    }

    internal static ulong TopicUInt64(Hash256 topic)
    {
        UInt256 v = topic.ToUInt256();
        if (!v.FitsInUlong) throw new AbiException("topic exceeds uint64");
        return (ulong)v;
    }

    internal static Address TopicAddress(Hash256 topic) => Address.FromUInt256(topic.ToUInt256());
}

/// <summary><c>SuperbatchesRejected</c>: superbatches [FromIndex, ToIndexExclusive) were rejected.</summary>
public sealed record SuperbatchesRejectedEvent(ulong FromIndex, ulong ToIndexExclusive, Address Challenger)
{
    /// <summary>The event's signature.</summary>
    public const string Signature = "SuperbatchesRejected(uint256,uint256,address)";

    /// <summary>Topic 0.</summary>
    public static readonly Hash256 Topic = AbiValue.EventTopic(Signature);

    /// <summary>Decodes a log of the inbox; false when it is another event.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out SuperbatchesRejectedEvent? decoded)
    {
        decoded = null;
        if (topics.Count != 3 || topics[0] != Topic) return false;
        decoded = new SuperbatchesRejectedEvent(SuperbatchSubmittedEvent.TopicUInt64(topics[1]), new AbiReader(data).UInt64(0),
            SuperbatchSubmittedEvent.TopicAddress(topics[2]));
        return true;
    }
}

/// <summary><c>FraudProven</c>: the proved outbox and inbox roots that differ.</summary>
public sealed record FraudProvenEvent(ulong Index, ulong ChainX, ulong ChainY, Hash256 OutboxRoot, Hash256 InboxRoot, Address Challenger)
{
    /// <summary>The event's signature.</summary>
    public const string Signature = "FraudProven(uint256,uint256,uint256,bytes32,bytes32,address)";

    /// <summary>Topic 0.</summary>
    public static readonly Hash256 Topic = AbiValue.EventTopic(Signature);

    /// <summary>Decodes a log of the inbox; false when it is another event.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out FraudProvenEvent? decoded)
    {
        decoded = null;
        if (topics.Count != 2 || topics[0] != Topic) return false;
        var r = new AbiReader(data);
        decoded = new FraudProvenEvent(SuperbatchSubmittedEvent.TopicUInt64(topics[1]), r.UInt64(0), r.UInt64(32), r.Hash(64), r.Hash(96), r.Address(128));
        return true;
    }
}

/// <summary><c>StateRootFlagged</c>: <paramref name="Flagger"/> says live superbatch <paramref name="Index"/> claims a wrong
/// state root for <paramref name="ChainId"/> (<paramref name="ClaimedRoot"/>; the flagger computed <paramref name="ExpectedRoot"/>).</summary>
public sealed record StateRootFlaggedEvent(ulong Index, ulong ChainId, Address Flagger, Hash256 ClaimedRoot, Hash256 ExpectedRoot)
{
    /// <summary>The event's signature.</summary>
    public const string Signature = "StateRootFlagged(uint256,uint256,address,bytes32,bytes32)";

    /// <summary>Topic 0.</summary>
    public static readonly Hash256 Topic = AbiValue.EventTopic(Signature);

    /// <summary>Decodes a log of the inbox; false when it is another event.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out StateRootFlaggedEvent? decoded)
    {
        decoded = null;
        if (topics.Count != 4 || topics[0] != Topic) return false;
        var r = new AbiReader(data);
        decoded = new StateRootFlaggedEvent(SuperbatchSubmittedEvent.TopicUInt64(topics[1]), SuperbatchSubmittedEvent.TopicUInt64(topics[2]),
            SuperbatchSubmittedEvent.TopicAddress(topics[3]), r.Hash(0), r.Hash(32));
        return true;
    }
}

/// <summary><c>FlagResolved</c>: the arbiter settled the flag on superbatch <paramref name="Index"/>, rollup <paramref name="ChainId"/>.</summary>
public sealed record FlagResolvedEvent(ulong Index, ulong ChainId, bool Upheld)
{
    /// <summary>The event's signature.</summary>
    public const string Signature = "FlagResolved(uint256,uint256,bool)";

    /// <summary>Topic 0.</summary>
    public static readonly Hash256 Topic = AbiValue.EventTopic(Signature);

    /// <summary>Decodes a log of the inbox; false when it is another event.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out FlagResolvedEvent? decoded)
    {
        decoded = null;
        if (topics.Count != 3 || topics[0] != Topic) return false;
        decoded = new FlagResolvedEvent(SuperbatchSubmittedEvent.TopicUInt64(topics[1]), SuperbatchSubmittedEvent.TopicUInt64(topics[2]), new AbiReader(data).Bool(0));
        return true;
    }
}
