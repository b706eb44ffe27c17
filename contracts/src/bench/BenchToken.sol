// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A plain OpenZeppelin ERC20 used by the ERC20 throughput benchmarks (ours and anvil's).
/// The deployer receives the whole supply and spreads it to the benchmark's senders.
contract BenchToken is ERC20 {
    constructor(uint256 supply) ERC20("Bench", "BNCH") {
        _mint(msg.sender, supply);
    }
}
