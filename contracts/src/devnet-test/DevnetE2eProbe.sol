// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev The slice of the Messenger system contract (docs/protocol.md) the probe uses.
interface IDevnetE2eMessenger {
    function trigger(uint256 destination, address target, bytes calldata data, uint256 gasLimit) external returns (uint256 nonce);
    function messageSender() external view returns (address sender);
    function messageSourceChainId() external view returns (uint256 source);
}

/// @notice Action target for the devnet end-to-end tests (tests/js/devnet, issue 4 "What it must show"):
/// records who sent an action and from which rollup, fails on request (revert string or running out of gas),
/// and forwards an action to a third rollup so a chain A -> B -> C can be tested as all or nothing.
contract DevnetE2eProbe {
    /// @notice Messenger, the same address on every rollup.
    IDevnetE2eMessenger public constant MESSENGER = IDevnetE2eMessenger(0x0000000000000000000000000000000000001002);

    /// @notice How many actions reached this probe.
    uint256 public hits;
    /// @notice `messageSender()` during the last action.
    address public lastSender;
    /// @notice `messageSourceChainId()` during the last action.
    uint256 public lastSource;
    /// @notice The value the last action carried.
    uint256 public lastValue;

    /// @notice Emitted on every recorded action.
    event Recorded(address indexed sender, uint256 indexed source, uint256 value);

    /// @notice Records the message sender and source chain of the current action (reverts outside one).
    function record(uint256 value) public {
        lastSender = MESSENGER.messageSender();
        lastSource = MESSENGER.messageSourceChainId();
        lastValue = value;
        hits += 1;
        emit Recorded(lastSender, lastSource, value);
    }

    /// @notice Records, then asks Messenger to deliver `data` to `target` on `destination` (the nested leg).
    function recordAndForward(uint256 value, uint256 destination, address target, bytes calldata data, uint256 gasLimit) external {
        record(value);
        MESSENGER.trigger(destination, target, data, gasLimit);
    }

    /// @notice Always reverts with a reason string, like a dapp's failing target.
    function fail() external pure {
        revert("DevnetE2eProbe: refused");
    }

    /// @notice Burns all the gas it is given (the out-of-gas action).
    function exhaust() external {
        uint256 i;
        while (true) {
            hits = ++i;
        }
    }
}
