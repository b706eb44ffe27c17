using Lockstep.Primitives;

namespace Lockstep.Workload;

/// <summary>What a prepared transaction does.</summary>
public enum WorkloadKind
{
    /// <summary>ETH transfer of 1 wei to a fresh address.</summary>
    Plain,
    /// <summary>ERC20 <c>transfer(fresh address, 1)</c> of the token (LST on a devnet, BenchToken on anvil).</summary>
    Erc20,
    /// <summary><c>MintBurn.burn</c> of 1 LST unit to the same sender on the next rollup: a burn here, a mint there.</summary>
    CrossBurn,
    /// <summary><c>Messenger.trigger</c> calling a fresh address on the next rollup: an action there.</summary>
    CrossCall,
    /// <summary>
    /// <c>Messenger.trigger</c> whose action on the next rollup reverts (an LST transfer the Messenger cannot pay):
    /// the bundle is rejected, no trace and no fee anywhere. Sent by adversary accounts.
    /// </summary>
    Failing,
    /// <summary>Preparation before the clock starts (LST spread to every rollup, a token deployment).</summary>
    Setup,
}

/// <summary>A transaction signed in advance: the raw bytes sent with <c>eth_sendRawTransaction</c> and what it is.</summary>
/// <param name="Rollup">Index of the rollup (chain) it goes to.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Raw">EIP-2718 encoding, signed.</param>
/// <param name="Hash">Its hash.</param>
/// <param name="Sender">Its sender.</param>
/// <param name="Nonce">Its nonce.</param>
public sealed record PreparedTransaction(int Rollup, WorkloadKind Kind, byte[] Raw, Hash256 Hash, Address Sender, ulong Nonce)
{
    /// <summary>The raw bytes as a 0x-prefixed hex string (JSON-RPC parameter).</summary>
    public string RawHex { get; } = Hex.Encode(Raw);
}
