// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SystemAddresses} from "../SystemAddresses.sol";

interface IMessengerView {
    function messageSender() external view returns (address);
    function messageSourceChainId() external view returns (uint256);
    function trigger(uint256 destination, address target, bytes calldata data, uint256 gasLimit) external returns (uint256);
}

/// @notice Test-only target of cross-rollup actions (tests/Lockstep.SystemContracts.Tests); never predeployed.
///         It has no receive function, so an ETH payout to it fails.
contract SystemTestReceiver {
    address public lastSender;
    uint256 public lastSource;
    address public lastCaller;
    uint256 public lastValue;
    uint256 public gasAtEntry;

    event Received(address sender, uint256 source, uint256 value);

    /// @notice Records messageSender(), messageSourceChainId() and msg.sender as seen during an action.
    function record(uint256 value) external {
        lastSender = IMessengerView(SystemAddresses.MESSENGER).messageSender();
        lastSource = IMessengerView(SystemAddresses.MESSENGER).messageSourceChainId();
        lastCaller = msg.sender;
        lastValue = value;
        emit Received(lastSender, lastSource, value);
    }

    /// @notice Records the gas the call started with (the action's gasLimit, minus this function's dispatch).
    function measureGas() external {
        gasAtEntry = gasleft();
    }

    /// @notice Triggers a further action from inside an action (nested cross-rollup call).
    function relay(uint256 destination, address target, bytes calldata data, uint256 gasLimit) external {
        IMessengerView(SystemAddresses.MESSENGER).trigger(destination, target, data, gasLimit);
    }

    /// @notice Always reverts with a reason.
    function fail() external pure {
        revert("receiver says no");
    }

    /// @notice Spins until out of gas.
    function burnGas() external view {
        uint256 i;
        while (gasleft() > 0) { unchecked { ++i; } }
    }

    /// @notice Calls any contract with any data and bubbles its revert (lets tests act as "a contract").
    function forward(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly { revert(add(result, 0x20), mload(result)) }
        }
        return result;
    }
}
