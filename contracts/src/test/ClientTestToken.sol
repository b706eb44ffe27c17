// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice OpenZeppelin ERC20 that the real-client tests (tests/js: ethers, viem, cast) deploy on a node.
/// Besides the standard token it offers one call per revert style a dapp must decode: a require string,
/// a custom error with arguments, and a checked-arithmetic Panic(0x11). OpenZeppelin's own
/// ERC20InsufficientBalance covers a custom error raised by the library itself.
contract ClientTestToken is ERC20 {
    /// @notice Raised by {failCustom}: the caller asked for more than `limit`.
    error LimitExceeded(address caller, uint256 requested, uint256 limit);

    /// @notice A plain value in its own slot (slot 5 after ERC20's five) so tests can prove it with eth_getProof.
    uint256 public marker;

    /// @notice Emitted by {setMarker}, a second event type for log filters.
    event MarkerSet(address indexed by, uint256 value);

    constructor(uint256 supply) ERC20("Client Test Token", "CTT") {
        _mint(msg.sender, supply);
    }

    /// @notice Stores `value` in {marker}; reverts with a require string when `value` is zero.
    function setMarker(uint256 value) external {
        require(value != 0, "marker must be nonzero");
        marker = value;
        emit MarkerSet(msg.sender, value);
    }

    /// @notice Reverts with {LimitExceeded} when `requested` exceeds 100; returns `requested` otherwise.
    function failCustom(uint256 requested) external view returns (uint256) {
        if (requested > 100) revert LimitExceeded(msg.sender, requested, 100);
        return requested;
    }

    /// @notice Overflows on purpose when `a + b` does not fit: Solidity 0.8 reverts with Panic(0x11).
    function add(uint256 a, uint256 b) external pure returns (uint256) {
        return a + b;
    }
}
