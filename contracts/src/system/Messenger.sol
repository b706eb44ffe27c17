// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SystemAddresses, MessageTypes} from "./SystemAddresses.sol";
import {MessageTreesCall} from "./MessageTrees.sol";

/// @title The seed's GeneralSystemContract, predeployed at 0x…1002 on every rollup (docs/protocol.md).
/// @notice Source leg: `trigger` appends an ACTION message to the outbox tree for the destination and emits
///         ActionRequested. Destination leg: `action`, only from PROTOCOL_SENDER, checks the nonce order, appends the
///         message hash to the inbox tree for the source and calls the target with exactly `gasLimit` gas; a failing
///         call reverts the whole action with the target's revert data, so the sequencer drops the bundle.
///         During the call `messageSender()` and `messageSourceChainId()` name the origin (EIP-1153 transient
///         storage); outside an action both revert. A target should check msg.sender == Messenger as well as
///         messageSender(), since any contract it calls during the action reads the same values.
///         An action's target may call `trigger` again: the new message leaves from this rollup in the same protocol
///         transaction (nested cross-rollup calls). No persistent storage.
contract Messenger {
    /// @notice Largest gasLimit a message may carry, so the protocol transaction always fits a block.
    uint256 public constant MAX_GAS_LIMIT = 20_000_000;
    /// @notice Gas kept beyond gasLimit * 64/63 when calling the target: covers the CALL itself (cold account 2,600)
    ///         so that the 63/64 rule (EIP-150) cannot hand the target less than gasLimit.
    uint256 public constant CALL_GAS_MARGIN = 5_000;

    // Transient storage slots (EIP-1153) of the message being executed; source 0 means "not in an action".
    uint256 private constant SENDER_SLOT = 0;
    uint256 private constant SOURCE_SLOT = 1;

    /// @notice Emitted on the source when a trigger succeeded; the sequencer delivers it as `action` on `destination`.
    ///         Only the chain id is indexed: the nonce and the message hash are unique per message, and every indexed
    ///         topic costs an uncached keccak256 in the receipt's bloom (docs/protocol.md).
    event ActionRequested(uint256 indexed destination, uint256 nonce, bytes32 messageHash,
        address sender, address target, uint256 gasLimit, bytes data);
    /// @notice Emitted on the destination when `action` succeeded (indexed as ActionRequested, for the same reason).
    event ActionExecuted(uint256 indexed source, uint256 nonce, bytes32 messageHash);

    /// @notice `action` was called by someone other than PROTOCOL_SENDER.
    error OnlyProtocol(address caller);
    /// @notice The target is a system contract that would trust Messenger as caller (MessageTrees, Messenger, MintBurn)
    ///         or the zero address.
    error ForbiddenTarget(address target);
    /// @notice gasLimit is 0 or above MAX_GAS_LIMIT.
    error InvalidGasLimit(uint256 gasLimit);
    /// @notice Less gas is left than gasLimit * 64/63 + CALL_GAS_MARGIN: the target could not get its full gasLimit.
    error InsufficientGas(uint256 gasLeft, uint256 gasLimit);
    /// @notice messageSender()/messageSourceChainId() were read outside an action.
    error NotInAction();

    /// @notice Asks for `target` to be called with `data` and `gasLimit` gas on `destination`, with messageSender()
    ///         = msg.sender there. Returns the message nonce.
    function trigger(uint256 destination, address target, bytes calldata data, uint256 gasLimit)
        external returns (uint256 nonce)
    {
        checkTarget(target, gasLimit);
        uint256 buffer;
        assembly ("memory-safe") {
            // The ACTION fields after the call's header words (MessageTreesCall.appendOutbox), the payload from word 8
            // on, its hash in word 6; the buffer is allocated, payload rounded up to whole words.
            buffer := mload(0x40)
            mstore(add(buffer, 0x60), caller())
            mstore(add(buffer, 0x80), target)
            mstore(add(buffer, 0xa0), gasLimit)
            calldatacopy(add(buffer, 0x100), data.offset, data.length)
            mstore(add(buffer, 0xc0), keccak256(add(buffer, 0x100), data.length))
            mstore(0x40, add(add(buffer, 0x100), and(add(data.length, 0x1f), not(0x1f))))
        }
        nonce = MessageTreesCall.appendOutbox(buffer, MessageTypes.ACTION_TYPEHASH, destination);
        bytes32 requested = ActionRequested.selector;
        assembly ("memory-safe") {
            // (nonce, messageHash) came back in words 1-2; with words 6-7 as the payload's offset (0xc0) and length,
            // the buffer from word 1 on is ActionRequested's data (nonce, messageHash, sender, target, gasLimit, data)
            // as abi.encode lays it out.
            mstore(add(buffer, 0xc0), 0xc0)
            mstore(add(buffer, 0xe0), data.length)
            mstore(add(add(buffer, 0x100), data.length), 0) // zero the payload's padding to a whole word
            log2(add(buffer, 0x20), add(0xe0, and(add(data.length, 0x1f), not(0x1f))), requested, destination)
        }
    }

    /// @notice Protocol leg on the destination: executes message `nonce` from `source`. Only PROTOCOL_SENDER.
    function action(uint256 source, uint256 nonce, address sender, address target, uint256 gasLimit, bytes calldata data)
        external
    {
        if (msg.sender != SystemAddresses.PROTOCOL_SENDER) revert OnlyProtocol(msg.sender);
        checkTarget(target, gasLimit);
        bytes32 messageHash;
        { // scoped: the action's own locals below would not fit the stack with this one
            uint256 buffer;
            assembly ("memory-safe") {
                // MessageTrees.appendInbox's source, nonce and first three fields are this function's first five
                // arguments: one CALLDATACOPY; the fourth field is keccak256(data), hashed from a copy after them.
                buffer := mload(0x40)
                calldatacopy(add(buffer, 0x40), 4, 0xa0)
                calldatacopy(add(buffer, 0x100), data.offset, data.length)
                mstore(add(buffer, 0xe0), keccak256(add(buffer, 0x100), data.length))
                mstore(0x40, add(buffer, 0x100))
            }
            messageHash = MessageTreesCall.appendInbox(buffer, MessageTypes.ACTION_TYPEHASH);
        }

        uint256 previousSender;
        uint256 previousSource;
        assembly {
            previousSender := tload(SENDER_SLOT)
            previousSource := tload(SOURCE_SLOT)
            tstore(SENDER_SLOT, sender)
            tstore(SOURCE_SLOT, source)
        }
        bytes4 insufficientGas = InsufficientGas.selector;
        assembly {
            let p := mload(0x40)
            calldatacopy(p, data.offset, data.length)
            // Checked after the copy so that memory expansion cannot eat into the target's share.
            let needed := add(div(mul(gasLimit, 64), 63), CALL_GAS_MARGIN)
            let left := gas()
            if lt(left, needed) {
                mstore(p, insufficientGas)
                mstore(add(p, 4), left)
                mstore(add(p, 0x24), gasLimit)
                revert(p, 0x44)
            }
            if iszero(call(gasLimit, target, 0, p, data.length, 0, 0)) {
                // Bubble the target's revert data so the sequencer can report the failing leg's reason.
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
        }
        assembly {
            tstore(SENDER_SLOT, previousSender)
            tstore(SOURCE_SLOT, previousSource)
        }
        bytes32 executed = ActionExecuted.selector;
        assembly ("memory-safe") {
            // emit ActionExecuted(source, nonce, messageHash), its two data words built in scratch space.
            mstore(0x00, nonce)
            mstore(0x20, messageHash)
            log2(0x00, 0x40, executed, source)
        }
    }

    /// @notice The source-rollup account that triggered the action being executed; reverts outside an action.
    function messageSender() external view returns (address sender) {
        uint256 source;
        assembly {
            source := tload(SOURCE_SLOT)
            sender := tload(SENDER_SLOT)
        }
        if (source == 0) revert NotInAction();
    }

    /// @notice The chain id of the rollup the executing action came from; reverts outside an action.
    function messageSourceChainId() external view returns (uint256 source) {
        assembly { source := tload(SOURCE_SLOT) }
        if (source == 0) revert NotInAction();
    }

    function checkTarget(address target, uint256 gasLimit) private pure {
        if (target == address(0) || target == SystemAddresses.MESSAGE_TREES || target == SystemAddresses.MESSENGER
            || target == SystemAddresses.MINT_BURN) revert ForbiddenTarget(target);
        if (gasLimit == 0 || gasLimit > MAX_GAS_LIMIT) revert InvalidGasLimit(gasLimit);
    }
}
