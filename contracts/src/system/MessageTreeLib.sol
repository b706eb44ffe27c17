// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Append-only incremental Merkle tree of depth 32 (keccak256, leaf = message hash), root folded per block.
/// @notice The eth2 deposit contract's construction: `branch[h]` keeps the last complete left subtree of height h.
///         `append` is O(1) amortised: it hashes the new leaf up through the complete subtrees it closes (on average
///         one keccak256) and writes the count and one branch slot; it does NOT recompute the Merkle root. Instead the
///         root slot is chained, `root = keccak256(root ++ leaf)`, so it commits to every leaf at all times: a block
///         that appended and was not folded leaves a value that differs from the other side's folded root (or, if
///         both sides skipped the fold, equals it only for the same leaves), and the L1 root comparison stays sound
///         whatever the sequencer did. `fold` computes the Merkle root of all `count` leaves (32 hashes, reading
///         branch[h] where bit h of count is 1 and the zero ladder elsewhere) and stores it with the count it covers.
///         MessageTrees.fold runs it for every tree once at the end of each block that appended (a protocol
///         transaction, docs/protocol.md), so at every block boundary of an honest sequencer the root slot holds the
///         Merkle root of every leaf appended so far.
///         The root of n leaves is the root of the full depth-32 tree whose leaves n.. are bytes32(0); the stored
///         root of an empty tree is bytes32(0) (never written), on the outbox and the inbox side alike.
library MessageTreeLib {
    /// @notice Tree depth.
    uint256 internal constant DEPTH = 32;
    /// @notice Most leaves a tree takes: 2^32 - 1, as the deposit contract (the 2^32th leaf would close the whole
    ///         tree and need a branch slot at height 32).
    uint256 internal constant MAX_LEAVES = (1 << DEPTH) - 1;

    /// @notice Storage of one tree. `root` is the first slot of the struct and `count` the second, so a tree kept in
    ///         `mapping(uint256 => Tree)` at slot k has its root at keccak256(abi.encode(key, k)) and its count at
    ///         that slot + 1 (docs/protocol.md); branch[h] follows at + 2 + h and foldedCount at + 34.
    struct Tree {
        bytes32 root;
        uint256 count;
        bytes32[32] branch;
        uint256 foldedCount;
    }

    /// @notice MAX_LEAVES leaves are stored.
    error TreeFull();

    /// @notice Appends `leaf` as leaf number `index`, which the caller has just read from tree.count (the nonce it
    ///         hashed into `leaf`; taken as an argument so the count slot is not read twice on the hot legs). The root
    ///         slot becomes keccak256(root ++ leaf) until `fold` replaces it with the Merkle root.
    function appendAt(Tree storage tree, uint256 index, bytes32 leaf) internal {
        if (index >= MAX_LEAVES) revert TreeFull();
        unchecked { tree.count = index + 1; } // index < MAX_LEAVES: no overflow check needed
        // The new leaf closes one complete subtree per trailing 1 bit of `index` (bit h of index + 1 is 0): its left
        // sibling at that height is branch[h]. The first height where bit h of index + 1 is 1 is where the closed
        // subtree becomes the new left frontier: the one branch slot written.
        assembly ("memory-safe") {
            mstore(0x00, sload(tree.slot))
            mstore(0x20, leaf)
            sstore(tree.slot, keccak256(0x00, 0x40))
            let branchSlot := add(tree.slot, 2)
            let node := leaf
            let size := add(index, 1)
            let h := 0
            for {} iszero(and(size, 1)) {} {
                mstore(0x00, sload(add(branchSlot, h)))
                mstore(0x20, node)
                node := keccak256(0x00, 0x40)
                size := shr(1, size)
                h := add(h, 1)
            }
            sstore(add(branchSlot, h), node)
        }
    }

    /// @notice Stores the root of the tree's `count` leaves in the root slot, unless it already covers them. Returns
    ///         true when it wrote.
    function fold(Tree storage tree) internal returns (bool changed) {
        uint256 count = tree.count;
        if (count == tree.foldedCount) return false;
        tree.root = rootOf(tree, count);
        tree.foldedCount = count;
        return true;
    }

    /// @notice The root of the first `count` leaves from the stored frontier (count must be the stored count).
    function rootOf(Tree storage tree, uint256 count) internal view returns (bytes32 node) {
        // Level by level from the (zero) leaf after the last one: at height h the node is a right child when bit h
        // of count is 1 (left sibling: the stored complete subtree branch[h]) and a left child otherwise (right
        // sibling: the empty subtree zeros[h], built alongside: zeros[h+1] = keccak256(zeros[h] ++ zeros[h])).
        assembly ("memory-safe") {
            let branchSlot := add(tree.slot, 2)
            let zero := 0
            for { let h := 0 } lt(h, 32) { h := add(h, 1) } {
                switch and(shr(h, count), 1)
                case 0 {
                    mstore(0x00, node)
                    mstore(0x20, zero)
                }
                default {
                    mstore(0x00, sload(add(branchSlot, h)))
                    mstore(0x20, node)
                }
                node := keccak256(0x00, 0x40)
                mstore(0x00, zero)
                mstore(0x20, zero)
                zero := keccak256(0x00, 0x40)
            }
        }
    }

    /// @notice zeros[h] = root of an empty subtree of height h: zeros[0] = 0, zeros[h+1] = keccak256(zeros[h] ++ zeros[h]).
    ///         For libraries building on this one (e.g. proofs); `rootOf` derives the same ladder as it goes.
    function zeroHashes() internal pure returns (bytes32[32] memory z) {
        z[1] = 0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5;
        z[2] = 0xb4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30;
        z[3] = 0x21ddb9a356815c3fac1026b6dec5df3124afbadb485c9ba5a3e3398a04b7ba85;
        z[4] = 0xe58769b32a1beaf1ea27375a44095a0d1fb664ce2dd358e7fcbfb78c26a19344;
        z[5] = 0x0eb01ebfc9ed27500cd4dfc979272d1f0913cc9f66540d7e8005811109e1cf2d;
        z[6] = 0x887c22bd8750d34016ac3c66b5ff102dacdd73f6b014e710b51e8022af9a1968;
        z[7] = 0xffd70157e48063fc33c97a050f7f640233bf646cc98d9524c6b92bcf3ab56f83;
        z[8] = 0x9867cc5f7f196b93bae1e27e6320742445d290f2263827498b54fec539f756af;
        z[9] = 0xcefad4e508c098b9a7e1d8feb19955fb02ba9675585078710969d3440f5054e0;
        z[10] = 0xf9dc3e7fe016e050eff260334f18a5d4fe391d82092319f5964f2e2eb7c1c3a5;
        z[11] = 0xf8b13a49e282f609c317a833fb8d976d11517c571d1221a265d25af778ecf892;
        z[12] = 0x3490c6ceeb450aecdc82e28293031d10c7d73bf85e57bf041a97360aa2c5d99c;
        z[13] = 0xc1df82d9c4b87413eae2ef048f94b4d3554cea73d92b0f7af96e0271c691e2bb;
        z[14] = 0x5c67add7c6caf302256adedf7ab114da0acfe870d449a3a489f781d659e8becc;
        z[15] = 0xda7bce9f4e8618b6bd2f4132ce798cdc7a60e7e1460a7299e3c6342a579626d2;
        z[16] = 0x2733e50f526ec2fa19a22b31e8ed50f23cd1fdf94c9154ed3a7609a2f1ff981f;
        z[17] = 0xe1d3b5c807b281e4683cc6d6315cf95b9ade8641defcb32372f1c126e398ef7a;
        z[18] = 0x5a2dce0a8a7f68bb74560f8f71837c2c2ebbcbf7fffb42ae1896f13f7c7479a0;
        z[19] = 0xb46a28b6f55540f89444f63de0378e3d121be09e06cc9ded1c20e65876d36aa0;
        z[20] = 0xc65e9645644786b620e2dd2ad648ddfcbf4a7e5b1a3a4ecfe7f64667a3f0b7e2;
        z[21] = 0xf4418588ed35a2458cffeb39b93d26f18d2ab13bdce6aee58e7b99359ec2dfd9;
        z[22] = 0x5a9c16dc00d6ef18b7933a6f8dc65ccb55667138776f7dea101070dc8796e377;
        z[23] = 0x4df84f40ae0c8229d0d6069e5c8f39a7c299677a09d367fc7b05e3bc380ee652;
        z[24] = 0xcdc72595f74c7b1043d0e1ffbab734648c838dfb0527d971b602bc216c9619ef;
        z[25] = 0x0abf5ac974a1ed57f4050aa510dd9c74f508277b39d7973bb2dfccc5eeb0618d;
        z[26] = 0xb8cd74046ff337f0a7bf2c8e03e10f642c1886798d71806ab1e888d9e5ee87d0;
        z[27] = 0x838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e;
        z[28] = 0x662ee4dd2dd7b2bc707961b1e646c4047669dcb6584f0d8d770daf5d7e7deb2e;
        z[29] = 0x388ab20e2573d171a88108e79d820e98f26c0b84aa8b2f4aa4968dbb818ea322;
        z[30] = 0x93237c50ba75ee485f4c22adf2f741400bdf8d6a9cc7df7ecae576221665d735;
        z[31] = 0x8448818bb4ae4562849e949e17ac16e0be16688e156b5cf15e098c627c0056a9;
    }
}
