using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Testing;
using Lockstep.Trie;
using Nethereum.RLP;
using Xunit.Abstractions;

namespace Lockstep.L1Contracts.Tests;

/// <summary>
/// L1MerkleTrieVerifier (through the L1TrieVerifierProbe wrapper) against proofs from our C# trie: every answer must
/// equal the inserted data and <see cref="PatriciaTrie.VerifyProof"/>; malformed proofs revert with their reason.
/// </summary>
public class TrieVerifierTests(ITestOutputHelper output)
{
    private static readonly Address Caller = Address.FromHex("0x0000000000000000000000000000000000000123");
    private readonly ContractHarness _chain = new();
    private Address? _probe;

    private Address Probe => _probe ??= _chain.Deploy(Caller, ContractArtifact.Load("L1TrieVerifierProbe"));

    private TransactionResult RawGet(Hash256 root, byte[] key, IReadOnlyList<byte[]> proof) =>
        _chain.Call(Caller, Probe, AbiValue.EncodeCall("get(bytes32,bytes32,bytes[])", AbiValue.Bytes32(root), AbiValue.Bytes32(new Hash256(key)), AbiValue.BytesArray(proof)));

    /// <summary>The Solidity answer: the value, or null when proved absent.</summary>
    private byte[]? Get(Hash256 root, byte[] key, IReadOnlyList<byte[]> proof)
    {
        TransactionResult r = RawGet(root, key, proof);
        L1Fixture.Ok(r);
        var reader = new AbiReader(r.Output);
        return reader.Bool(0) ? reader.Bytes(reader.Tail(0, 32)) : null;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(17, 3)]
    [InlineData(300, 4)]
    public void Inclusion_and_exclusion_match_the_inserted_data_and_the_CSharp_verifier(int entries, int seed)
    {
        var random = new Random(seed);
        var trie = new PatriciaTrie();
        var inserted = new Dictionary<string, byte[]>();
        for (int i = 0; i < entries; i++)
        {
            byte[] key = new byte[32];
            random.NextBytes(key);
            byte[] value = new byte[random.Next(1, 100)];
            random.NextBytes(value);
            trie.Set(key, value);
            inserted[Convert.ToHexString(key)] = value;
        }
        Hash256 root = trie.RootHash;
        int checkedPresent = 0;
        foreach (var (hex, value) in inserted.Take(30))
        {
            byte[] key = Convert.FromHexString(hex);
            List<byte[]> proof = trie.GetProof(key);
            byte[]? proven = Get(root, key, proof);
            Assert.Equal(value, proven);
            Assert.Equal(PatriciaTrie.VerifyProof(root, key, proof), proven);
            checkedPresent++;
        }
        Assert.Equal(Math.Min(entries, 30), checkedPresent);
        for (int i = 0; i < 30; i++)
        {
            byte[] key = new byte[32];
            random.NextBytes(key);
            if (i % 3 == 0) { key = Convert.FromHexString(inserted.Keys.First()); key[31] ^= 1; } // diverges at the very end
            if (inserted.ContainsKey(Convert.ToHexString(key))) continue;
            List<byte[]> proof = trie.GetProof(key);
            Assert.Null(Get(root, key, proof));
            Assert.Null(PatriciaTrie.VerifyProof(root, key, proof));
        }
    }

    [Fact]
    public void Nodes_shorter_than_32_bytes_are_followed_inside_their_parent()
    {
        // Keys sharing 31 bytes with 1-byte values: the leaves under the last branch are ~4 bytes, embedded in it.
        var trie = new PatriciaTrie();
        byte[] prefix = new byte[31];
        new Random(5).NextBytes(prefix);
        for (int i = 0; i < 6; i++) trie.Set([.. prefix, (byte)(i * 17)], [(byte)(i + 1)]);
        Hash256 root = trie.RootHash;
        byte[] present = [.. prefix, 34];
        List<byte[]> proof = trie.GetProof(present);
        // Leaves are 3 bytes and the branch holding them 29: both are embedded, so the root (an extension) is the
        // only proof element and the walk goes extension -> embedded branch -> embedded leaf.
        Assert.Single(proof);
        Assert.Equal(new byte[] { 3 }, Get(root, present, proof));
        byte[] absentSameNibble = [.. prefix, 35]; // same first nibble as 34: reaches the embedded leaf and diverges
        Assert.Null(Get(root, absentSameNibble, trie.GetProof(absentSameNibble)));
        byte[] absentEmptySlot = [.. prefix, 0xff];
        Assert.Null(Get(root, absentEmptySlot, trie.GetProof(absentEmptySlot)));
        byte[] divergesAtExtension = [.. prefix, 0];
        divergesAtExtension[3] ^= 0x10;
        Assert.Null(Get(root, divergesAtExtension, trie.GetProof(divergesAtExtension)));
        Assert.Null(PatriciaTrie.VerifyProof(root, divergesAtExtension, trie.GetProof(divergesAtExtension)));
    }

