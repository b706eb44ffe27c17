using System.Buffers.Binary;
using System.Text.Json;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Settlement;

namespace Lockstep.Verifier;

/// <summary>Settings of a <see cref="FlagArbiter"/>.</summary>
public sealed class ArbiterOptions
{
    /// <summary>The L1SharedInbox whose flags it settles (its <c>arbiter()</c> must be this key's address).</summary>
    public required Address Inbox { get; init; }

    /// <summary>The arbiter's funded L1 key (signs <c>resolveFlag</c>).</summary>
    public required byte[] ArbiterKey { get; init; }

    /// <summary>First L1 block to scan for flags (the inbox's deployment block, when known).</summary>
    public ulong FromL1Block { get; init; }

    /// <summary>Most L1 blocks per <c>eth_getLogs</c>.</summary>
    public ulong MaxLogRange { get; init; } = 5_000;

    /// <summary>Background loop period.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for the receipt of a <c>resolveFlag</c>.</summary>
    public TimeSpan ActionTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>The arbiter's decision on one state-root flag.</summary>
/// <param name="Index">The flagged superbatch's index.</param>
/// <param name="SuperbatchHash">The flagged submission (the live one at the flag's L1 block).</param>
/// <param name="ChainId">The rollup whose claimed root was flagged.</param>
/// <param name="Flagger">Who flagged it (and locked the flag bond).</param>
/// <param name="ClaimedRoot">The root the superbatch claims.</param>
/// <param name="OurRoot">The root the arbiter re-executed (null: not derivable, or not judged: the superbatch left L1 first).</param>
/// <param name="Upheld">Upheld: L1 rejects from <paramref name="Index"/> and slashes the submitter; dismissed: the flagger loses the bond.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record FlagRuling(ulong Index, Hash256 SuperbatchHash, ulong ChainId, Address Flagger, Hash256 ClaimedRoot, Hash256? OurRoot, bool Upheld, string Reason)
{
    /// <summary>The <c>resolveFlag</c> transaction, when sent.</summary>
    public Hash256? ActionTx { get; init; }

    /// <summary>Whether it succeeded on L1.</summary>
    public bool ActionSucceeded { get; init; }

    /// <summary>Why it failed (revert, L1 unreachable), if it did.</summary>
    public string? ActionError { get; init; }
}

/// <summary>
/// The state-root arbiter of L1SharedInbox (issue 6): the TRUSTED part of state-root disputes. It follows L1 with its own
/// <see cref="SetVerifier"/> (derivation from L1 data alone: it never takes the flagger's word), and for every open
/// <c>StateRootFlagged</c> it judges the flagged submission itself once its verifier reached it: the claimed root equal
/// to the root it re-executed -> dismissed (the flag bond goes to the submitter); different, or the batch not derivable
/// -> upheld (L1 rejects that superbatch and every later one and slashes the submitter, reward and bond to the flagger).
/// A flag whose superbatch left L1 before it was judged (rejected by a fraud proof) is resolved dismissed: the
/// contract returns the bond to the flagger then, and finality no longer waits for it. A flag on a superbatch its
/// verifier cannot reach (halted on an earlier bad one that L1 has not rejected) waits. L1 trusts this key: honest by
/// construction is all that backs it until a permissionless state-transition proof replaces it (docs/verifier.md).
/// </summary>
public sealed class FlagArbiter : IAsyncDisposable
{
    private readonly JsonRpcL1Client _l1;
    private readonly L1Access _access;
    private readonly SetVerifier _verifier;
    private readonly ArbiterOptions _options;
    private readonly Address _address;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    // Open flags in L1 order; removed once resolved (by us or seen resolved on L1), so the list stays small.
    private readonly List<(StateRootFlaggedEvent Flag, Hash256 SuperbatchHash)> _open = new();
    private ulong _nextL1Block;
    private bool _checkedRole;
    private Task? _loop;

    /// <summary>An arbiter judging with <paramref name="verifier"/> (its own: the arbiter drives its <see cref="SetVerifier.SyncAsync"/>).</summary>
    public FlagArbiter(JsonRpcL1Client l1, SetVerifier verifier, ArbiterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _l1 = l1;
        _access = new L1Access(l1);
        _verifier = verifier;
        _options = options;
        _address = Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(options.ArbiterKey);
        _nextL1Block = options.FromL1Block;
    }

