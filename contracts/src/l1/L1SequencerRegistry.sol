// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title L1SequencerRegistry
/// @notice The bonded sequencer set of one Lockstep rollup set and its leader schedule.
/// - Bond: `bond()` with at least `minBond` wei joins the active set (more later tops it up).
/// - Leader: round robin over the active set per epoch of `epochLength` L1 blocks:
///   `active[(block.number / epochLength) % active.length]`. One bonded sequencer is always the leader. Removing a
///   sequencer moves the last one into its place, so the order can change when the set changes.
/// - Unbond: `requestUnbond()` leaves the active set at once (no more leadership) and starts `unbondDelay`
///   seconds; `withdrawBond()` after that. The delay is at least the inbox's challenge window, so a bond stays
///   slashable for every superbatch its owner submitted.
/// - Slash: only the inbox, on a successful fraud proof. `rewardBps` of the bond goes to the challenger; the rest is
///   burned (locked in this contract forever, counted in `burned`). The sequencer is removed and cannot rejoin.
contract L1SequencerRegistry {
    /// @notice Bond state of one sequencer.
    struct Bond {
        uint256 amount; // wei held for this sequencer
        uint64 unbondableAt; // 0 while active; else the time withdrawBond() opens
        uint32 activeIndex; // position in `active` plus one, 0 when not active
        bool slashed; // slashed sequencers may never bond again
    }

    uint256 public immutable minBond;
    uint256 public immutable unbondDelay;
    uint256 public immutable epochLength;
    uint256 public immutable rewardBps;
    address private immutable _deployer;

    /// @notice The shared inbox, the only caller of `slash` (set once by the deployer).
    address public inbox;
    /// @notice Wei of slashed bonds not paid to challengers: locked here forever.
    uint256 public burned;
    mapping(address => Bond) public bonds;
    address[] private _active;

    event Bonded(address indexed sequencer, uint256 amount, uint256 total);
    event UnbondRequested(address indexed sequencer, uint256 unbondableAt);
    event BondWithdrawn(address indexed sequencer, uint256 amount);
    event Slashed(address indexed sequencer, address indexed challenger, uint256 reward, uint256 burned);

    error BondTooSmall(uint256 sent, uint256 minimum);
    error SequencerSlashed(address sequencer);
    error Unbonding(address sequencer);
    error NotActive(address sequencer);
    error NotUnbonding(address sequencer);
    error UnbondDelayNotOver(uint256 now_, uint256 unbondableAt);
    error OnlyInbox();
    error OnlyDeployer();
    error InboxAlreadySet();
    error TransferFailed();
    error BadConfig();

    constructor(uint256 minBond_, uint256 unbondDelay_, uint256 epochLength_, uint256 rewardBps_) {
        if (minBond_ == 0 || epochLength_ == 0 || rewardBps_ > 10_000) revert BadConfig();
        minBond = minBond_;
        unbondDelay = unbondDelay_;
        epochLength = epochLength_;
        rewardBps = rewardBps_;
        _deployer = msg.sender;
    }

    /// @notice Sets the inbox allowed to slash; once, by the deployer (the inbox is deployed after the registry).
    function setInbox(address inbox_) external {
        if (msg.sender != _deployer) revert OnlyDeployer();
        if (inbox != address(0)) revert InboxAlreadySet();
        inbox = inbox_;
    }

    /// @notice Joins the active set with at least `minBond`, or adds to an active bond.
    function bond() external payable {
        Bond storage b = bonds[msg.sender];
        if (b.slashed) revert SequencerSlashed(msg.sender);
        if (b.unbondableAt != 0) revert Unbonding(msg.sender);
        if (b.activeIndex == 0) {
            if (msg.value < minBond) revert BondTooSmall(msg.value, minBond);
            _active.push(msg.sender);
            b.activeIndex = uint32(_active.length);
        }
        b.amount += msg.value;
        emit Bonded(msg.sender, msg.value, b.amount);
    }

    /// @notice Leaves the active set now; the bond can be withdrawn `unbondDelay` seconds later.
    function requestUnbond() external {
        Bond storage b = bonds[msg.sender];
        if (b.activeIndex == 0) revert NotActive(msg.sender);
        _removeActive(b);
        b.unbondableAt = uint64(block.timestamp + unbondDelay);
        emit UnbondRequested(msg.sender, b.unbondableAt);
    }

    /// @notice Pays an unbonded sequencer its bond once the delay is over.
    function withdrawBond() external {
        Bond storage b = bonds[msg.sender];
        if (b.unbondableAt == 0 || b.amount == 0) revert NotUnbonding(msg.sender);
        if (block.timestamp < b.unbondableAt) revert UnbondDelayNotOver(block.timestamp, b.unbondableAt);
        uint256 amount = b.amount;
        b.amount = 0;
        b.unbondableAt = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
        emit BondWithdrawn(msg.sender, amount);
    }

    /// @notice Slashes `sequencer` after a successful fraud proof: pays the challenger its share, burns the rest and
    /// removes the sequencer. Returns the reward (0 when nothing is left to slash, e.g. already slashed).
    function slash(address sequencer, address challenger) external returns (uint256 reward) {
        if (msg.sender != inbox) revert OnlyInbox();
        Bond storage b = bonds[sequencer];
        if (b.activeIndex != 0) _removeActive(b);
        b.slashed = true;
        uint256 amount = b.amount;
        b.amount = 0;
        reward = (amount * rewardBps) / 10_000;
        burned += amount - reward;
        emit Slashed(sequencer, challenger, reward, amount - reward);
        if (reward != 0) {
            (bool ok,) = challenger.call{value: reward}("");
            if (!ok) revert TransferFailed();
        }
    }

    /// @notice The sequencer allowed to submit now, or address(0) when no one is bonded.
    function currentLeader() public view returns (address) {
        uint256 n = _active.length;
        if (n == 0) return address(0);
        return _active[(block.number / epochLength) % n];
    }

    /// @notice Whether `who` is the current leader.
    function isLeader(address who) external view returns (bool) {
        return who != address(0) && who == currentLeader();
    }

    /// @notice The active (bonded, not unbonding) sequencers in schedule order.
    function activeSequencers() external view returns (address[] memory) {
        return _active;
    }

    function _removeActive(Bond storage b) private {
        uint256 i = b.activeIndex - 1;
        address last = _active[_active.length - 1];
        _active[i] = last;
        bonds[last].activeIndex = uint32(i + 1);
        _active.pop();
        b.activeIndex = 0;
    }
}
