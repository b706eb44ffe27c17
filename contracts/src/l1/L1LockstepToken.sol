// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title L1LockstepToken
/// @notice The L1 side of the cross-rollup token for devnets and tests: a plain ERC20 whose whole supply is minted
/// to the deployer.
contract L1LockstepToken is ERC20 {
    constructor(uint256 supply) ERC20("Lockstep Token", "LST") {
        _mint(msg.sender, supply);
    }
}
