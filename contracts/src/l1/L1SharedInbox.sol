// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {L1MerkleTrieVerifier} from "./L1MerkleTrieVerifier.sol";

/// @notice What the inbox needs of the sequencer registry.
interface IL1SequencerSet {
    function isLeader(address who) external view returns (bool);
    function slash(address sequencer, address challenger) external returns (uint256 reward);
    function unbondDelay() external view returns (uint256);
}

/// @notice What the inbox needs of the bridge's deposit queue.
interface IL1DepositQueue {
    function depositCount() external view returns (uint256);
    function queueHashAt(uint256 count) external view returns (bytes32);
}

/// @title L1SharedInbox
/// @notice Settlement of one Lockstep rollup set: the leader posts, in ONE transaction, every rollup's batch data,
/// block range and claimed post-state root (a superbatch). Superbatches chain by hash; each is final after the
/// challenge window unless a shared fraud proof rejects it (and every later one) and slashes its submitter.
/// Trustless today: the cross-rollup invariant outboxRoot[Y] on X == inboxRoot[X] on Y against the claimed roots.
/// Not trustless: a wrong state root whose cross roots agree; `flagStateRoot` raises it and, with an arbiter
/// configured, pauses finality until the arbiter settles it (a state-transition proof replaces the arbiter later).
contract L1SharedInbox {
    /// @notice Deployment parameters.
    struct Config {
        address registry; // L1SequencerRegistry
        uint256[] chainIds; // the rollups of the set, in the order batches are posted
        uint256 challengeWindow; // seconds: 7 days on a real network, seconds on a devnet
        bool eager; // submit itself requires the cross-root proofs (the seed's alternative; a ZK rollup's shape)
        address messageTrees; // L2 MessageTrees address (the same on every rollup)
        uint256 outboxBaseSlot; // storage slot of MessageTrees' mapping outboxRoot(destination chain id)
        uint256 inboxBaseSlot; // storage slot of MessageTrees' mapping inboxRoot(source chain id)
        address arbiter; // settles state-root flags; address(0): flags are alarms only
        uint256 flagBond; // wei a flagger locks (only with an arbiter)
    }

    /// @notice One rollup's part of a superbatch as submitted: the data bytes are in the calldata itself.
    struct RollupBatch {
        uint64 firstBlock;
        uint64 lastBlock;
        bytes32 stateRoot; // claimed state root after lastBlock
        bytes data; // compressed transactions of blocks firstBlock..lastBlock
    }

    /// @notice One rollup's part of a superbatch as committed and emitted (dataHash = keccak256(data)).
    struct RollupCommitment {
        uint256 chainId;
        uint64 firstBlock;
        uint64 lastBlock;
        bytes32 dataHash;
        bytes32 stateRoot;
    }

    /// @notice Eager-mode proofs for rollup i: MessageTrees' account proof against i's claimed root, and for every
    /// position j of the set (entry i itself is ignored, send it empty) the storage proofs of outboxRoot[chain j]
    /// and inboxRoot[chain j].
    struct RollupProofs {
        bytes[] accountProof;
        bytes[][] outboxProofs;
        bytes[][] inboxProofs;
    }

    struct Superbatch {
        bytes32 hash;
        address submitter;
        uint48 submittedAt;
        uint48 depositCount; // deposits consumed by this and all earlier superbatches
    }

    struct Flag {
        address flagger;
        uint96 bond;
        bool open;
    }

    IL1SequencerSet public immutable registry;
    uint256 public immutable challengeWindow;
    bool public immutable eager;
    address public immutable messageTrees;
    uint256 public immutable outboxBaseSlot;
    uint256 public immutable inboxBaseSlot;
    address public immutable arbiter;
    uint256 public immutable flagBond;
    address private immutable _deployer;

    uint256[] private _chainIds;
    mapping(uint256 => uint256) private _positionPlusOne; // chain id -> position in _chainIds + 1

    /// @notice The deposit queue (the bridge), set once by the deployer; superbatches consume it in order.
    IL1DepositQueue public depositQueue;
    /// @notice Number of live superbatches: indexes 0..superbatchCount-1 (a rejection truncates it).
    uint256 public superbatchCount;
    mapping(uint256 => Superbatch) private _superbatches;
    mapping(uint256 => mapping(uint256 => bytes32)) private _stateRoots; // index -> position -> claimed root
    mapping(uint256 => mapping(uint256 => uint256)) private _lastBlocks; // index -> position/4 -> 4 x uint64
    mapping(bytes32 => Flag) private _flags; // keccak(superbatch hash, chain id)
    uint256 public openFlags;
    /// @notice While flags are open, superbatches from this index on do not finalize.
    uint256 public pausedFrom = type(uint256).max;

    event SuperbatchSubmitted(
        uint256 indexed index,
        bytes32 indexed superbatchHash,
        address indexed submitter,
        bytes32 parentHash,
        uint256 depositCount,
        bytes32 depositQueueHash,
        RollupCommitment[] rollups
    );
    event SuperbatchesRejected(uint256 indexed fromIndex, uint256 toIndexExclusive, address indexed challenger);
    event FraudProven(
        uint256 indexed index, uint256 chainX, uint256 chainY, bytes32 outboxRoot, bytes32 inboxRoot, address challenger
    );
    event SequencerSlashed(uint256 indexed index, address indexed sequencer, address indexed challenger, uint256 reward);
    event StateRootFlagged(
        uint256 indexed index, uint256 indexed chainId, address indexed flagger, bytes32 claimedRoot, bytes32 expectedRoot
    );
    event FlagResolved(uint256 indexed index, uint256 indexed chainId, bool upheld);

    error NotLeader(address caller);
    error WrongIndex(uint256 given, uint256 expected);
    error WrongParent(bytes32 given, bytes32 expected);
    error WrongRollupCount(uint256 given, uint256 expected);
    error NotContiguous(uint256 chainId, uint256 firstBlock, uint256 expectedFirst);
    error EmptyRange(uint256 chainId);
    error ZeroStateRoot(uint256 chainId);
    error BadDepositCount(uint256 given, uint256 minimum, uint256 maximum);
    error EagerProofsMissing();
    error EagerProofsNotExpected();
    error UnequalRoots(uint256 chainX, uint256 chainY, bytes32 outboxRoot, bytes32 inboxRoot);
    error UnknownSuperbatch(uint256 index);
    error WindowClosed(uint256 index);
    error UnknownRollup(uint256 chainId);
    error SameRollup();
    error RootsEqual(bytes32 root);
    error NotFinalized(uint256 index);
    error OnlyDeployer();
    error OnlyArbiter();
    error AlreadySet();
    error BadConfig();
    error BadFlag();
    error TransferFailed();

    constructor(Config memory config) {
        uint256 n = config.chainIds.length;
        if (n == 0 || config.registry == address(0) || config.flagBond > type(uint96).max) revert BadConfig();
        // A bond must stay slashable for the whole window of every superbatch its owner posted.
        if (IL1SequencerSet(config.registry).unbondDelay() < config.challengeWindow) revert BadConfig();
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = config.chainIds[i];
            if (id == 0 || _positionPlusOne[id] != 0) revert BadConfig();
            _positionPlusOne[id] = i + 1;
        }
        _chainIds = config.chainIds;
        registry = IL1SequencerSet(config.registry);
        challengeWindow = config.challengeWindow;
        eager = config.eager;
        messageTrees = config.messageTrees;
        outboxBaseSlot = config.outboxBaseSlot;
        inboxBaseSlot = config.inboxBaseSlot;
        arbiter = config.arbiter;
        flagBond = config.flagBond;
        _deployer = msg.sender;
    }

    /// @notice Sets the bridge whose deposit queue superbatches consume; once, by the deployer.
    function setDepositQueue(address queue) external {
        if (msg.sender != _deployer) revert OnlyDeployer();
        if (address(depositQueue) != address(0)) revert AlreadySet();
        depositQueue = IL1DepositQueue(queue);
    }

    // ---------------------------------------------------------------- submission

    /// @notice Posts superbatch `index`: for every rollup of the set (in `chainIds` order) its block range, batch
    /// data and claimed post-state root, and the deposit queue position consumed so far. Only the current leader.
    /// `eagerProofs` must be empty unless the inbox is in eager mode (then one entry per rollup).
    function submit(
        uint256 index,
        bytes32 parentHash,
        uint256 depositCount,
        RollupBatch[] calldata batches,
        RollupProofs[] calldata eagerProofs
    ) external {
        if (!registry.isLeader(msg.sender)) revert NotLeader(msg.sender);
        if (index != superbatchCount) revert WrongIndex(index, superbatchCount);
        bytes32 expectedParent = index == 0 ? bytes32(0) : _superbatches[index - 1].hash;
        if (parentHash != expectedParent) revert WrongParent(parentHash, expectedParent);
        bytes32 queueHash = _consumeDeposits(index, depositCount);
        RollupCommitment[] memory commitments = _commit(index, batches);
        if (eager) {
            if (eagerProofs.length != commitments.length) revert EagerProofsMissing();
            _checkCrossRoots(commitments, eagerProofs);
        } else if (eagerProofs.length != 0) {
            revert EagerProofsNotExpected();
        }
        bytes32 hash = keccak256(abi.encode(index, parentHash, depositCount, queueHash, commitments));
        _superbatches[index] = Superbatch(hash, msg.sender, uint48(block.timestamp), uint48(depositCount));
        superbatchCount = index + 1;
        emit SuperbatchSubmitted(index, hash, msg.sender, parentHash, depositCount, queueHash, commitments);
    }

    function _consumeDeposits(uint256 index, uint256 depositCount) private view returns (bytes32) {
        uint256 previous = index == 0 ? 0 : _superbatches[index - 1].depositCount;
        IL1DepositQueue queue = depositQueue;
        uint256 available = address(queue) == address(0) ? 0 : queue.depositCount();
        if (depositCount < previous || depositCount > available) {
            revert BadDepositCount(depositCount, previous, available);
        }
        return depositCount == 0 ? bytes32(0) : queue.queueHashAt(depositCount);
    }

    function _commit(uint256 index, RollupBatch[] calldata batches) private returns (RollupCommitment[] memory c) {
        uint256 n = _chainIds.length;
        if (batches.length != n) revert WrongRollupCount(batches.length, n);
        c = new RollupCommitment[](n);
        for (uint256 i = 0; i < n; ++i) {
            RollupBatch calldata b = batches[i];
            uint256 chainId = _chainIds[i];
            uint256 expectedFirst = (index == 0 ? 0 : _lastBlock(index - 1, i)) + 1;
            if (b.firstBlock != expectedFirst) revert NotContiguous(chainId, b.firstBlock, expectedFirst);
            if (b.lastBlock < b.firstBlock) revert EmptyRange(chainId);
            if (b.stateRoot == bytes32(0)) revert ZeroStateRoot(chainId);
            // The inbox hashes the data itself: the commitment is to bytes really posted in this calldata.
            c[i] = RollupCommitment(chainId, b.firstBlock, b.lastBlock, keccak256(b.data), b.stateRoot);
            _stateRoots[index][i] = b.stateRoot;
        }
        _storeLastBlocks(index, c);
    }

    function _storeLastBlocks(uint256 index, RollupCommitment[] memory c) private {
        uint256 n = c.length;
        for (uint256 word = 0; word * 4 < n; ++word) {
            uint256 packed;
            for (uint256 lane = 0; lane < 4 && word * 4 + lane < n; ++lane) {
                packed |= uint256(c[word * 4 + lane].lastBlock) << (64 * lane);
            }
            _lastBlocks[index][word] = packed;
        }
    }

    function _lastBlock(uint256 index, uint256 position) private view returns (uint64) {
        return uint64(_lastBlocks[index][position / 4] >> (64 * (position % 4)));
    }

    /// @dev Eager mode: proves every rollup's outbox and inbox roots against the claimed roots and requires
    /// outboxRoot[Y] on X == inboxRoot[X] on Y for every ordered pair.
    function _checkCrossRoots(RollupCommitment[] memory c, RollupProofs[] calldata proofs) private view {
        uint256 n = c.length;
        bytes32[] memory outbox = new bytes32[](n * n);
        bytes32[] memory inbox = new bytes32[](n * n);
        for (uint256 i = 0; i < n; ++i) {
            _proveRollupRoots(i, c[i].stateRoot, proofs[i], outbox, inbox);
        }
        for (uint256 x = 0; x < n; ++x) {
            for (uint256 y = 0; y < n; ++y) {
                if (x != y && outbox[x * n + y] != inbox[y * n + x]) {
                    revert UnequalRoots(c[x].chainId, c[y].chainId, outbox[x * n + y], inbox[y * n + x]);
                }
            }
        }
    }

    function _proveRollupRoots(
        uint256 i,
        bytes32 stateRoot,
        RollupProofs calldata p,
        bytes32[] memory outbox,
        bytes32[] memory inbox
    ) private view {
        uint256 n = _chainIds.length;
        if (p.outboxProofs.length != n || p.inboxProofs.length != n) revert EagerProofsMissing();
        bytes32 storageRoot = L1MerkleTrieVerifier.storageRootOf(stateRoot, messageTrees, p.accountProof);
        for (uint256 j = 0; j < n; ++j) {
            if (j == i) continue;
            uint256 other = _chainIds[j];
            outbox[i * n + j] = L1MerkleTrieVerifier.storageValue(storageRoot, outboxSlot(other), p.outboxProofs[j]);
            inbox[i * n + j] = L1MerkleTrieVerifier.storageValue(storageRoot, inboxSlot(other), p.inboxProofs[j]);
        }
    }

    // ---------------------------------------------------------------- shared fraud proof

    /// @notice The shared fraud proof (seed: "Shared Fraud Proofs"): proves, against superbatch `index`'s claimed
    /// state roots, MessageTrees' outboxRoot[chainY] on chainX and inboxRoot[chainX] on chainY. If the proofs verify
    /// and the roots differ, the superbatch and every later one are rejected and the submitter is slashed, its reward
    /// paid to the caller. Reverts (changing nothing) on bad proofs, equal roots, a closed window or an unknown or
    /// already rejected superbatch.
    function challenge(
        uint256 index,
        uint256 chainX,
        uint256 chainY,
        bytes[] memory accountProofX,
        bytes[] memory storageProofX,
        bytes[] memory accountProofY,
        bytes[] memory storageProofY
    ) external {
        _requireOpen(index);
        if (chainX == chainY) revert SameRollup();
        bytes32 rootX = _stateRoots[index][_position(chainX)];
        bytes32 rootY = _stateRoots[index][_position(chainY)];
        bytes32 outboxRoot =
            L1MerkleTrieVerifier.proveStorageSlot(rootX, messageTrees, outboxSlot(chainY), accountProofX, storageProofX);
        bytes32 inboxRoot =
            L1MerkleTrieVerifier.proveStorageSlot(rootY, messageTrees, inboxSlot(chainX), accountProofY, storageProofY);
        if (outboxRoot == inboxRoot) revert RootsEqual(outboxRoot);
        emit FraudProven(index, chainX, chainY, outboxRoot, inboxRoot, msg.sender);
        _reject(index, msg.sender);
    }

    function _requireOpen(uint256 index) private view {
        if (index >= superbatchCount) revert UnknownSuperbatch(index);
        if (block.timestamp >= uint256(_superbatches[index].submittedAt) + challengeWindow) revert WindowClosed(index);
    }

    /// @dev Rejects superbatch `index` and all later ones and slashes its submitter. State first, then the registry
    /// (which pays the challenger).
    function _reject(uint256 index, address challenger) private {
        address submitter = _superbatches[index].submitter;
        uint256 count = superbatchCount;
        superbatchCount = index;
        emit SuperbatchesRejected(index, count, challenger);
        uint256 reward = registry.slash(submitter, challenger);
        emit SequencerSlashed(index, submitter, challenger, reward);
    }

    // ---------------------------------------------------------------- state-root disputes (not trustless)

    /// @notice Raises an alarm that superbatch `index` claims a wrong state root for `chainId` (the caller, e.g. a
    /// verifier, computed `expectedRoot`). Inside the window only. With an arbiter configured the caller locks
    /// `flagBond` and finality pauses from `index` on until the arbiter resolves every open flag; without one the
    /// flag is an on-chain alarm only (send no value). L1 cannot check a state transition yet: see docs/l1-contracts.md.
    function flagStateRoot(uint256 index, uint256 chainId, bytes32 expectedRoot) external payable {
        _requireOpen(index);
        uint256 position = _position(chainId);
        bytes32 claimed = _stateRoots[index][position];
        if (expectedRoot == claimed) revert BadFlag();
        if (arbiter == address(0)) {
            if (msg.value != 0) revert BadFlag();
        } else {
            if (msg.value != flagBond) revert BadFlag();
            bytes32 id = keccak256(abi.encode(_superbatches[index].hash, chainId));
            if (_flags[id].flagger != address(0)) revert BadFlag();
            _flags[id] = Flag(msg.sender, uint96(msg.value), true);
            ++openFlags;
            if (index < pausedFrom) pausedFrom = index;
        }
        emit StateRootFlagged(index, chainId, msg.sender, claimed, expectedRoot);
    }

    /// @notice The arbiter settles a flag on superbatch `index` (identified by its hash). Upheld: the superbatch and
    /// its successors are rejected (if still live), the submitter slashed (reward to the flagger) and the flag bond
    /// returned. Dismissed: the flag bond goes to the submitter. Finality resumes when no flag is open.
    function resolveFlag(uint256 index, bytes32 superbatchHash, uint256 chainId, bool upheld) external {
        if (msg.sender != arbiter) revert OnlyArbiter();
        bytes32 id = keccak256(abi.encode(superbatchHash, chainId));
        Flag memory flag = _flags[id];
        if (!flag.open) revert BadFlag();
        _flags[id].open = false;
        if (--openFlags == 0) pausedFrom = type(uint256).max;
        bool live = index < superbatchCount && _superbatches[index].hash == superbatchHash;
        emit FlagResolved(index, chainId, upheld);
        address payee = flag.flagger;
        if (upheld) {
            if (live) _reject(index, flag.flagger);
        } else {
            payee = live ? _superbatches[index].submitter : flag.flagger;
        }
        if (flag.bond != 0) {
            (bool ok,) = payee.call{value: flag.bond}("");
            if (!ok) revert TransferFailed();
        }
    }

    // ---------------------------------------------------------------- views

    /// @notice Whether superbatch `index` is live, its window is over and no open flag pauses it.
    function isFinalized(uint256 index) public view returns (bool) {
        if (index >= superbatchCount) return false;
        if (block.timestamp < uint256(_superbatches[index].submittedAt) + challengeWindow) return false;
        return openFlags == 0 || index < pausedFrom;
    }

    /// @notice The claimed state root of `chainId` in finalized superbatch `index`; reverts when not finalized.
    function finalizedStateRoot(uint256 index, uint256 chainId) external view returns (bytes32) {
        if (!isFinalized(index)) revert NotFinalized(index);
        return _stateRoots[index][_position(chainId)];
    }

    /// @notice The claimed state root of `chainId` in live superbatch `index` (final or not).
    function stateRootOf(uint256 index, uint256 chainId) external view returns (bytes32) {
        if (index >= superbatchCount) revert UnknownSuperbatch(index);
        return _stateRoots[index][_position(chainId)];
    }

    /// @notice The last L2 block of `chainId` covered by live superbatch `index`.
    function lastBlockOf(uint256 index, uint256 chainId) external view returns (uint64) {
        if (index >= superbatchCount) revert UnknownSuperbatch(index);
        return _lastBlock(index, _position(chainId));
    }

    /// @notice Live superbatch `index`: hash, submitter, submission time and deposits consumed through it.
    function superbatch(uint256 index) external view returns (Superbatch memory) {
        if (index >= superbatchCount) revert UnknownSuperbatch(index);
        return _superbatches[index];
    }

    /// @notice The hash the next superbatch must name as its parent (zero before the first).
    function tipHash() external view returns (bytes32) {
        uint256 n = superbatchCount;
        return n == 0 ? bytes32(0) : _superbatches[n - 1].hash;
    }

    /// @notice The rollups of the set in posting order.
    function chainIds() external view returns (uint256[] memory) {
        return _chainIds;
    }

    /// @notice Whether `chainId` is a rollup of the set.
    function isRollup(uint256 chainId) external view returns (bool) {
        return _positionPlusOne[chainId] != 0;
    }

    /// @notice MessageTrees' storage slot of outboxRoot[destination]: keccak256(abi.encode(key, baseSlot)).
    function outboxSlot(uint256 destinationChainId) public view returns (bytes32) {
        return keccak256(abi.encode(destinationChainId, outboxBaseSlot));
    }

    /// @notice MessageTrees' storage slot of inboxRoot[source]: keccak256(abi.encode(key, baseSlot)).
    function inboxSlot(uint256 sourceChainId) public view returns (bytes32) {
        return keccak256(abi.encode(sourceChainId, inboxBaseSlot));
    }

    function _position(uint256 chainId) private view returns (uint256) {
        uint256 p = _positionPlusOne[chainId];
        if (p == 0) revert UnknownRollup(chainId);
        return p - 1;
    }
}