    /// <summary>The arbiter's L1 address.</summary>
    public Address Address => _address;

    /// <summary>Flags seen on L1 and not resolved yet.</summary>
    public int OpenFlags
    {
        get { lock (_open) return _open.Count; }
    }

    /// <summary>Raised for every ruling, after its <c>resolveFlag</c> landed (or failed).</summary>
    public event Action<FlagRuling>? Ruled;

    /// <summary>Raised when a round of the background loop fails; the loop goes on.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Starts the background loop (<see cref="SyncAsync"/> every <see cref="ArbiterOptions.PollInterval"/>).</summary>
    public void Start()
    {
        _loop ??= PollLoop.Start(SyncAsync, _options.PollInterval, e => Failed?.Invoke(e), _stop.Token);
    }

    /// <summary>
    /// One round: the verifier follows L1, new flags and resolutions are read, and every open flag the verifier can
    /// judge is resolved on L1. Returns the rulings of this round.
    /// </summary>
    public async Task<IReadOnlyList<FlagRuling>> SyncAsync(CancellationToken cancel = default)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (!_checkedRole)
            {
                Address arbiter = new((await _l1.CallAsync(_options.Inbox, SharedInbox.Arbiter(), null, cancel).ConfigureAwait(false)).AsSpan(12, 20));
                if (arbiter != _address)
                    throw new InvalidOperationException($"the inbox {_options.Inbox} has arbiter {arbiter}, not this key's {_address}: it cannot resolve flags");
                _checkedRole = true;
            }
            await _verifier.SyncAsync(cancel).ConfigureAwait(false);
            await ScanAsync(cancel).ConfigureAwait(false);
            var rulings = new List<FlagRuling>();
            (StateRootFlaggedEvent Flag, Hash256 Hash)[] open;
            lock (_open) open = _open.ToArray();
            foreach ((StateRootFlaggedEvent flag, Hash256 hash) in open)
            {
                FlagRuling? ruling = await JudgeAsync(flag, hash, cancel).ConfigureAwait(false);
                if (ruling is null) continue; // its verifier has not reached it yet
                ruling = await ResolveAsync(ruling, cancel).ConfigureAwait(false);
                if (ruling.ActionSucceeded)
                    lock (_open) _open.RemoveAll(o => o.Flag == flag && o.SuperbatchHash == hash);
                rulings.Add(ruling);
                Ruled?.Invoke(ruling);
            }
            return rulings;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FlagRuling?> JudgeAsync(StateRootFlaggedEvent flag, Hash256 hash, CancellationToken cancel)
    {
        FlagRuling Ruling(Hash256? ours, bool upheld, string why) => new(flag.Index, hash, flag.ChainId, flag.Flagger, flag.ClaimedRoot, ours, upheld, why);

        SuperbatchVerdict? verdict = _verifier.Verdicts.Get(flag.Index, hash);
        if (verdict is { Kind: VerdictKind.Ok })
            return Ruling(flag.ClaimedRoot, false, $"re-executed chain {flag.ChainId} to the claimed root {flag.ClaimedRoot}: the flag is wrong");
        if (verdict is { Kind: VerdictKind.InvalidBatch })
            return Ruling(null, true, $"the batch cannot be derived, so no execution reaches the claimed root: {verdict.Detail}");
        if (await _verifier.ReexecutedRootAsync(flag.Index, hash, flag.ChainId, cancel).ConfigureAwait(false) is { } ours)
        {
            return ours == flag.ClaimedRoot
                ? Ruling(ours, false, $"re-executed chain {flag.ChainId} to the claimed root {ours} (the superbatch's fault, if any, is elsewhere: {verdict?.Kind})")
                : Ruling(ours, true, $"re-executed chain {flag.ChainId} to {ours}, the superbatch claims {flag.ClaimedRoot}");
        }
        // Not judged here: still live means the verifier has not reached it (behind, or halted on an earlier superbatch).
        if (await IsLiveAsync(flag.Index, hash, cancel).ConfigureAwait(false)) return null;
        if (verdict is { Kind: VerdictKind.StateRootMismatch } v && v.ChainX == flag.ChainId)
            return Ruling(v.Expected, true, $"re-executed chain {flag.ChainId} to {v.Expected}, the superbatch claimed {flag.ClaimedRoot} (already rejected on L1)");
        return Ruling(null, false, "the superbatch left L1 before it was judged (rejected by another dispute): the flag bond goes back to the flagger");
    }

