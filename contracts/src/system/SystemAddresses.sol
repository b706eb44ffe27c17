// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Lockstep L2 system addresses and message type hashes (docs/protocol.md).
/// @notice Every rollup of a Lockstep set has the same system contracts at the same addresses; their runtime code is
///         placed in genesis (no constructors run), so nothing here may depend on constructor arguments or immutables.
library SystemAddresses {
    /// @notice The reserved sender of protocol (system) transactions. It has no key; the sequencer refuses user
    ///         transactions from it, so only the protocol can call `mint` and `action`.
    address internal constant PROTOCOL_SENDER = 0x0000000000000000000000000000000000001000;
    /// @notice The seed's MintBurnSystemContract: token and ETH bridge.
    address internal constant MINT_BURN = 0x0000000000000000000000000000000000001001;
    /// @notice The seed's GeneralSystemContract: arbitrary cross-rollup calls.
    address internal constant MESSENGER = 0x0000000000000000000000000000000000001002;
    /// @notice Every outbox and inbox tree of this rollup (one account proof covers all roots).
    address internal constant MESSAGE_TREES = 0x0000000000000000000000000000000000001003;
    /// @notice The cross-rollup ERC20 "Lockstep Token" (LST).
    address internal constant CROSS_ROLLUP_TOKEN = 0x0000000000000000000000000000000000001004;
}

/// @notice Message type hashes: messageHash = keccak256(abi.encode(TYPEHASH, source, destination, nonce, ...fields)),
///         with dynamic `bytes` fields entering as their keccak256 (as EIP-712 encodes them).
library MessageTypes {
    /// @notice Kind MINT: a token (or ETH, token == address(0)) burned on the source and minted on the destination.
    bytes32 internal constant MINT_TYPEHASH = keccak256(
        "LockstepMint(uint256 source,uint256 destination,uint256 nonce,address token,address from,address to,uint256 amount)");
    /// @notice Kind ACTION: a call of `target` with `data` and exactly `gasLimit` gas on the destination.
    bytes32 internal constant ACTION_TYPEHASH = keccak256(
        "LockstepAction(uint256 source,uint256 destination,uint256 nonce,address sender,address target,uint256 gasLimit,bytes data)");
}
