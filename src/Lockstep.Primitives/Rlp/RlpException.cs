namespace Lockstep.Primitives.Rlp;

/// <summary>Malformed or non-canonical RLP. Decoders throw only this type on bad input.</summary>
public sealed class RlpException(string message) : Exception(message);
