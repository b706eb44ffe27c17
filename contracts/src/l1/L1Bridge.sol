// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {L1MerkleTrieVerifier} from "./L1MerkleTrieVerifier.sol";

/// @notice What the bridge needs of the inbox.
interface IL1SettledRollups {
    function isRollup(uint256 chainId) external view returns (bool);
    function finalizedStateRoot(uint256 index, uint256 chainId) external view returns (bytes32);
}

/// @title L1Bridge
/// @notice Deposits from L1 into any rollup of the set and withdrawals back, for ETH and L1 ERC20s (the cross-rollup
/// token's L1 side). Deposits form one ordered queue: each superbatch commits to the queue position it consumed
/// (`queueHashAt`), so every node derives the same protocol transactions from L1 alone. A withdrawal is paid once it
/// is proved, with a Merkle Patricia proof against a FINALIZED claimed state root, that the rollup's withdrawal
/// contract stored `withdrawals[withdrawalHash] == 1`.
contract L1Bridge {
    using SafeERC20 for IERC20;

    /// @notice A withdrawal as the L2 withdrawal contract records it. token == address(0) is ETH.
    struct Withdrawal {
        uint256 nonce;
        address from;
        address to;
        address token;
        uint256 amount;
    }

    IL1SettledRollups public immutable inbox;
    /// @notice The L2 contract recording withdrawals (the same address on every rollup).
    address public immutable l2Withdrawals;
    /// @notice Storage slot of its `mapping(bytes32 => uint256) withdrawals`.
    uint256 public immutable withdrawalsBaseSlot;

    /// @notice Deposits queued so far; deposit i has index i.
    uint256 public depositCount;
    /// @notice Rolling hash of the first `count` deposits: h(0) = 0, h(n+1) = keccak256(abi.encode(h(n), depositHash)).
    mapping(uint256 => bytes32) public queueHashAt;
    /// @notice Withdrawals already paid, by withdrawal hash.
    mapping(bytes32 => bool) public withdrawalFinalized;

    event DepositQueued(
        uint256 indexed chainId,
        uint256 indexed depositIndex,
        address from,
        address to,
        address token,
        uint256 amount,
        bytes data
    );
    event WithdrawalFinalized(
        uint256 indexed chainId, bytes32 indexed withdrawalHash, address indexed to, address token, uint256 amount
    );

    error UnknownRollup(uint256 chainId);
    error ZeroAmount();
    error ZeroRecipient();
    error NotAToken(address token);
    error AlreadyFinalized(bytes32 withdrawalHash);
    error WithdrawalNotRecorded(bytes32 withdrawalHash, bytes32 slotValue);
    error TransferFailed();

    constructor(address inbox_, address l2Withdrawals_, uint256 withdrawalsBaseSlot_) {
        inbox = IL1SettledRollups(inbox_);
        l2Withdrawals = l2Withdrawals_;
        withdrawalsBaseSlot = withdrawalsBaseSlot_;
    }

    /// @notice Deposits msg.value wei for `to` on rollup `chainId` (`data`: an optional call the rollup makes).
    function depositETH(uint256 chainId, address to, bytes calldata data) external payable {
        _queue(chainId, to, address(0), msg.value, data);
    }

    /// @notice Locks `amount` of `token` here (approve first) and deposits it for `to` on rollup `chainId`.
    function depositERC20(uint256 chainId, address token, address to, uint256 amount, bytes calldata data) external {
        if (token.code.length == 0) revert NotAToken(token);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        _queue(chainId, to, token, amount, data);
    }

    function _queue(uint256 chainId, address to, address token, uint256 amount, bytes calldata data) private {
        if (!inbox.isRollup(chainId)) revert UnknownRollup(chainId);
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroRecipient();
        uint256 index = depositCount;
        bytes32 h = depositHash(chainId, index, msg.sender, to, token, amount, data);
        queueHashAt[index + 1] = keccak256(abi.encode(queueHashAt[index], h));
        depositCount = index + 1;
        emit DepositQueued(chainId, index, msg.sender, to, token, amount, data);
    }

    /// @notice The hash of one deposit, chained into the queue hash.
    function depositHash(
        uint256 chainId,
        uint256 index,
        address from,
        address to,
        address token,
        uint256 amount,
        bytes calldata data
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(chainId, index, from, to, token, amount, keccak256(data)));
    }

    /// @notice The key under which rollup `chainId`'s withdrawal contract records `w`.
    function withdrawalHash(uint256 chainId, Withdrawal calldata w) public pure returns (bytes32) {
        return keccak256(abi.encode(chainId, w.nonce, w.from, w.to, w.token, w.amount));
    }

    /// @notice Pays withdrawal `w` from rollup `chainId` after proving, against the claimed state root of `chainId` in
    /// FINALIZED superbatch `superbatchIndex`, that `l2Withdrawals` stored withdrawals[withdrawalHash] == 1.
    /// Once per withdrawal; reverts before finality, on a bad proof or an unrecorded withdrawal.
    function finalizeWithdrawal(
        uint256 superbatchIndex,
        uint256 chainId,
        Withdrawal calldata w,
        bytes[] calldata accountProof,
        bytes[] calldata storageProof
    ) external {
        bytes32 h = withdrawalHash(chainId, w);
        if (withdrawalFinalized[h]) revert AlreadyFinalized(h);
        _proveRecorded(superbatchIndex, chainId, h, accountProof, storageProof);
        withdrawalFinalized[h] = true;
        if (w.token == address(0)) {
            (bool ok,) = w.to.call{value: w.amount}("");
            if (!ok) revert TransferFailed();
        } else {
            IERC20(w.token).safeTransfer(w.to, w.amount);
        }
        emit WithdrawalFinalized(chainId, h, w.to, w.token, w.amount);
    }

    function _proveRecorded(
        uint256 superbatchIndex,
        uint256 chainId,
        bytes32 h,
        bytes[] memory accountProof,
        bytes[] memory storageProof
    ) private view {
        bytes32 root = inbox.finalizedStateRoot(superbatchIndex, chainId);
        bytes32 slot = keccak256(abi.encode(h, withdrawalsBaseSlot));
        bytes32 value = L1MerkleTrieVerifier.proveStorageSlot(root, l2Withdrawals, slot, accountProof, storageProof);
        if (uint256(value) != 1) revert WithdrawalNotRecorded(h, value);
    }
}
