// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Compute-heavy work for the Mgas/s benchmark: arithmetic, hashing and memory in a loop,
/// no storage, so it measures the interpreter rather than the state.
contract Compute {
    function run(uint256 rounds) external pure returns (bytes32 acc) {
        uint256 x = 0x9e3779b97f4a7c15;
        // unchecked: the wrapping arithmetic is the workload, not an error
        unchecked {
            for (uint256 i = 0; i < rounds; i++) {
                x = x * 6364136223846793005 + 1442695040888963407;
                x ^= x >> 17;
                acc = keccak256(abi.encodePacked(acc, x, i));
                x = mulmod(x, uint256(acc), type(uint256).max - 58) + addmod(x, i, 1_000_000_007);
            }
        }
    }
}
