// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SystemAddresses, MessageTypes} from "./SystemAddresses.sol";
import {MessageTrees} from "./MessageTrees.sol";
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
    event MintRequested(uint256 indexed destination, uint256 indexed nonce, bytes32 indexed messageHash,
        address token, address from, address to, uint256 amount);
    /// @notice Emitted on the destination when `mint` succeeded.
    event MintExecuted(uint256 indexed source, uint256 indexed nonce, bytes32 indexed messageHash);
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
        bytes32 messageHash = MessageTrees(SystemAddresses.MESSAGE_TREES).appendInbox(
            source, nonce, MessageTypes.MINT_TYPEHASH, abi.encode(token, from, to, amount));
        if (token == address(0)) {
            (bool ok, bytes memory reason) = to.call{value: amount}("");
            if (!ok) revert EthPayoutFailed(reason);
        } else {
            if (!isBridgeable(token)) revert NotBridgeable(token);
            IBridgeableToken(token).bridgeMint(to, amount);
        }
        emit MintExecuted(source, nonce, messageHash);
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

    function record(address token, uint256 amount, uint256 destination, address to) private returns (uint256 nonce) {
        bytes32 messageHash;
        (nonce, messageHash) = MessageTrees(SystemAddresses.MESSAGE_TREES).appendOutbox(
            destination, MessageTypes.MINT_TYPEHASH, abi.encode(token, msg.sender, to, amount));
        emit MintRequested(destination, nonce, messageHash, token, msg.sender, to, amount);
    }
}