    private (PatriciaTrie Trie, byte[] Key) RandomTrie(int entries)
    {
        var random = new Random(entries);
        var trie = new PatriciaTrie();
        byte[] first = [];
        for (int i = 0; i < entries; i++)
        {
            byte[] key = new byte[32];
            random.NextBytes(key);
            if (i == 0) first = key;
            trie.Set(key, new byte[40]);
        }
        return (trie, first);
    }

    [Fact]
    public void A_tampered_node_a_missing_node_or_an_extra_node_reverts()
    {
        var (trie, key) = RandomTrie(500);
        Hash256 root = trie.RootHash;
        List<byte[]> proof = trie.GetProof(key);
        Assert.True(proof.Count >= 3);
        for (int node = 0; node < proof.Count; node++)
        {
            var tampered = proof.Select(p => (byte[])p.Clone()).ToList();
            tampered[node][tampered[node].Length / 2] ^= 0x01;
            L1Fixture.RevertsInvalidProof(RawGet(root, key, tampered), 2);
        }
        L1Fixture.RevertsInvalidProof(RawGet(root, key, proof.Take(proof.Count - 1).ToList()), 1);
        L1Fixture.RevertsInvalidProof(RawGet(root, key, [.. proof, proof[^1]]), 5);
        L1Fixture.RevertsInvalidProof(RawGet(root, key, []), 1);
        // A valid proof of another key does not prove this one.
        byte[] other = (byte[])key.Clone();
        other[0] ^= 0x80;
        List<byte[]> otherProof = trie.GetProof(other);
        TransactionResult r = RawGet(root, key, otherProof);
        Assert.False(r.Success && new AbiReader(r.Output).Bool(0));
    }

    [Fact]
    public void Random_corruptions_of_a_valid_proof_never_prove_another_answer()
    {
        var (trie, key) = RandomTrie(800);
        Hash256 root = trie.RootHash;
        byte[] expected = trie.Get(key)!;
        List<byte[]> proof = trie.GetProof(key);
        var random = new Random(77);
        int reverted = 0;
        for (int round = 0; round < 120; round++)
        {
            var corrupt = proof.Select(n => (byte[])n.Clone()).ToList();
            int node = random.Next(corrupt.Count);
            switch (round % 5)
            {
                case 0: corrupt[node][random.Next(corrupt[node].Length)] ^= (byte)(1 << random.Next(8)); break;
                case 1: corrupt[node] = corrupt[node][..random.Next(corrupt[node].Length)]; break;
                case 2: corrupt.RemoveAt(node); break;
                case 3: corrupt.Insert(node, corrupt[random.Next(corrupt.Count)]); break;
                default:
                    int other = random.Next(corrupt.Count);
                    (corrupt[node], corrupt[other]) = (corrupt[other], corrupt[node]);
                    if (node == other) corrupt[node] = [.. corrupt[node], 0];
                    break;
            }
            TransactionResult r = RawGet(root, key, corrupt);
            if (!r.Success) { reverted++; continue; }
            // Anything that does not revert must still be the one true answer.
            var reader = new AbiReader(r.Output);
            Assert.True(reader.Bool(0));
            Assert.Equal(expected, reader.Bytes(reader.Tail(0, 32)));
        }
        Assert.Equal(120, reverted); // every corruption above changes a hashed node or the path, so all revert
    }

