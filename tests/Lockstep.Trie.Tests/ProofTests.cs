using Lockstep.Primitives;

namespace Lockstep.Trie.Tests;

public class ProofTests
{
    private static (PatriciaTrie Trie, Dictionary<string, byte[]> Model) RandomTrie(int seed, int count, bool shortKeys)
    {
        var rng = new Random(seed);
        var trie = new PatriciaTrie();
        var model = new Dictionary<string, byte[]>();
        for (int i = 0; i < count; i++)
        {
            byte[] k = new byte[shortKeys ? rng.Next(0, 4) : 32];
            rng.NextBytes(k);
            byte[] v = new byte[rng.Next(1, rng.Next(2) == 0 ? 3 : 70)];
            rng.NextBytes(v);
            trie.Set(k, v);
            model[Convert.ToHexString(k)] = v;
        }
        return (trie, model);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 300, false)]
    [InlineData(3, 3000, false)]
    [InlineData(4, 200, true)]
    public void InclusionAndExclusionProofsVerify(int seed, int count, bool shortKeys)
    {
        var (trie, model) = RandomTrie(seed, count, shortKeys);
        Hash256 root = trie.RootHash;
        foreach (var (hex, value) in model)
        {
            byte[] key = Convert.FromHexString(hex);
            List<byte[]> proof = trie.GetProof(key);
            Assert.NotEmpty(proof);
            Assert.Equal(root, Keccak256.Compute(proof[0]));
            Assert.Equal(value, PatriciaTrie.VerifyProof(root, key, proof));
        }

        var rng = new Random(seed + 100);
        int absent = 0;
        for (int i = 0; i < 300; i++)
        {
            byte[] key = new byte[shortKeys ? rng.Next(0, 5) : 32];
            rng.NextBytes(key);
            if (model.ContainsKey(Convert.ToHexString(key))) continue;
            absent++;
            Assert.Null(PatriciaTrie.VerifyProof(root, key, trie.GetProof(key)));
        }
        Assert.True(absent > 100);
    }

    [Fact]
    public void TamperedProofsAreRejected()
    {
        var (trie, model) = RandomTrie(9, 2000, false);
        Hash256 root = trie.RootHash;
        var rng = new Random(10);
        int checkedProofs = 0;
        foreach (string hex in model.Keys.Take(300))
        {
            byte[] key = Convert.FromHexString(hex);
            List<byte[]> proof = trie.GetProof(key);

            // Flip one bit in one node.
            var flipped = proof.Select(p => (byte[])p.Clone()).ToList();
            int n = rng.Next(flipped.Count);
            flipped[n][rng.Next(flipped[n].Length)] ^= (byte)(1 << rng.Next(8));
            Assert.False(PatriciaTrie.TryVerifyProof(root, key, flipped, out _, out string? error));
            Assert.NotNull(error);
            Assert.Throws<TrieException>(() => PatriciaTrie.VerifyProof(root, key, flipped));

            // Drop one node.
            var dropped = proof.ToList();
            dropped.RemoveAt(rng.Next(dropped.Count));
            Assert.Throws<TrieException>(() => PatriciaTrie.VerifyProof(root, key, dropped));

            // A proof against another root.
            Assert.Throws<TrieException>(() => PatriciaTrie.VerifyProof(Keccak256.Compute(key), key, proof));
            checkedProofs++;
        }
        Assert.Equal(300, checkedProofs);
    }

    [Fact]
    public void ProofOfOneKeyDoesNotProveAnotherKeysValue()
    {
        var (trie, model) = RandomTrie(12, 500, false);
        Hash256 root = trie.RootHash;
        var keys = model.Keys.Select(Convert.FromHexString).ToList();
        for (int i = 0; i + 1 < keys.Count; i += 2)
        {
            List<byte[]> proofA = trie.GetProof(keys[i]);
            // Verifying B with A's nodes either fails (B's path needs nodes not in the proof) or gives B's true value.
            if (PatriciaTrie.TryVerifyProof(root, keys[i + 1], proofA, out byte[]? value, out _))
                Assert.Equal(model[Convert.ToHexString(keys[i + 1])], value);
        }
    }

    /// <summary>
    /// A real go-ethereum <c>eth.getProof("0x518006b1e93be0dcca1f43870d11d19022735195", [], 1)</c> answer, quoted in
    /// github.com/eth4nos/getProofs (README): a one-account state, so the proof is the single leaf. Our verifier must
    /// accept it, and a state trie holding the same account must produce the identical proof and root.
    /// </summary>
    [Fact]
    public void MatchesAGethEthGetProofAnswer()
    {
        Address address = Address.FromHex("0x518006b1e93be0dcca1f43870d11d19022735195");
        byte[] node = Hex.Decode("0xf879a120310d79399c75734700e5e8a6fcc51f5e3bfa7d01a00e42c35e578d61a3dca95bb855f853808f13426172c74d8270eb216a44f40000a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        Hash256 stateRoot = Keccak256.Compute(node);
        byte[] addressBytes = address.ToArray();

        // Account RLP [nonce, balance, storageHash, codeHash] from the answer's fields.
        byte[] account = new Lockstep.Primitives.Rlp.RlpWriter()
            .StartList()
            .WriteUInt64(0)
            .WriteUInt256(new UInt256(Hex.Decode("0x13426172c74d8270eb216a44f40000")))
            .WriteHash(Keccak256.EmptyTrieRoot)
            .WriteHash(Keccak256.EmptyHash)
            .EndList()
            .ToArray();

        Assert.Equal(account, SecureTrie.VerifyProof(stateRoot, addressBytes, [node]));

        var state = new SecureTrie();
        state.Set(addressBytes, account);
        Assert.Equal(stateRoot, state.RootHash);
        List<byte[]> proof = state.GetProof(addressBytes);
        Assert.Single(proof);
        Assert.Equal(node, proof[0]);
    }

    [Fact]
    public void EmptyTrieProvesAbsence()
    {
        var trie = new PatriciaTrie();
        Assert.Empty(trie.GetProof([1]));
        Assert.Null(PatriciaTrie.VerifyProof(Keccak256.EmptyTrieRoot, [1], []));
        Assert.Null(PatriciaTrie.VerifyProof(Keccak256.EmptyTrieRoot, [1], [[0x80]]));
        Assert.Throws<TrieException>(() => PatriciaTrie.VerifyProof(Keccak256.Compute([5]), [1], []));
    }

    [Fact]
    public void SecureTrieProofsUseHashedKeys()
    {
        var trie = new SecureTrie();
        for (byte i = 0; i < 100; i++) trie.Set([i, 1], [i, 2]);
        Hash256 root = trie.RootHash;
        Assert.Equal(new byte[] { 7, 2 }, SecureTrie.VerifyProof(root, [7, 1], trie.GetProof([7, 1])));
        Assert.Null(SecureTrie.VerifyProof(root, [200, 1], trie.GetProof([200, 1])));
        Assert.Equal(new byte[] { 7, 2 }, trie.Inner.Get(Keccak256.Compute([7, 1]).ToArray()));
        Assert.True(trie.TryGet([7, 1], out ReadOnlySpan<byte> seven));
        Assert.Equal(new byte[] { 7, 2 }, seven.ToArray());
        Assert.False(trie.TryGet([200, 1], out _));
    }
}
