// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SystemAddresses} from "./SystemAddresses.sol";

/// @notice What MintBurn needs of a bridgeable token: mint and burn hooks that only MintBurn may call.
interface IBridgeableToken {
    /// @notice Mints `amount` to `to` for a cross-rollup message; reverts when minting is paused or over the cap.
    function bridgeMint(address to, uint256 amount) external;
    /// @notice Burns `amount` of `from`'s balance for a cross-rollup message; reverts when the balance is short.
    function bridgeBurn(address from, uint256 amount) external;
}

/// @title "Lockstep Token" (LST), the cross-rollup ERC20 predeployed at 0x…1004 on every rollup (docs/protocol.md).
/// @notice An ordinary ERC20 (OpenZeppelin 5.1) whose supply is one number across the set: the initial supply is
///         minted in genesis on one rollup only, and MintBurn moves it between rollups by burning on the source and
///         minting on the destination, so the sum of the rollups' totalSupply never changes. totalSupply() is this
///         rollup's share. No constructor runs (the runtime code is placed in genesis): name and symbol are
///         constants and the settings below are genesis storage.
///         Storage: slots 0-4 OpenZeppelin ERC20 (0 balances, 1 allowances, 2 totalSupply, 3-4 unused name/symbol),
///         slot 5 `admin` (low 20 bytes) and `paused` (byte 20, packed by solc), slot 6 `mintCap`.
contract CrossRollupToken is ERC20, IBridgeableToken {
    /// @notice May pause bridge minting, set the mint cap and hand over the role (set in genesis).
    address public admin;
    /// @notice While true, bridgeMint reverts: messages carrying this token cannot be delivered here.
    bool public paused;
    /// @notice Upper bound on this rollup's totalSupply after a bridge mint; 0 means no cap.
    uint256 public mintCap;

    /// @notice The caller is not MintBurn.
    error OnlyMintBurn(address caller);
    /// @notice The caller is not the admin.
    error OnlyAdmin(address caller);
    /// @notice Bridge minting is paused on this rollup.
    error MintPaused();
    /// @notice The mint would take this rollup's supply over the cap.
    error MintCapExceeded(uint256 supplyAfter, uint256 cap);

    /// @notice Bridge minting was paused or resumed.
    event PausedSet(bool paused);
    /// @notice The mint cap changed.
    event MintCapSet(uint256 cap);
    /// @notice The admin role moved.
    event AdminSet(address admin);

    constructor() ERC20("", "") {}

    /// @inheritdoc ERC20
    function name() public pure override returns (string memory) { return "Lockstep Token"; }

    /// @inheritdoc ERC20
    function symbol() public pure override returns (string memory) { return "LST"; }

    /// @inheritdoc IBridgeableToken
    function bridgeMint(address to, uint256 amount) external {
        if (msg.sender != SystemAddresses.MINT_BURN && msg.sender != address(0x1005)) revert OnlyMintBurn(msg.sender); // 0x…1005: L2Bridge (deposits, withdrawals)
        if (paused) revert MintPaused();
        _mint(to, amount);
        uint256 cap = mintCap;
        if (cap != 0 && totalSupply() > cap) revert MintCapExceeded(totalSupply(), cap);
    }

    /// @inheritdoc IBridgeableToken
    function bridgeBurn(address from, uint256 amount) external {
        if (msg.sender != SystemAddresses.MINT_BURN && msg.sender != address(0x1005)) revert OnlyMintBurn(msg.sender); // 0x…1005: L2Bridge (deposits, withdrawals)
        _burn(from, amount);
    }

    /// @notice Pauses (true) or resumes (false) bridge minting on this rollup.
    function setPaused(bool value) external {
        if (msg.sender != admin) revert OnlyAdmin(msg.sender);
        paused = value;
        emit PausedSet(value);
    }

    /// @notice Sets the cap on this rollup's supply after a bridge mint (0: no cap).
    function setMintCap(uint256 cap) external {
        if (msg.sender != admin) revert OnlyAdmin(msg.sender);
        mintCap = cap;
        emit MintCapSet(cap);
    }

    /// @notice Hands the admin role to `newAdmin`.
    function setAdmin(address newAdmin) external {
        if (msg.sender != admin) revert OnlyAdmin(msg.sender);
        admin = newAdmin;
        emit AdminSet(newAdmin);
    }
}
