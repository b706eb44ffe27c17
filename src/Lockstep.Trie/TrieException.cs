namespace Lockstep.Trie;

/// <summary>A missing or corrupt node in the store, or an invalid Merkle proof.</summary>
public sealed class TrieException(string message, Exception? inner = null) : Exception(message, inner);
