// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Compute-heavy work for the Mgas/s benchmark: arithmetic, hashing and memory in a loop,
/// no storage and no memory growth, so it measures the interpreter rather than the state or memory pricing.
contract Compute {
    function run(uint256 rounds) external pure returns (bytes32 acc) {
        uint256 x = 0x9e3779b97f4a7c15;
        // unchecked: the wrapping arithmetic is the workload, not an error
        unchecked {
            for (uint256 i = 0; i < rounds; i++) {
                x = x * 6364136223846793005 + 1442695040888963407;
                x ^= x >> 17;
                // hash in the scratch space so memory does not grow: gas stays linear in rounds
                assembly {
                    mstore(0x00, xor(acc, i))
                    mstore(0x20, x)
                    acc := keccak256(0x00, 0x40)
                }
                x = mulmod(x, uint256(acc), type(uint256).max - 58) + addmod(x, i, 1_000_000_007);
            }
        }
    }
}
