using System.Globalization;
using Lockstep.Sequencer;
using Lockstep.Settlement;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's fault injection (issue 6 and 7: a cheating sequencer for demonstrations and tests): the text form of
/// <see cref="InjectedFault"/> (<c>--inject-fault drop-mint@2</c>) and the dev-mode rule that refuses it on an L1
/// that is not a development chain. The faults themselves are <see cref="FaultInjector"/>'s (Lockstep.Sequencer).
/// </summary>
public static class DevnetFaults
{
    /// <summary>
    /// Chain ids of L1s a devnet may cheat on: 900 (the embedded L1), 31337 (anvil and Hardhat), 1337 (geth --dev,
    /// Ganache). A public L1 or testnet would see a real bond slashed and a real challenge game played.
    /// </summary>
    public static readonly IReadOnlyList<ulong> DevL1ChainIds = [EmbeddedL1ChainId, 31337, 1337];

    /// <summary>The embedded L1's chain id.</summary>
    public const ulong EmbeddedL1ChainId = 900;

    /// <summary>The kinds' names as typed: <c>drop-mint</c>, <c>mint-without-burn</c>, <c>reorder-messages</c>, <c>forge-state-root</c>.</summary>
    /// Indexed by <see cref="FaultKind"/>: every kind the injector knows has a name (a test checks the two stay in step).
    public static readonly IReadOnlyList<string> KindNames =
    [
        "drop-mint", "mint-without-burn", "reorder-messages", "forge-state-root",
        "drop-deposit", "forge-deposit", "reorder-deposits", "misattribute-delivery", "skip-fold",
    ];

    /// <summary>The usage line of the text form.</summary>
    public const string Syntax = "KIND@HEIGHT[:CHAINID][,...] with KIND one of drop-mint, mint-without-burn, reorder-messages, "
        + "forge-state-root, drop-deposit, forge-deposit, reorder-deposits, misattribute-delivery, skip-fold";

    /// <summary>
    /// Parses <c>KIND@HEIGHT[:CHAINID]</c>, several separated by commas (<c>drop-mint@2,forge-state-root@5:902</c>).
    /// HEIGHT is the superblock to cheat on (at least 1); CHAINID the rollup (default: the kind's own choice,
    /// see <see cref="InjectedFault"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The text is not of that form; the message names the offending part.</exception>
    public static IReadOnlyList<InjectedFault> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var faults = new List<InjectedFault>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int at = raw.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0) throw new ArgumentException($"fault '{raw}': expected {Syntax}");
            int index = IndexOfKind(raw[..at]);
            if (index < 0)
                throw new ArgumentException($"fault '{raw}': unknown kind '{raw[..at]}' (kinds: {string.Join(", ", KindNames)})");
            var kind = (FaultKind)index;
            string rest = raw[(at + 1)..];
            int colon = rest.IndexOf(':', StringComparison.Ordinal);
            string heightText = colon < 0 ? rest : rest[..colon];
            // Superblock 0 is the genesis: nothing is built there, so a fault at 0 would silently never fire.
            if (!ulong.TryParse(heightText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong height) || height == 0)
                throw new ArgumentException($"fault '{raw}': the height must be a superblock number of at least 1");
            ulong? chainId = null;
            if (colon >= 0)
            {
                if (!ulong.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) || id == 0)
                    throw new ArgumentException($"fault '{raw}': the chain id after ':' must be a positive integer");
                chainId = id;
            }
            faults.Add(new InjectedFault(kind, height, chainId));
        }
        if (faults.Count == 0) throw new ArgumentException($"no fault given: expected {Syntax}");
        return faults;
    }

    private static int IndexOfKind(string name)
    {
        for (int i = 0; i < KindNames.Count; i++)
            if (string.Equals(KindNames[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>The text form of <paramref name="faults"/> (what <see cref="Parse"/> reads back).</summary>
    public static string Format(IEnumerable<InjectedFault> faults) =>
        string.Join(",", faults.Select(f => KindNames[(int)f.Kind] + "@" + f.Height.ToString(CultureInfo.InvariantCulture)
            + (f.ChainId is { } c ? ":" + c.ToString(CultureInfo.InvariantCulture) : "")));

    /// <summary>
    /// Checks the dev-mode rule for <paramref name="options"/> and returns the armed injector (null without faults):
    /// faults need an L1 that is a development chain (embedded, none, or an external L1 whose <c>eth_chainId</c> is in
    /// <see cref="DevL1ChainIds"/>) and rollup ids of the set.
    /// </summary>
    /// <exception cref="InvalidOperationException">Faults armed against an L1 that is not a development chain.</exception>
    /// <exception cref="ArgumentException">A fault names a chain id outside the set.</exception>
    internal static async Task<FaultInjector?> ArmAsync(DevnetOptions options, CancellationToken cancel)
    {
        if (options.Faults is not { Count: > 0 } faults) return null;
        foreach (InjectedFault f in faults)
            if (f.ChainId is { } id && (id < options.FirstChainId || id >= options.FirstChainId + (ulong)options.Rollups))
                throw new ArgumentException($"--inject-fault {Format([f])}: chain {id} is not a rollup of this set ({options.FirstChainId}..{options.FirstChainId + (ulong)options.Rollups - 1})");
        if (options.L1Rpc is { } rpc)
        {
            using var l1 = new JsonRpcL1Client(rpc);
            ulong l1ChainId;
            try { l1ChainId = await l1.GetChainIdAsync(cancel).ConfigureAwait(false); }
            catch (L1Exception e) { throw new InvalidOperationException($"--inject-fault needs the L1's chain id to check it is a development chain: {e.Message}", e); }
            if (!DevL1ChainIds.Contains(l1ChainId))
                throw new InvalidOperationException($"--inject-fault is refused: the L1 at {rpc} has chain id {l1ChainId}, not a development chain ({string.Join(", ", DevL1ChainIds)}); a cheating sequencer is for devnets only");
        }
        return new FaultInjector(devMode: true, faults);
    }
}
