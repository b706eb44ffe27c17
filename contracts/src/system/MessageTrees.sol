// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SystemAddresses} from "./SystemAddresses.sol";
import {MessageTreeLib} from "./MessageTreeLib.sol";

/// @title Every outbox and inbox tree of one rollup, predeployed at 0x…1003 (docs/protocol.md).
/// @notice outbox[Y] on rollup X holds the hashes of the messages X sent to Y, in nonce order; inbox[X] on Y holds
///         the hashes of the messages from X that Y executed. The set is sequenced correctly iff, after every
///         superblock, outboxRoot(Y) on X == inboxRoot(X) on Y for every pair X != Y (the seed's burnTree/mintTree
///         equation). Only MintBurn and Messenger append; the message hash is computed here from the kind's type
///         hash and its static fields so that the nonce is the leaf index by construction.
///         Appends are O(1) amortised and only chain the leaf into the root slot (root = keccak256(root ++ leaf));
///         `fold`, called by the protocol once at the end of every block that appended (a 0x7F transaction, the
///         block's last), writes the Merkle root of every tree whose count moved, so at every block boundary each root
///         slot holds the Merkle root of all its leaves (MessageTreeLib).
///         Storage (genesis writes slots 2 and 3): slot 0 `outbox` mapping(uint256 => Tree), slot 1 `inbox`,
///         slot 2 `isMember` mapping(uint256 => bool), slot 3 `members` uint256[].
contract MessageTrees {
    using MessageTreeLib for MessageTreeLib.Tree;

    mapping(uint256 destination => MessageTreeLib.Tree) internal outbox;
    mapping(uint256 source => MessageTreeLib.Tree) internal inbox;
    mapping(uint256 chainId => bool) public isMember;
    uint256[] internal memberList;

    /// @notice The caller is neither MintBurn nor Messenger.
    error NotSystemContract(address caller);
    /// @notice The other rollup is not in this set, or is this rollup itself.
    error NotInSet(uint256 chainId);
    /// @notice `fold` was called by someone other than PROTOCOL_SENDER.
    error OnlyProtocol(address caller);
    /// @notice A delivery out of order: replayed (nonce below the inbox count) or skipping messages (above it).
    error WrongNonce(uint256 source, uint256 expected, uint256 actual);

    modifier onlySystem() {
        if (msg.sender != SystemAddresses.MINT_BURN && msg.sender != SystemAddresses.MESSENGER) revert NotSystemContract(msg.sender);
        _;
    }

    /// @notice Records a message to `destination`: nonce = outboxCount(destination) before the append, and
    ///         messageHash = keccak256(abi.encode(typehash, block.chainid, destination, nonce, fields[0..3])). Every
    ///         kind has exactly four field words after the nonce (docs/protocol.md; a `bytes` field enters as its
    ///         keccak256), so the call has a fixed layout that MintBurn and Messenger build with a few MSTOREs.
    function appendOutbox(bytes32 typehash, uint256 destination, bytes32[4] calldata fields)
        external onlySystem returns (uint256 nonce, bytes32 messageHash)
    {
        MessageTreeLib.Tree storage tree = memberTree(outbox, destination);
        nonce = tree.count;
        messageHash = hashMessage(typehash, block.chainid, destination, nonce, fields);
        tree.appendAt(nonce, messageHash);
    }

    /// @notice Records the execution of message `nonce` from `source`; reverts unless it is the next one in order
    ///         (no replay, no skip). Returns the message hash, equal to the source's outbox leaf. The arguments after
    ///         the type hash are `MintBurn.mint`'s own, in the same order, so MintBurn forwards its calldata.
    function appendInbox(bytes32 typehash, uint256 source, uint256 nonce, bytes32[4] calldata fields)
        external onlySystem returns (bytes32 messageHash)
    {
        MessageTreeLib.Tree storage tree = memberTree(inbox, source);
        uint256 expected = tree.count;
        if (nonce != expected) revert WrongNonce(source, expected, nonce);
        messageHash = hashMessage(typehash, source, block.chainid, nonce, fields);
        tree.appendAt(nonce, messageHash);
    }

    /// @notice Protocol call at the end of a block (the block's last transaction, type 0x7F, from PROTOCOL_SENDER):
    ///         stores the root of every outbox and inbox tree whose count changed since its last fold. Deterministic
    ///         (no arguments: it walks the genesis member list), so a verifier re-executing the block gets the same
    ///         roots; a block that appended without folding is invalid (docs/protocol.md). Returns how many trees it folded.
    function fold() external returns (uint256 folded) {
        if (msg.sender != SystemAddresses.PROTOCOL_SENDER) revert OnlyProtocol(msg.sender);
        uint256 n = memberList.length;
        for (uint256 i = 0; i < n; i++) {
            uint256 id = memberList[i];
            if (id == block.chainid) continue;
            if (outbox[id].fold()) folded++;
            if (inbox[id].fold()) folded++;
        }
    }

    /// @notice Root of the outbox tree for `destination`: the Merkle root at block boundaries; inside a block that
    ///         appended, the last fold's root chained with the new leaves (bytes32(0) while empty).
    function outboxRoot(uint256 destination) external view returns (bytes32) { return outbox[destination].root; }

    /// @notice Messages sent to `destination`; also the nonce of the next one.
    function outboxCount(uint256 destination) external view returns (uint256) { return outbox[destination].count; }

    /// @notice Root of the inbox tree for `source` (as `outboxRoot`; bytes32(0) while empty).
    function inboxRoot(uint256 source) external view returns (bytes32) { return inbox[source].root; }

    /// @notice Messages from `source` executed here; also the nonce the next delivery must carry.
    function inboxCount(uint256 source) external view returns (uint256) { return inbox[source].count; }

    /// @notice Chain ids of the set (this rollup included), as written in genesis.
    function members() external view returns (uint256[] memory) { return memberList; }

    /// @dev trees[chainId] after checking that chainId is another member of the set (isMember[chainId] and not this
    ///      rollup). Both mapping slots share the key word, so it is written to scratch memory once.
    function memberTree(mapping(uint256 => MessageTreeLib.Tree) storage trees, uint256 chainId)
        private view returns (MessageTreeLib.Tree storage tree)
    {
        bool member;
        assembly ("memory-safe") {
            mstore(0x00, chainId)
            mstore(0x20, isMember.slot)
            member := and(iszero(eq(chainId, chainid())), iszero(iszero(and(sload(keccak256(0x00, 0x40)), 0xff))))
            mstore(0x20, trees.slot)
            tree.slot := keccak256(0x00, 0x40)
        }
        if (!member) revert NotInSet(chainId);
    }

    /// @dev keccak256(abi.encode(typehash, source, destination, nonce, fields[0..3])): the header words written into
    ///      free memory, the four field words copied straight from calldata.
    function hashMessage(bytes32 typehash, uint256 source, uint256 destination, uint256 nonce, bytes32[4] calldata fields)
        private pure returns (bytes32 h)
    {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typehash)
            mstore(add(p, 0x20), source)
            mstore(add(p, 0x40), destination)
            mstore(add(p, 0x60), nonce)
            calldatacopy(add(p, 0x80), fields, 0x80)
            h := keccak256(p, 0x100)
        }
    }
}

