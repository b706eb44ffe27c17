using Lockstep.Primitives;

namespace Lockstep.Trie.Tests;

/// <summary>
/// Corrupt nodes (bit flips, truncation, random bytes) stored under their own hash, so the corruption reaches the
/// decoder instead of failing the hash lookup: the trie may only throw <see cref="TrieException"/>, and proof
/// verification may only answer (true/false), never throw something else.
/// </summary>
public class CorruptionTests
{
    [Fact]
    public void CorruptStoredNodesOnlyThrowTrieException()
    {
        var rng = new Random(41);
        var source = new MemoryNodeStore();
        var trie = new PatriciaTrie(source);
        var keys = new List<byte[]>();
        for (int i = 0; i < 300; i++)
        {
            byte[] k = new byte[rng.Next(1, 4)];
            rng.NextBytes(k);
            byte[] v = new byte[rng.Next(1, 40)];
            rng.NextBytes(v);
            trie.Set(k, v);
            keys.Add(k);
        }
        Hash256 root = trie.Commit();
        byte[] rootNode = source.GetNode(root)!;

        int trieErrors = 0;
        for (int round = 0; round < 3000; round++)
        {
            byte[] bad = Corrupt(rng, rootNode);
            // The other nodes stay intact, so a corrupt root that still parses leads into real subtrees.
            Hash256 badRoot = Keccak256.Compute(bad);
            var corrupt = new PatriciaTrie(new OverlayStore(source, badRoot, bad), badRoot);
            try
            {
                foreach (byte[] k in keys.Take(20)) corrupt.Get(k);
                corrupt.Set(keys[0], [1, 2, 3]);
                corrupt.Delete(keys[1]);
                _ = corrupt.RootHash;
            }
            catch (TrieException)
            {
                trieErrors++;
            }

            // The same corrupt root as a one-node proof: TryVerifyProof answers, it does not throw.
            PatriciaTrie.TryVerifyProof(badRoot, keys[rng.Next(keys.Count)], [bad], out _, out _);
        }
        Assert.True(trieErrors > 100, "corruption must be detected often");
    }

    private static byte[] Corrupt(Random rng, byte[] node)
    {
        byte[] m = (byte[])node.Clone();
        switch (rng.Next(4))
        {
            case 0:
                m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
                return m;
            case 1:
                return m[..rng.Next(m.Length)];
            case 2:
                m[rng.Next(m.Length)] = (byte)rng.Next(256);
                m[rng.Next(m.Length)] = (byte)rng.Next(256);
                return m;
            default:
                byte[] r = new byte[rng.Next(1, 80)];
                rng.NextBytes(r);
                if (rng.Next(2) == 0) r[0] = (byte)(0xc0 + rng.Next(0x40));
                return r;
        }
    }

    /// <summary>The source store plus one extra node.</summary>
    private sealed class OverlayStore(INodeStore source, Hash256 extraHash, byte[] extraNode) : INodeStore
    {
        public byte[]? GetNode(in Hash256 hash) => hash == extraHash ? extraNode : source.GetNode(hash);

        public void WriteNodes(IReadOnlyList<KeyValuePair<Hash256, byte[]>> nodes) { }
    }
}
