// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {L1MerkleTrieVerifier} from "../L1MerkleTrieVerifier.sol";

/// @title L1TrieVerifierProbe
/// @notice Test-only wrapper exposing L1MerkleTrieVerifier's internal functions to calls from tests.
contract L1TrieVerifierProbe {
    /// @notice The raw walk: whether `key` is present under `root` and its value bytes.
    function get(bytes32 root, bytes32 key, bytes[] memory proof) external pure returns (bool found, bytes memory value) {
        (bool f, uint256 ptr, uint256 len) = L1MerkleTrieVerifier.verify(root, key, proof);
        found = f;
        value = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(value, 32), ptr, len)
        }
    }

    /// @notice See L1MerkleTrieVerifier.proveStorageSlot.
    function proveStorageSlot(
        bytes32 stateRoot,
        address account,
        bytes32 slot,
        bytes[] memory accountProof,
        bytes[] memory storageProof
    ) external pure returns (bytes32) {
        return L1MerkleTrieVerifier.proveStorageSlot(stateRoot, account, slot, accountProof, storageProof);
    }

    /// @notice See L1MerkleTrieVerifier.storageRootOf.
    function storageRootOf(bytes32 stateRoot, address account, bytes[] memory accountProof) external pure returns (bytes32) {
        return L1MerkleTrieVerifier.storageRootOf(stateRoot, account, accountProof);
    }

    /// @notice Gas used by one storage-slot proof (measured inside the call, without calldata).
    function measureProveStorageSlot(
        bytes32 stateRoot,
        address account,
        bytes32 slot,
        bytes[] memory accountProof,
        bytes[] memory storageProof
    ) external view returns (bytes32 value, uint256 gasUsed) {
        uint256 before = gasleft();
        value = L1MerkleTrieVerifier.proveStorageSlot(stateRoot, account, slot, accountProof, storageProof);
        gasUsed = before - gasleft();
    }
}