/// @notice How MintBurn and Messenger call MessageTrees' fixed-layout appends from memory they build in assembly. A
///         call buffer is words: [0] the selector (in its low four bytes), [1] the type hash, [2] the destination or
///         source, then (inbox: [3] the nonce and) the four field words, which the caller writes before the call.
///         MessageTrees is a predeploy (it has code), so the EXTCODESIZE check of a high-level call is left out; a
///         revert bubbles with MessageTrees' revert data unchanged.
library MessageTreesCall {
    /// @dev SystemAddresses.MESSAGE_TREES as a number literal, which inline assembly can use.
    uint256 private constant ADDRESS = 0x1003;

    /// @dev appendOutbox(typehash, destination, fields), the fields at buffer + 0x60..0xdf. Returns the nonce, and
    ///      leaves (nonce, messageHash) at buffer + 0x20 and + 0x40, right before the fields: from buffer + 0x20 on,
    ///      the buffer is then the request event's data (nonce, messageHash, fields...).
    function appendOutbox(uint256 buffer, bytes32 typehash, uint256 destination) internal returns (uint256 nonce) {
        bytes4 selector = MessageTrees.appendOutbox.selector;
        assembly ("memory-safe") {
            mstore(buffer, shr(224, selector))
            mstore(add(buffer, 0x20), typehash)
            mstore(add(buffer, 0x40), destination)
            if iszero(call(gas(), ADDRESS, 0, add(buffer, 0x1c), 0xc4, add(buffer, 0x20), 0x40)) {
                returndatacopy(buffer, 0, returndatasize())
                revert(buffer, returndatasize())
            }
            nonce := mload(add(buffer, 0x20))
        }
    }

    /// @dev appendInbox(typehash, source, nonce, fields), source, nonce and the fields at buffer + 0x40..0xff (for
    ///      MintBurn.mint and Messenger.action: their own first arguments, copied from calldata). Returns the hash.
    function appendInbox(uint256 buffer, bytes32 typehash) internal returns (bytes32 messageHash) {
        bytes4 selector = MessageTrees.appendInbox.selector;
        assembly ("memory-safe") {
            mstore(buffer, shr(224, selector))
            mstore(add(buffer, 0x20), typehash)
            if iszero(call(gas(), ADDRESS, 0, add(buffer, 0x1c), 0xe4, 0x00, 0x20)) {
                returndatacopy(buffer, 0, returndatasize())
                revert(buffer, returndatasize())
            }
            messageHash := mload(0x00)
        }
    }
}
