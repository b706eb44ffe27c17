// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SystemAddresses, MessageTypes} from "./SystemAddresses.sol";
import {MessageTreesCall} from "./MessageTrees.sol";
import {IBridgeableToken} from "./CrossRollupToken.sol";

/// @title The seed's MintBurnSystemContract, predeployed at 0x…1001 on every rollup (docs/protocol.md).
/// @notice Source leg: `burn`/`burnETH` take the asset from the caller, append the MINT message to the outbox tree
///         for the destination and emit MintRequested. Destination leg: `mint`, only from PROTOCOL_SENDER, checks the
///         nonce order, appends the same message hash to the inbox tree for the source and pays out. ETH is bridged
///         through this contract's reserve (genesis balance 2^128 wei): burning moves ETH into it, minting pays from it.
///         Storage: slot 0 `admin`, slot 1 `registered` mapping(address => bool).
contract MintBurn {
    /// @notice May register further bridgeable tokens (set in genesis).
    address public admin;
    /// @notice Bridgeable tokens besides CrossRollupToken (which always is).
    mapping(address token => bool) public registered;

    /// @notice Emitted on the source when a burn succeeded; the sequencer delivers it as `mint` on `destination`.
    ///         Only the chain id is indexed: every indexed topic is hashed into the block's logs bloom, and the nonce
    ///         and message hash are unique per message, so indexing them cost two uncached keccak256 per event in
    ///         every receipt (docs/protocol.md). A message is found by lockstep_getMessageStatus or this topic.
    event MintRequested(uint256 indexed destination, uint256 nonce, bytes32 messageHash,
        address token, address from, address to, uint256 amount);
    /// @notice Emitted on the destination when `mint` succeeded (indexed as MintRequested, for the same reason).
    event MintExecuted(uint256 indexed source, uint256 nonce, bytes32 messageHash);
    /// @notice A token was registered or unregistered as bridgeable.
    event TokenRegistered(address indexed token, bool bridgeable);

    /// @notice `mint` was called by someone other than PROTOCOL_SENDER.
    error OnlyProtocol(address caller);
    /// @notice The caller is not the admin.
    error OnlyAdmin(address caller);
    /// @notice The token is neither CrossRollupToken nor registered.
    error NotBridgeable(address token);
    /// @notice Zero amounts and the zero recipient are refused at the source (the mint could not succeed or would lose funds).
    error InvalidTransfer();
    /// @notice The ETH payout to the recipient failed (its receive reverted); the revert data follows.
    error EthPayoutFailed(bytes reason);

    /// @notice Burns `amount` of `token` from the caller (no approval needed: the holder calls this itself) and asks
    ///         for `amount` to be minted to `to` on `destination`. Returns the message nonce.
    function burn(address token, uint256 amount, uint256 destination, address to) external returns (uint256 nonce) {
        if (!isBridgeable(token)) revert NotBridgeable(token);
        if (amount == 0 || to == address(0)) revert InvalidTransfer();
        IBridgeableToken(token).bridgeBurn(msg.sender, amount);
        return record(token, amount, destination, to);
    }

    /// @notice Moves msg.value into the reserve and asks for it to be paid to `to` on `destination`. Returns the nonce.
    function burnETH(uint256 destination, address to) external payable returns (uint256 nonce) {
        if (msg.value == 0 || to == address(0)) revert InvalidTransfer();
        return record(address(0), msg.value, destination, to);
    }

    /// @notice Protocol leg on the destination: mints message `nonce` from `source`. Only PROTOCOL_SENDER; reverts on
    ///         a replayed or skipped nonce, a source outside the set, a paused or capped token, a failing ETH payout.
    function mint(uint256 source, uint256 nonce, address token, address from, address to, uint256 amount) external {
        if (msg.sender != SystemAddresses.PROTOCOL_SENDER) revert OnlyProtocol(msg.sender);
        from; // not read by name: it reaches MessageTrees (and the message hash) in the forwarded calldata below
        uint256 buffer;
        assembly ("memory-safe") {
            // MessageTrees.appendInbox's arguments after the type hash are this function's six, in the same order:
            // one CALLDATACOPY puts them in the call buffer (MessageTreesCall), which is allocated.
            buffer := mload(0x40)
            calldatacopy(add(buffer, 0x40), 4, 0xc0)
            mstore(0x40, add(buffer, 0x100))
        }
        bytes32 messageHash = MessageTreesCall.appendInbox(buffer, MessageTypes.MINT_TYPEHASH);
        if (token == address(0)) {
            bool paid;
            // A bare CALL: the recipient's return data is copied only when the payout failed (below).
            assembly ("memory-safe") { paid := call(gas(), to, amount, 0, 0, 0, 0) }
            if (!paid) revert EthPayoutFailed(returnData());
        } else {
            if (!isBridgeable(token)) revert NotBridgeable(token);
            IBridgeableToken(token).bridgeMint(to, amount);
        }
        bytes32 executed = MintExecuted.selector;
        assembly ("memory-safe") {
            // emit MintExecuted(source, nonce, messageHash), its two data words built in scratch space.
            mstore(0x00, nonce)
            mstore(0x20, messageHash)
            log2(0x00, 0x40, executed, source)
        }
    }

    /// @notice Registers (true) or unregisters (false) a token implementing IBridgeableToken.
    function registerToken(address token, bool bridgeable) external {
        if (msg.sender != admin) revert OnlyAdmin(msg.sender);
        registered[token] = bridgeable;
        emit TokenRegistered(token, bridgeable);
    }

    /// @notice True for CrossRollupToken and registered tokens.
    function isBridgeable(address token) public view returns (bool) {
        return token == SystemAddresses.CROSS_ROLLUP_TOKEN || registered[token];
    }

    /// @dev Appends the MINT message to the outbox for `destination` and emits MintRequested. One buffer serves both:
    ///      the fields go after the call's header words (MessageTreesCall.appendOutbox), MessageTrees returns (nonce,
    ///      messageHash) right before them, and the six words from buffer + 0x20 are then MintRequested's data
    ///      (nonce, messageHash, token, from, to, amount).
    function record(address token, uint256 amount, uint256 destination, address to) private returns (uint256 nonce) {
        uint256 buffer;
        assembly ("memory-safe") {
            buffer := mload(0x40)
            mstore(add(buffer, 0x60), token)
            mstore(add(buffer, 0x80), caller())
            mstore(add(buffer, 0xa0), to)
            mstore(add(buffer, 0xc0), amount)
            mstore(0x40, add(buffer, 0xe0))
        }
        nonce = MessageTreesCall.appendOutbox(buffer, MessageTypes.MINT_TYPEHASH, destination);
        bytes32 requested = MintRequested.selector;
        assembly ("memory-safe") { log2(add(buffer, 0x20), 0xc0, requested, destination) }
    }

    /// @dev The last call's return data as `bytes` (for EthPayoutFailed; only on the failure path).
    function returnData() private pure returns (bytes memory data) {
        assembly ("memory-safe") {
            data := mload(0x40)
            mstore(data, returndatasize())
            returndatacopy(add(data, 0x20), 0, returndatasize())
            mstore(0x40, add(add(data, 0x20), and(add(returndatasize(), 0x1f), not(0x1f))))
        }
    }
}
