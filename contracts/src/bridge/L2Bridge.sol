// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SystemAddresses} from "../system/SystemAddresses.sol";
import {IBridgeableToken} from "../system/CrossRollupToken.sol";

/// @title L2Bridge, the rollup side of L1Bridge, predeployed at 0x…1005 on every rollup (docs/settlement.md).
/// @notice Deposits: the sequencer derives every L1 `DepositQueued` event into a protocol transaction (type 0x7F,
///         from PROTOCOL_SENDER) calling `finalizeDeposit` at the start of the destination rollup's next block.
///         ETH is paid from this contract's reserve (genesis balance), the cross-rollup token (LST) is minted.
///         Withdrawals: `withdraw` takes ETH into the reserve or burns LST and records
///         `withdrawals[keccak256(abi.encode(chainid, nonce, from, to, l1Token, amount))] = 1`, which L1Bridge proves
///         with a storage proof against a finalized claimed state root (slot 3, below, is its constructor argument).
///         A deposit that cannot be paid (an ETH recipient refusing it, an L1 token other than the LST's, minting
///         paused or capped) is not lost: it is recorded as a withdrawal back to its L1 sender (a refund).
///         No constructor runs (runtime code in genesis). Storage: slot 0 `nextDepositIndex`, slot 1
///         `withdrawalCount`, slot 2 `l1Token` (genesis), slot 3 `withdrawals` mapping(bytes32 => uint256).
contract L2Bridge {
    /// @notice Every deposit index below this one was executed on this rollup or on another (indexes are global
    ///         across the set and executed in queue order), so a replay is refused.
    uint256 public nextDepositIndex;
    /// @notice Withdrawals recorded so far on this rollup (the next withdrawal's nonce).
    uint256 public withdrawalCount;
    /// @notice The L1 address of the cross-rollup token (L1LockstepToken); set in genesis.
    address public l1Token;
    /// @notice withdrawals[withdrawalHash] == 1 once recorded; the slot L1Bridge proves.
    mapping(bytes32 => uint256) public withdrawals;

    /// @notice A deposit was paid out on this rollup.
    event DepositFinalized(uint256 indexed depositIndex, address indexed from, address indexed to, address l1Token, uint256 amount);
    /// @notice A deposit could not be paid out; it became refund withdrawal `withdrawalNonce` to `from` on L1.
    event DepositRefunded(uint256 indexed depositIndex, uint256 indexed withdrawalNonce, bytes32 withdrawalHash, bytes reason);
    /// @notice A withdrawal was recorded; L1Bridge.finalizeWithdrawal pays it once the superbatch is final.
    event WithdrawalInitiated(uint256 indexed nonce, bytes32 indexed withdrawalHash, address indexed from, address to,
        address l1Token, uint256 amount);

    /// @notice `finalizeDeposit` was called by someone other than PROTOCOL_SENDER.
    error OnlyProtocol(address caller);
    /// @notice The deposit index was already executed (or a later one was).
    error DepositReplayed(uint256 depositIndex, uint256 nextDepositIndex);
    /// @notice Zero amounts and the zero recipient are refused (L1Bridge would refuse them too).
    error InvalidWithdrawal();
    /// @notice Withdrawable: ETH (address(0)) with msg.value == amount, or the cross-rollup token without value.
    error NotWithdrawable(address token);

    /// @notice Executes deposit `depositIndex` from L1Bridge: pays `amount` of ETH (l1Token_ == address(0)) or mints
    ///         LST (l1Token_ == l1Token) to `to`. Only PROTOCOL_SENDER; refuses an index below `nextDepositIndex`.
    ///         `data` is carried for the queue hash but not executed (an ETH payout gets the 2300 gas stipend only,
    ///         so it cannot write storage (EIP-2200) and thus cannot send a cross-rollup message the sequencer would
    ///         have to deliver). Failing payouts become refund withdrawals; this function never reverts otherwise.
    function finalizeDeposit(uint256 depositIndex, address from, address to, address l1Token_, uint256 amount, bytes calldata data)
        external
    {
        data; // committed on L1 (queue hash); calls on deposit are not supported yet
        if (msg.sender != SystemAddresses.PROTOCOL_SENDER) revert OnlyProtocol(msg.sender);
        if (depositIndex < nextDepositIndex) revert DepositReplayed(depositIndex, nextDepositIndex);
        nextDepositIndex = depositIndex + 1;
        bytes memory reason;
        bool paid;
        if (l1Token_ == address(0)) {
            // gas 0 + value: the callee gets exactly the 2300 stipend.
            (paid, reason) = to.call{value: amount, gas: 0}("");
        } else if (l1Token_ == l1Token && l1Token_ != address(0)) {
            try IBridgeableToken(SystemAddresses.CROSS_ROLLUP_TOKEN).bridgeMint(to, amount) {
                paid = true;
            } catch (bytes memory r) {
                reason = r;
            }
        } else {
            reason = abi.encodeWithSelector(NotWithdrawable.selector, l1Token_);
        }
        if (paid) {
            emit DepositFinalized(depositIndex, from, to, l1Token_, amount);
            return;
        }
        (uint256 nonce, bytes32 h) = _record(address(this), from, l1Token_, amount);
        emit DepositRefunded(depositIndex, nonce, h, reason);
    }

    /// @notice Withdraws to `to` on L1: ETH (`l2Token` == address(0), msg.value == amount, kept in the reserve) or
    ///         the cross-rollup token (`l2Token` == 0x…1004, burned from the caller). Returns the withdrawal nonce.
    function withdraw(address l2Token, address to, uint256 amount) external payable returns (uint256 nonce) {
        if (amount == 0 || to == address(0)) revert InvalidWithdrawal();
        address token;
        if (l2Token == address(0)) {
            if (msg.value != amount) revert InvalidWithdrawal();
        } else {
            token = l1Token;
            if (l2Token != SystemAddresses.CROSS_ROLLUP_TOKEN || msg.value != 0 || token == address(0)) {
                revert NotWithdrawable(l2Token);
            }
            IBridgeableToken(SystemAddresses.CROSS_ROLLUP_TOKEN).bridgeBurn(msg.sender, amount);
        }
        (nonce,) = _record(msg.sender, to, token, amount);
    }

    /// @notice The key L1Bridge checks: keccak256(abi.encode(chainid, nonce, from, to, token, amount)).
    function withdrawalHash(uint256 nonce, address from, address to, address token, uint256 amount)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, nonce, from, to, token, amount));
    }

    function _record(address from, address to, address token, uint256 amount) private returns (uint256 nonce, bytes32 h) {
        nonce = withdrawalCount;
        withdrawalCount = nonce + 1;
        h = withdrawalHash(nonce, from, to, token, amount);
        withdrawals[h] = 1;
        emit WithdrawalInitiated(nonce, h, from, to, token, amount);
    }
}