    [Fact]
    public void Malformed_nodes_revert_with_their_reason()
    {
        byte[] key = new byte[32];
        void Expect(byte[] node, int reason) => L1Fixture.RevertsInvalidProof(RawGet(Keccak256.Compute(node), key, [node]), reason);

        byte[] e = RLP.EncodeElement([]);
        Expect(RLP.EncodeList(e, e, e), 4); // three items: neither branch nor leaf/extension
        Expect(RLP.EncodeElement([1, 2, 3]), 4); // a string, not a list
        Expect([0xc5, 0x82, 0x20, 0x00, 0x80], 3); // list claims 5 bytes, has 4
        Expect([0xf8, 0x03, 0x82, 0x20, 0x00], 3); // long form for a 3-byte payload (non-canonical)
        Expect([0xc4, 0x81, 0x05, 0x81, 0x05], 3); // 0x81 0x05: a single byte < 0x80 must encode as itself
        Expect(RLP.EncodeList(RLP.EncodeElement([0x40]), RLP.EncodeElement([1])), 4); // hex-prefix flag 4
        Expect(RLP.EncodeList(RLP.EncodeElement([0x01]), RLP.EncodeElement([1])), 4); // even flag with a non-zero pad nibble
        // A branch whose child for nibble 0 is a 5-byte string: neither a hash nor an embedded node.
        byte[][] children = new byte[17][];
        for (int i = 0; i < 17; i++) children[i] = e;
        children[0] = RLP.EncodeElement([1, 2, 3, 4, 5]);
        Expect(RLP.EncodeList(children), 8);
    }

    [Fact]
    public void An_empty_trie_proves_every_key_absent()
    {
        Assert.Null(Get(Keccak256.EmptyTrieRoot, new byte[32], []));
        Assert.Null(Get(Keccak256.EmptyTrieRoot, new byte[32], [[0x80]]));
    }

    [Fact]
    public void Storage_slots_are_proved_through_the_account_including_absent_slots_and_accounts()
    {
        Address contract = MessageTreesLayout.Address;
        Hash256 slot = MessageTreesLayout.OutboxRootSlot(102);
        var value = new UInt256(0xdeadbeefUL, 7, 0, 1UL << 60);
        var state = new L2StateBuilder().WithFiller(300, 9).SetStorage(contract, slot, value).SetStorage(contract, Hash256.FromUInt256(new UInt256(1)), new UInt256(5));
        Hash256 root = state.Root;

        UInt256 Prove(Address a, Hash256 s)
        {
            var (account, storage) = state.Prove(a, s);
            TransactionResult r = _chain.Call(Caller, Probe, AbiValue.EncodeCall("proveStorageSlot(bytes32,address,bytes32,bytes[],bytes[])",
                AbiValue.Bytes32(root), AbiValue.Address(a), AbiValue.Bytes32(s), AbiValue.BytesArray(account), AbiValue.BytesArray(storage)));
            L1Fixture.Ok(r);
            return new UInt256(r.Output.AsSpan(0, 32));
        }

        Assert.Equal(value, Prove(contract, slot));
        Assert.Equal(new UInt256(5), Prove(contract, Hash256.FromUInt256(new UInt256(1))));
        Assert.Equal(UInt256.Zero, Prove(contract, MessageTreesLayout.InboxRootSlot(102))); // absent slot reads zero
        Assert.Equal(UInt256.Zero, Prove(Address.FromHex("0x00000000000000000000000000000000000f00d5"), slot)); // absent account
    }

    [Fact]
    public void Measures_the_gas_of_one_storage_slot_proof()
    {
        foreach (int accounts in new[] { 100, 10_000 })
        {
            Hash256 slot = MessageTreesLayout.OutboxRootSlot(102);
            var state = new L2StateBuilder().WithFiller(accounts, 11).SetStorage(MessageTreesLayout.Address, slot, new UInt256(42));
            for (int i = 0; i < 50; i++) state.SetStorage(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot((ulong)i), new UInt256((ulong)i + 1));
            var (account, storage) = state.Prove(MessageTreesLayout.Address, slot);
            TransactionResult r = _chain.Call(Caller, Probe, AbiValue.EncodeCall("measureProveStorageSlot(bytes32,address,bytes32,bytes[],bytes[])",
                AbiValue.Bytes32(state.Root), AbiValue.Address(MessageTreesLayout.Address), AbiValue.Bytes32(slot), AbiValue.BytesArray(account), AbiValue.BytesArray(storage)));
            L1Fixture.Ok(r);
            Assert.Equal(new UInt256(42), new UInt256(r.Output.AsSpan(0, 32)));
            ulong gas = (ulong)new UInt256(r.Output.AsSpan(32, 32));
            int bytes = account.Sum(n => n.Length) + storage.Sum(n => n.Length);
            output.WriteLine($"{accounts} accounts: account proof {account.Count} nodes, storage proof {storage.Count} nodes, {bytes} bytes, verification {gas} gas");
            Assert.InRange(gas, 5_000UL, 200_000UL);
        }
    }
}
