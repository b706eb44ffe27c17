using System.Runtime.CompilerServices;
using Lockstep.Primitives;

namespace Lockstep.Trie;

/// <summary>
/// A trie node (Yellow Paper appendix D). Each node caches its reference as its parent embeds it:
/// the RLP itself when shorter than 32 bytes (<see cref="Inline"/>), else keccak of the RLP (<see cref="Hash"/>).
/// Mutations clear the cache on the path from the root to the change only, so <see cref="PatriciaTrie.RootHash"/>
/// rehashes just the dirty paths.
/// </summary>
internal abstract class Node
{
    /// <summary>keccak(RLP(node)); meaningful when <see cref="HashValid"/> and <see cref="Inline"/> is null.</summary>
    internal Hash256 Hash;

    /// <summary>RLP(node) when it is shorter than 32 bytes, so the parent embeds it instead of its hash.</summary>
    internal byte[]? Inline;

    /// <summary>The cached reference (<see cref="Hash"/> or <see cref="Inline"/>) matches the node's content.</summary>
    internal bool HashValid;

    /// <summary>The node (or, for an inline node, its parent) is in the node store with this content.</summary>
    internal bool Persisted;

    internal void Invalidate()
    {
        HashValid = false;
        Persisted = false;
        Inline = null;
    }
}

/// <summary>A leaf: the rest of the key as nibbles, and a non-empty value.</summary>
internal sealed class LeafNode(byte[] path, byte[] value) : Node
{
    internal byte[] Path = path;
    internal byte[] Value = value;
}

/// <summary>An extension: a shared run of nibbles (at least one) leading to a branch.</summary>
internal sealed class ExtensionNode(byte[] path, Node child) : Node
{
    internal byte[] Path = path;
    internal Node Child = child;
}

/// <summary>A 17-item branch: one child per nibble plus the value of a key that ends here.</summary>
internal sealed class BranchNode : Node
{
    /// <summary>The 16 children, stored inside the node object (one allocation and one pointer hop fewer than an array).</summary>
    internal Children16 Children;
    internal byte[]? Value;
}

/// <summary>Sixteen child slots as an inline array.</summary>
[InlineArray(16)]
internal struct Children16
{
    private Node? _element0;
}

/// <summary>A node known only by hash, loaded from the <see cref="INodeStore"/> on first use.</summary>
internal sealed class HashNode : Node
{
    internal HashNode(Hash256 hash)
    {
        Hash = hash;
        HashValid = true;
        Persisted = true;
    }
}
