using System.Text;
using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>
/// The message hashes the system contracts put in the trees, recomputed in C# (docs/protocol.md):
/// messageHash = keccak256(abi.encode(TYPEHASH, source, destination, nonce, ...fields)), with a <c>bytes</c> field
/// entering as its keccak256, as in EIP-712 struct hashing. Chain ids and the per-pair nonce in the hash keep a
/// message from being replayed on another pair or at another position.
/// </summary>
public static class MessageHashes
{
    /// <summary>keccak256 of the MINT type string.</summary>
    public static readonly Hash256 MintTypeHash = Keccak256.Compute(Encoding.ASCII.GetBytes(
        "LockstepMint(uint256 source,uint256 destination,uint256 nonce,address token,address from,address to,uint256 amount)"));

    /// <summary>keccak256 of the ACTION type string.</summary>
    public static readonly Hash256 ActionTypeHash = Keccak256.Compute(Encoding.ASCII.GetBytes(
        "LockstepAction(uint256 source,uint256 destination,uint256 nonce,address sender,address target,uint256 gasLimit,bytes data)"));

    /// <summary>Hash of a MINT message (token = <see cref="Address.Zero"/> for ETH).</summary>
    public static Hash256 Mint(ulong source, ulong destination, ulong nonce, in Address token, in Address from, in Address to, in UInt256 amount)
    {
        Span<byte> buffer = stackalloc byte[32 * 8];
        WriteHeader(buffer, MintTypeHash, source, destination, nonce);
        AbiWords.Write(buffer, 128, token);
        AbiWords.Write(buffer, 160, from);
        AbiWords.Write(buffer, 192, to);
        AbiWords.Write(buffer, 224, amount);
        return Keccak256.Compute(buffer);
    }

    /// <summary>Hash of an ACTION message.</summary>
    public static Hash256 Action(ulong source, ulong destination, ulong nonce, in Address sender, in Address target, in UInt256 gasLimit, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[32 * 8];
        WriteHeader(buffer, ActionTypeHash, source, destination, nonce);
        AbiWords.Write(buffer, 128, sender);
        AbiWords.Write(buffer, 160, target);
        AbiWords.Write(buffer, 192, gasLimit);
        AbiWords.Write(buffer, 224, Keccak256.Compute(data));
        return Keccak256.Compute(buffer);
    }

    private static void WriteHeader(Span<byte> buffer, in Hash256 typeHash, ulong source, ulong destination, ulong nonce)
    {
        AbiWords.Write(buffer, 0, typeHash);
        AbiWords.Write(buffer, 32, new UInt256(source));
        AbiWords.Write(buffer, 64, new UInt256(destination));
        AbiWords.Write(buffer, 96, new UInt256(nonce));
    }
}