    private async Task<FlagRuling> ResolveAsync(FlagRuling r, CancellationToken cancel)
    {
        byte[] data = SharedInbox.ResolveFlag(r.Index, r.SuperbatchHash, r.ChainId, r.Upheld);
        try
        {
            L1Receipt receipt = await _access.SendAsync(_options.ArbiterKey, _options.Inbox, data, UInt256.Zero, _options.ActionTimeout, cancel).ConfigureAwait(false);
            return r with { ActionTx = receipt.TransactionHash, ActionSucceeded = receipt.Succeeded, ActionError = receipt.Succeeded ? null : "reverted on L1" };
        }
        catch (L1Exception ex)
        {
            return r with { ActionError = ex.Message + (ex.RevertData is { } d ? " " + d : "") };
        }
    }

    /// <summary>Reads new <c>StateRootFlagged</c> / <c>FlagResolved</c> logs in L1 order: flags open, resolutions close.</summary>
    private async Task ScanAsync(CancellationToken cancel)
    {
        ulong tip = await _l1.GetBlockNumberAsync(cancel).ConfigureAwait(false);
        while (_nextL1Block <= tip)
        {
            ulong to = Math.Min(tip, _nextL1Block + _options.MaxLogRange - 1);
            foreach (L1Log log in await _l1.GetLogsAsync(_options.Inbox, _nextL1Block, to, null, cancel).ConfigureAwait(false))
            {
                if (StateRootFlaggedEvent.TryDecode(log.Topics, log.Data, out StateRootFlaggedEvent? flag))
                {
                    // The flag names the superbatch by index; the contract keys it by the hash live at that index when it
                    // was raised, read at the flag's own L1 block (a later rejection may have replaced it).
                    Hash256 hash = await LiveHashAtAsync(flag!.Index, log.BlockNumber, cancel).ConfigureAwait(false);
                    lock (_open) _open.Add((flag, hash));
                }
                else if (FlagResolvedEvent.TryDecode(log.Topics, log.Data, out FlagResolvedEvent? resolved))
                {
                    lock (_open)
                    {
                        int at = _open.FindIndex(o => o.Flag.Index == resolved!.Index && o.Flag.ChainId == resolved.ChainId);
                        if (at >= 0) _open.RemoveAt(at);
                    }
                }
            }
            _nextL1Block = to + 1;
        }
    }

    private async Task<Hash256> LiveHashAtAsync(ulong index, ulong l1Block, CancellationToken cancel)
    {
        var call = new Dictionary<string, string> { ["to"] = _options.Inbox.ToString(), ["data"] = Hex.Encode(SharedInbox.Superbatch(index)) };
        JsonElement r = await _l1.RequestAsync("eth_call", [call, "0x" + l1Block.ToString("x")], cancel).ConfigureAwait(false);
        return SharedInbox.DecodeSuperbatch(Hex.Decode(r.GetString()!)).Hash;
    }

    private async Task<bool> IsLiveAsync(ulong index, Hash256 hash, CancellationToken cancel)
    {
        byte[] count = await _l1.CallAsync(_options.Inbox, SharedInbox.SuperbatchCount(), null, cancel).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt64BigEndian(count.AsSpan(24)) <= index) return false;
        return SharedInbox.DecodeSuperbatch(await _l1.CallAsync(_options.Inbox, SharedInbox.Superbatch(index), null, cancel).ConfigureAwait(false)).Hash == hash;
    }

    /// <summary>Stops the loop (the verifier is the caller's to dispose).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        _stop.Dispose();
        _gate.Dispose();
    }
}
