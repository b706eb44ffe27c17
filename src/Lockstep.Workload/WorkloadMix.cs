using System.Globalization;

namespace Lockstep.Workload;

/// <summary>
/// Shares of a workload in percent: plain ETH transfers, ERC20 transfers, cross-rollup burns and calls (honest),
/// and failing cross-rollup bundles (adversarial: a delivery that reverts, so the bundle is rejected and pays no fee).
/// </summary>
public sealed record WorkloadMix(int Plain, int Erc20, int Cross, int Failing)
{
    /// <summary>plain=50,erc20=20,cross=20,failing=10.</summary>
    public static readonly WorkloadMix Default = new(50, 20, 20, 10);

    /// <summary>Sum of the shares (100 for a parsed mix).</summary>
    public int Total => Plain + Erc20 + Cross + Failing;

    /// <summary>
    /// Parses <c>plain=50,erc20=20,cross=20,failing=10</c>: any subset of the four names, non-negative integers
    /// summing to 100; missing names are 0.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, bad number, repeated name, or shares not summing to 100.</exception>
    public static WorkloadMix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int plain = 0, erc20 = 0, cross = 0, failing = 0;
        var seen = new HashSet<string>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"mix entry '{part}' is not name=percent");
            string name = part[..eq].Trim().ToLowerInvariant();
            if (!int.TryParse(part[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v > 100)
                throw new ArgumentException($"mix entry '{part}': the share must be an integer in [0, 100]");
            if (!seen.Add(name)) throw new ArgumentException($"mix names '{name}' twice");
            switch (name)
            {
                case "plain": plain = v; break;
                case "erc20": erc20 = v; break;
                case "cross": cross = v; break;
                case "failing": failing = v; break;
                default: throw new ArgumentException($"mix entry '{part}': unknown kind '{name}' (plain, erc20, cross, failing)");
            }
        }
        var mix = new WorkloadMix(plain, erc20, cross, failing);
        if (mix.Total != 100) throw new ArgumentException($"mix shares sum to {mix.Total}, not 100");
        return mix;
    }

    /// <summary>
    /// This mix with a failing share of <paramref name="percent"/> (<c>--spam-share</c>): the honest shares keep their
    /// proportions and fill the rest (rounding goes to plain).
    /// </summary>
    /// <exception cref="ArgumentException">Percent outside [0, 100], or no honest share left to scale while honest room remains.</exception>
    public WorkloadMix WithFailing(int percent)
    {
        if (percent is < 0 or > 100) throw new ArgumentException($"the failing share must be in [0, 100], not {percent}");
        int honest = Plain + Erc20 + Cross, room = 100 - percent;
        if (honest == 0) return room == 0 ? new WorkloadMix(0, 0, 0, 100) : throw new ArgumentException("the mix has no honest share to scale");
        int erc20 = Erc20 * room / honest, cross = Cross * room / honest;
        return new WorkloadMix(room - erc20 - cross, erc20, cross, percent);
    }

    /// <inheritdoc/>
    public override string ToString() => $"plain={Plain},erc20={Erc20},cross={Cross},failing={Failing}";
}
