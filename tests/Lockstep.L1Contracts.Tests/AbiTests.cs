using System.Numerics;
using Lockstep.Primitives;
using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;

namespace Lockstep.L1Contracts.Tests;

/// <summary>Our ABI bindings against Nethereum.ABI as an independent encoder (selectors, nested dynamic tuples).</summary>
public class AbiTests
{
    public class BatchDto
    {
        [Parameter("uint64", "firstBlock", 1)] public ulong FirstBlock { get; set; }
        [Parameter("uint64", "lastBlock", 2)] public ulong LastBlock { get; set; }
        [Parameter("bytes32", "stateRoot", 3)] public byte[] StateRoot { get; set; } = [];
        [Parameter("bytes", "data", 4)] public byte[] Data { get; set; } = [];
    }

    public class ProofsDto
    {
        [Parameter("bytes[]", "accountProof", 1)] public List<byte[]> AccountProof { get; set; } = [];
        [Parameter("bytes[][]", "outboxProofs", 2)] public List<List<byte[]>> OutboxProofs { get; set; } = [];
        [Parameter("bytes[][]", "inboxProofs", 3)] public List<List<byte[]>> InboxProofs { get; set; } = [];
    }

    [Function("submit")]
    public class SubmitDto
    {
        [Parameter("uint256", "index", 1)] public BigInteger Index { get; set; }
        [Parameter("bytes32", "parentHash", 2)] public byte[] ParentHash { get; set; } = [];
        [Parameter("uint256", "depositCount", 3)] public BigInteger DepositCount { get; set; }
        [Parameter("tuple[]", "batches", 4)] public List<BatchDto> Batches { get; set; } = [];
        [Parameter("tuple[]", "eagerProofs", 5)] public List<ProofsDto> EagerProofs { get; set; } = [];
    }

    private static byte[] Bytes(int n, int seed)
    {
        byte[] b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public void Submit_calldata_equals_nethereums_encoding_and_decodes_back()
    {
        var batches = new List<RollupBatch> { new(1, 4, new Hash256(Bytes(32, 1)), Bytes(100, 2)), new(1, 4, new Hash256(Bytes(32, 3)), []) };
        var proofs = new List<RollupProofs>
        {
            new([Bytes(532, 4), Bytes(83, 5)], [[], [Bytes(70, 6)]], [[], [Bytes(1, 7), Bytes(33, 8)]]),
            new([Bytes(10, 9)], [[Bytes(64, 10)], []], [[Bytes(65, 11)], []]),
        };
        var ours = new SuperbatchSubmission(3, new Hash256(Bytes(32, 12)), 17, batches, proofs);

        var dto = new SubmitDto
        {
            Index = 3, ParentHash = ours.ParentHash.ToArray(), DepositCount = 17,
            Batches = batches.Select(b => new BatchDto { FirstBlock = b.FirstBlock, LastBlock = b.LastBlock, StateRoot = b.StateRoot.ToArray(), Data = b.Data }).ToList(),
            EagerProofs = proofs.Select(p => new ProofsDto
            {
                AccountProof = p.AccountProof.ToList(),
                OutboxProofs = p.OutboxProofs.Select(x => x.ToList()).ToList(),
                InboxProofs = p.InboxProofs.Select(x => x.ToList()).ToList(),
            }).ToList(),
        };
        string sha3 = Nethereum.Util.Sha3Keccack.Current.CalculateHash(SuperbatchSubmission.Signature)[..8];
        byte[] theirs = Hex.Decode(new FunctionCallEncoder().EncodeRequest(dto, sha3));
        Assert.Equal(theirs, ours.EncodeCalldata());

        SuperbatchSubmission back = SuperbatchSubmission.DecodeCalldata(theirs);
        Assert.Equal(ours.Index, back.Index);
        Assert.Equal(ours.ParentHash, back.ParentHash);
        Assert.Equal(ours.DepositCount, back.DepositCount);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(batches[i].Data, back.Batches[i].Data);
            Assert.Equal(batches[i].StateRoot, back.Batches[i].StateRoot);
            Assert.Equal(proofs[i].AccountProof, back.EagerProofs![i].AccountProof);
            Assert.Equal(proofs[i].InboxProofs[1 - i], back.EagerProofs[i].InboxProofs[1 - i]);
        }
        Assert.Throws<AbiException>(() => SuperbatchSubmission.DecodeCalldata(theirs.AsMemory(0, theirs.Length - 40)));
        Assert.Throws<AbiException>(() => SuperbatchSubmission.DecodeCalldata(new byte[] { 1, 2, 3, 4, 5 }));
    }

    [Fact]
    public void Challenge_withdrawal_and_deposit_encodings_equal_nethereums()
    {
        List<byte[]> a = [Bytes(40, 1), Bytes(3, 2)], b = [Bytes(64, 3)], c = [], d = [Bytes(1, 4)];
        var encoder = new ParametersEncoder();
        byte[] expected = [.. AbiValue.Selector(SharedInbox.ChallengeSignature), .. encoder.EncodeParameters(
            [new Parameter("uint256", 1), new Parameter("uint256", 2), new Parameter("uint256", 3), new Parameter("bytes[]", 4), new Parameter("bytes[]", 5), new Parameter("bytes[]", 6), new Parameter("bytes[]", 7)],
            [new BigInteger(9), new BigInteger(101), new BigInteger(102), a, b, c, d])];
        Assert.Equal(expected, SharedInbox.Challenge(9, 101, 102, a, b, c, d));
        Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash("challenge(uint256,uint256,uint256,bytes[],bytes[],bytes[],bytes[])")[..8],
            Convert.ToHexString(AbiValue.Selector(SharedInbox.ChallengeSignature)).ToLowerInvariant());

        var w = new Withdrawal(new UInt256(5), Address.FromHex("0x00000000000000000000000000000000000000aa"), Address.FromHex("0x00000000000000000000000000000000000000bb"), Address.Zero, new UInt256(10));
        byte[] packed = new ABIEncode().GetABIEncoded(new ABIValue("uint256", 102), new ABIValue("uint256", 5), new ABIValue("address", w.From.ToString()),
            new ABIValue("address", w.To.ToString()), new ABIValue("address", w.Token.ToString()), new ABIValue("uint256", 10));
        Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(packed), w.Hash(102).ToArray());

        byte[] slot = new ABIEncode().GetABIEncoded(new ABIValue("uint256", 102), new ABIValue("uint256", 0));
        Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(slot), MessageTreesLayout.OutboxRootSlot(102).ToArray());
    }
}
