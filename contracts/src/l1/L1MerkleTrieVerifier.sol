// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title L1MerkleTrieVerifier
/// @notice Verifies Ethereum Merkle Patricia proofs in the eth_getProof (EIP-1186) format: the RLP nodes from the root
/// down the key's path, nodes shorter than 32 bytes embedded in their parent (Yellow Paper appendix D). Both inclusion
/// and exclusion are proved: a key whose path ends in an empty branch slot or diverges from a leaf or extension is
/// absent, so a missing storage slot reads as zero. Keys are the 32-byte hashed keys of the secure state and storage
/// tries. The RLP reader works on memory pointers and never copies a node.
/// @dev Soundness: every node is bound to its parent by keccak (or embedded in it) and parsed deterministically, so
/// against a root built by an honest trie only the true value can be proved. Any malformed input reverts.
library L1MerkleTrieVerifier {
    /// @notice keccak256(rlp("")): the root of an empty trie (an account without storage).
    bytes32 internal constant EMPTY_TRIE_ROOT = 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421;

    /// @notice A proof is invalid; `reason` is one of the ERR_ constants.
    error InvalidProof(uint256 reason);

    uint256 internal constant ERR_MISSING_NODE = 1; // the proof ends before the key's path does
    uint256 internal constant ERR_HASH_MISMATCH = 2; // a node does not hash to its parent's reference
    uint256 internal constant ERR_BAD_RLP = 3; // truncated or non-canonical RLP
    uint256 internal constant ERR_BAD_NODE = 4; // neither a branch (17 items) nor a leaf/extension (2 items)
    uint256 internal constant ERR_EXTRA_NODES = 5; // nodes left over after the path ended
    uint256 internal constant ERR_BAD_ACCOUNT = 6; // the account value is not RLP([nonce, balance, root, codeHash])
    uint256 internal constant ERR_BAD_VALUE = 7; // the storage value is not an RLP string of at most 32 bytes
    uint256 internal constant ERR_BAD_REFERENCE = 8; // a child is neither empty, a 32-byte hash nor an embedded node

    /// @notice The value of storage slot `slot` of `account` in the state `stateRoot`, proved by an eth_getProof
    /// account proof and storage proof; zero when the account or the slot is proved absent.
    function proveStorageSlot(
        bytes32 stateRoot,
        address account,
        bytes32 slot,
        bytes[] memory accountProof,
        bytes[] memory storageProof
    ) internal pure returns (bytes32) {
        return storageValue(storageRootOf(stateRoot, account, accountProof), slot, storageProof);
    }

    /// @notice The storage root of `account` under `stateRoot`; the empty trie root when the account is proved absent.
    function storageRootOf(bytes32 stateRoot, address account, bytes[] memory accountProof)
        internal
        pure
        returns (bytes32 root)
    {
        (bool found, uint256 ptr, uint256 len) = verify(stateRoot, keccak256(abi.encodePacked(account)), accountProof);
        if (!found) return EMPTY_TRIE_ROOT;
        // Account = RLP([nonce, balance, storageRoot, codeHash]) (Yellow Paper 4.1).
        uint256 end = ptr + len;
        (uint256 payload, uint256 plen, bool isList) = _header(ptr, end);
        if (!isList || payload + plen != end) revert InvalidProof(ERR_BAD_ACCOUNT);
        end = payload + plen;
        uint256 p = payload;
        for (uint256 i = 0; i < 2; ++i) {
            (uint256 ip, uint256 il, bool l) = _header(p, end);
            if (l || il > 32) revert InvalidProof(ERR_BAD_ACCOUNT);
            p = ip + il;
        }
        (uint256 rp, uint256 rl, bool rList) = _header(p, end);
        if (rList || rl != 32) revert InvalidProof(ERR_BAD_ACCOUNT);
        (uint256 cp, uint256 cl, bool cList) = _header(rp + 32, end);
        if (cList || cl != 32 || cp + cl != end) revert InvalidProof(ERR_BAD_ACCOUNT);
        assembly ("memory-safe") {
            root := mload(rp)
        }
    }

    /// @notice The value of `slot` in the storage trie `storageRoot`; zero when the slot is proved absent.
    function storageValue(bytes32 storageRoot, bytes32 slot, bytes[] memory storageProof)
        internal
        pure
        returns (bytes32 value)
    {
        (bool found, uint256 ptr, uint256 len) = verify(storageRoot, keccak256(abi.encode(slot)), storageProof);
        if (!found) return bytes32(0);
        // Storage value = RLP(value without leading zeros).
        uint256 end = ptr + len;
        (uint256 vp, uint256 vl, bool isList) = _header(ptr, end);
        if (isList || vl > 32 || vp + vl != end) revert InvalidProof(ERR_BAD_VALUE);
        if (vl == 0) return bytes32(0);
        assembly ("memory-safe") {
            value := shr(sub(256, mul(8, vl)), mload(vp))
        }
    }

    /// @notice Walks `proof` from `root` along the 64 nibbles of `key`. Returns whether the key is present and, if so,
    /// a memory pointer and length of its value (the payload of the leaf's value string). Reverts on an invalid proof.
    function verify(bytes32 root, bytes32 key, bytes[] memory proof)
        internal
        pure
        returns (bool found, uint256 valuePtr, uint256 valueLen)
    {
        // An empty trie holds nothing: clients send [] or [0x80] for it.
        if (root == EMPTY_TRIE_ROOT) {
            if (proof.length > 1) revert InvalidProof(ERR_EXTRA_NODES);
            return (false, 0, 0);
        }
        // `root` becomes the hash of the next node to load; nodeEnd == 0 means "load it from the proof".
        uint256 used; // proof nodes consumed
        uint256 nib; // key nibbles consumed
        uint256 nodePtr;
        uint256 nodeEnd;
        uint256[18] memory items;
        while (true) {
            if (nodeEnd == 0) {
                if (used >= proof.length) revert InvalidProof(ERR_MISSING_NODE);
                bytes memory node = proof[used++];
                if (keccak256(node) != root) revert InvalidProof(ERR_HASH_MISMATCH);
                assembly ("memory-safe") {
                    nodePtr := add(node, 32)
                    nodeEnd := add(nodePtr, mload(node))
                }
            }
            uint256 step;
            (step, nib, valuePtr, valueLen) = _visit(nodePtr, nodeEnd, key, nib, items);
            if (step == STEP_ABSENT) return _absent(used, proof.length);
            if (step == STEP_FOUND) {
                if (used != proof.length) revert InvalidProof(ERR_EXTRA_NODES);
                return (true, valuePtr, valueLen);
            }
            if (step == STEP_HASH) {
                root = bytes32(valuePtr);
                nodeEnd = 0;
            } else {
                (nodePtr, nodeEnd) = (valuePtr, valueLen);
            }
        }
    }

    uint256 private constant STEP_ABSENT = 0; // the key is proved absent
    uint256 private constant STEP_FOUND = 1; // x, y = value pointer, length
    uint256 private constant STEP_HASH = 2; // x = hash of the next node (the next proof element)
    uint256 private constant STEP_EMBEDDED = 3; // x, y = start, end of the next node, embedded in this one

    /// @dev Parses one node and follows the key one step: see the STEP_ constants for the result.
    function _visit(uint256 nodePtr, uint256 nodeEnd, bytes32 key, uint256 nib, uint256[18] memory items)
        private
        pure
        returns (uint256 step, uint256 nibOut, uint256 x, uint256 y)
    {
        uint256 count;
        {
            (uint256 payload, uint256 plen, bool isList) = _header(nodePtr, nodeEnd);
            if (!isList || payload + plen != nodeEnd) revert InvalidProof(ERR_BAD_NODE);
            count = _splitList(payload, nodeEnd, items);
        }
        if (count == 17) {
            // Branch: keys have 64 nibbles and no key prefixes another, so a branch never ends a path.
            if (nib >= 64) revert InvalidProof(ERR_BAD_NODE);
            (step, x, y) = _reference(items[(uint256(key) >> (252 - 4 * nib)) & 0xf], nodeEnd);
            return (step, nib + 1, x, y);
        }
        if (count != 2) revert InvalidProof(ERR_BAD_NODE);
        bool leaf;
        bool matches;
        (leaf, matches, nibOut) = _matchPath(items[0], items[1], key, nib);
        if (!matches) return (STEP_ABSENT, nibOut, 0, 0);
        if (!leaf) {
            (step, x, y) = _reference(items[1], nodeEnd);
            return (step, nibOut, x, y);
        }
        if (nibOut != 64) return (STEP_ABSENT, nibOut, 0, 0);
        bool vList;
        (x, y, vList) = _header(items[1], nodeEnd);
        if (vList || x + y != nodeEnd) revert InvalidProof(ERR_BAD_NODE);
        step = STEP_FOUND;
    }

    /// @dev A child reference: empty (absent), a 32-byte hash, or a node embedded because its RLP is < 32 bytes.
    function _reference(uint256 child, uint256 end) private pure returns (uint256 step, uint256 x, uint256 y) {
        (uint256 cp, uint256 cl, bool cList) = _header(child, end);
        if (cList) {
            if (cp + cl - child >= 32) revert InvalidProof(ERR_BAD_REFERENCE);
            return (STEP_EMBEDDED, child, cp + cl);
        }
        if (cl == 32) {
            bytes32 h;
            assembly ("memory-safe") {
                h := mload(cp)
            }
            return (STEP_HASH, uint256(h), 0);
        }
        if (cl == 0) return (STEP_ABSENT, 0, 0);
        revert InvalidProof(ERR_BAD_REFERENCE);
    }

    function _absent(uint256 used, uint256 total) private pure returns (bool, uint256, uint256) {
        if (used != total) revert InvalidProof(ERR_EXTRA_NODES);
        return (false, 0, 0);
    }

    /// @dev Matches the hex-prefix encoded path (Yellow Paper appendix C) at `pathItem` against the key from nibble
    /// `nib`. Returns whether the node is a leaf, whether its whole path matches, and the key position after it.
    function _matchPath(uint256 pathItem, uint256 itemEnd, bytes32 key, uint256 nib)
        private
        pure
        returns (bool leaf, bool matches, uint256 nibAfter)
    {
        (uint256 pp, uint256 pl, bool isList) = _header(pathItem, itemEnd);
        if (isList || pl == 0 || pp + pl != itemEnd) revert InvalidProof(ERR_BAD_NODE);
        uint256 start; // nibble index of the path's first nibble within the encoded bytes
        (leaf, start) = _hexPrefixFlags(pp);
        uint256 length = pl * 2 - start;
        nibAfter = nib + length;
        if (nibAfter > 64 || !_nibblesEqual(pp, start, length, key, nib)) return (leaf, false, nib);
        matches = true;
    }

    /// @dev The hex-prefix flag nibble: 0/1 extension even/odd, 2/3 leaf even/odd; an even path pads a zero nibble.
    function _hexPrefixFlags(uint256 pp) private pure returns (bool leaf, uint256 start) {
        uint256 first;
        assembly ("memory-safe") {
            first := byte(0, mload(pp))
        }
        uint256 flag = first >> 4;
        if (flag > 3) revert InvalidProof(ERR_BAD_NODE);
        leaf = flag >= 2;
        if ((flag & 1) == 1) return (leaf, 1);
        if ((first & 0xf) != 0) revert InvalidProof(ERR_BAD_NODE);
        return (leaf, 2);
    }

    /// @dev Whether `length` nibbles of the bytes at `pp`, from nibble `start` (1 or 2), equal the key's from nibble
    /// `nib` (the caller checked nib + length <= 64). One masked word comparison instead of a loop per nibble: the path
    /// is loaded left-aligned (an odd path has at most 32 bytes, an even one's nibbles start at byte 1), the key is
    /// shifted to the same position, and bytes read past the item are masked off.
    function _nibblesEqual(uint256 pp, uint256 start, uint256 length, bytes32 key, uint256 nib)
        private
        pure
        returns (bool equal)
    {
        assembly ("memory-safe") {
            let path := mload(add(pp, 1))
            if eq(start, 1) { path := shl(4, mload(pp)) }
            let mask := not(shr(mul(4, length), not(0)))
            equal := eq(and(path, mask), and(shl(mul(4, nib), key), mask))
        }
    }

    /// @dev Records the start of each item of the list payload [payload, end) in `items` (then `end` after the last)
    /// and returns the item count; reverts when the items do not exactly fill the payload or exceed 17. One assembly
    /// loop with the RLP length rules inline (same checks as `_header`): a branch has 17 items per node visited.
    function _splitList(uint256 payload, uint256 end, uint256[18] memory items) private pure returns (uint256 count) {
        uint256 bad; // 0 ok, ERR_BAD_RLP or ERR_BAD_NODE
        assembly ("memory-safe") {
            let p := payload
            for {} lt(p, end) {} {
                if eq(count, 17) {
                    bad := 4 // ERR_BAD_NODE
                    break
                }
                mstore(add(items, mul(count, 32)), p)
                count := add(count, 1)
                let b := byte(0, mload(p))
                let size := 33 // 0xa0: a 32-byte hash, the common case in a branch
                if iszero(eq(b, 0xa0)) {
                    switch lt(b, 0x80)
                    case 1 { size := 1 }
                    default {
                        let lenOfLen := 0
                        switch lt(b, 0xb8)
                        case 1 {
                            size := sub(b, 0x7f)
                            // A single byte below 0x80 must be encoded as itself.
                            if eq(b, 0x81) { if lt(byte(0, mload(add(p, 1))), 0x80) { bad := 3 } }
                        }
                        default {
                            switch lt(b, 0xc0)
                            case 1 { lenOfLen := sub(b, 0xb7) }
                            default {
                                switch lt(b, 0xf8)
                                case 1 { size := sub(b, 0xbf) }
                                default { lenOfLen := sub(b, 0xf7) }
                            }
                        }
                        if lenOfLen {
                            if gt(lenOfLen, 4) { bad := 3 }
                            lenOfLen := and(lenOfLen, 7)
                            let len := shr(sub(256, mul(8, lenOfLen)), mload(add(p, 1)))
                            if or(lt(len, 56), iszero(byte(0, mload(add(p, 1))))) { bad := 3 }
                            size := add(add(1, lenOfLen), len)
                        }
                    }
                }
                if bad { break }
                p := add(p, size)
            }
            if and(iszero(bad), gt(p, end)) { bad := 3 } // the last item runs past the list
            mstore(add(items, mul(count, 32)), end)
        }
        if (bad != 0) revert InvalidProof(bad);
    }

    /// @dev Decodes the RLP header at `p` (bounded by `end`): payload pointer, payload length, list or string.
    /// Rejects truncated items and non-canonical lengths so one byte string has one parse. Assembly: this runs for
    /// every item of every node (17 per branch), so it is the verifier's hot path.
    function _header(uint256 p, uint256 end) private pure returns (uint256 payload, uint256 len, bool isList) {
        bool bad;
        assembly ("memory-safe") {
            bad := iszero(lt(p, end))
            let b := byte(0, mload(p))
            switch lt(b, 0x80)
            case 1 {
                payload := p
                len := 1
            }
            default {
                let short := 0
                let lenOfLen := 0
                switch lt(b, 0xc0)
                case 1 {
                    switch lt(b, 0xb8)
                    case 1 { short := sub(b, 0x80) }
                    default { lenOfLen := sub(b, 0xb7) }
                }
                default {
                    isList := 1
                    switch lt(b, 0xf8)
                    case 1 { short := sub(b, 0xc0) }
                    default { lenOfLen := sub(b, 0xf7) }
                }
                switch lenOfLen
                case 0 {
                    payload := add(p, 1)
                    len := short
                    // A single byte below 0x80 must be encoded as itself, not as 0x81 b.
                    if and(iszero(isList), eq(len, 1)) { if lt(byte(0, mload(payload)), 0x80) { bad := 1 } }
                }
                default {
                    // Proof nodes are small: more than 4 length bytes is malformed here (and keeps sums small).
                    if gt(lenOfLen, 4) { bad := 1 }
                    lenOfLen := and(lenOfLen, 7)
                    len := shr(sub(256, mul(8, lenOfLen)), mload(add(p, 1)))
                    // Canonical: at least 56 (else the short form) and no leading zero byte.
                    if or(lt(len, 56), iszero(byte(0, mload(add(p, 1))))) { bad := 1 }
                    payload := add(add(p, 1), lenOfLen)
                }
            }
            if gt(add(payload, len), end) { bad := 1 }
        }
        if (bad) revert InvalidProof(ERR_BAD_RLP);
    }
}
