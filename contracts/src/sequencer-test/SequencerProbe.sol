// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The part of the Messenger system contract (0x...1002) the probe uses.
interface ISequencerProbeMessenger {
    function messageSender() external view returns (address);
    function messageSourceChainId() external view returns (uint256);
    function trigger(uint256 destination, address target, bytes calldata data, uint256 gasLimit) external returns (uint256);
}

/// @notice Action target for the superblock builder tests, placed in genesis (no constructor) on every rollup.
///         Records what Messenger exposes during an action, fails on demand, and relays actions further.
contract SequencerProbe {
    ISequencerProbeMessenger private constant MESSENGER = ISequencerProbeMessenger(0x0000000000000000000000000000000000001002);

    address public lastSender;
    uint256 public lastSource;
    uint256 public calls;

    /// @notice Records messageSender() and messageSourceChainId() (both revert outside an action).
    function record() external {
        lastSender = MESSENGER.messageSender();
        lastSource = MESSENGER.messageSourceChainId();
        calls++;
    }

    /// @notice Always reverts with `reason`.
    function fail(string calldata reason) external pure {
        revert(reason);
    }

    /// @notice Never returns: writes storage until the gas runs out.
    function exhaust() external {
        while (true) {
            calls++;
        }
    }

    /// @notice Records like record(), then asks Messenger for an action on `destination` (a nested trigger).
    function relay(uint256 destination, address target, bytes calldata data, uint256 gasLimit) external {
        lastSender = MESSENGER.messageSender();
        lastSource = MESSENGER.messageSourceChainId();
        calls++;
        MESSENGER.trigger(destination, target, data, gasLimit);
    }

    /// @notice Emits an event shaped like MintBurn's MintRequested from a non-system address (must be ignored).
    event MintRequested(uint256 indexed destination, uint256 nonce, bytes32 messageHash,
        address token, address from, address to, uint256 amount);

    function fakeMint(uint256 destination, uint256 nonce, bytes32 messageHash, address token, address to, uint256 amount) external {
        emit MintRequested(destination, nonce, messageHash, token, msg.sender, to, amount);
    }
}
