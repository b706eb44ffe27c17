using System.Globalization;
using System.Text.RegularExpressions;

namespace Lockstep.Explorer.Tests;

/// <summary>One sample: metric name, labels, value.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4 written from the format's specification
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): every line is a comment (<c># HELP</c>,
/// <c># TYPE</c>) or a sample <c>name{label="value",...} value</c>; a <c># TYPE</c> comes before the samples of its
/// metric, at most once; histograms have cumulative <c>_bucket</c> samples ending in <c>le="+Inf"</c> equal to
/// <c>_count</c>. Throws <see cref="FormatException"/> on any violation.
/// </summary>
public static partial class PrometheusText
{
    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)( -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"\G([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\[\\""n])*)""(,|$)")]
    private static partial Regex Label();

    /// <summary>Parses <paramref name="text"/>; returns the declared types and the samples.</summary>
    public static (IReadOnlyDictionary<string, string> Types, IReadOnlyList<Sample> Samples) Parse(string text)
    {
        if (!text.EndsWith('\n')) throw new FormatException("the last line must end with a line feed");
        var types = new Dictionary<string, string>();
        var samples = new List<Sample>();
        var seenSamplesOf = new HashSet<string>();
        foreach (string line in text[..^1].Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                Match t = TypeLine().Match(line);
                if (t.Success)
                {
                    string family = t.Groups[1].Value;
                    if (!types.TryAdd(family, t.Groups[2].Value)) throw new FormatException($"second TYPE for {family}");
                    if (seenSamplesOf.Contains(family)) throw new FormatException($"TYPE for {family} after its samples");
                    continue;
                }
                if (line.StartsWith("# HELP") && !HelpLine().IsMatch(line)) throw new FormatException($"bad HELP: {line}");
                continue;
            }
            Match m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"not a sample: '{line}'");
            var labels = new Dictionary<string, string>();
            string body = m.Groups[3].Value;
            int at = 0;
            while (at < body.Length)
            {
                Match l = Label().Match(body, at);
                if (!l.Success) throw new FormatException($"bad labels: '{body}'");
                if (!labels.TryAdd(l.Groups[1].Value, l.Groups[2].Value)) throw new FormatException($"label {l.Groups[1].Value} twice");
                at += l.Length;
            }
            string value = m.Groups[4].Value;
            double v = value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new FormatException($"bad value '{value}'"),
            };
            string name = m.Groups[1].Value;
            seenSamplesOf.Add(Family(name, types));
            samples.Add(new Sample(name, labels, v));
        }
        CheckHistograms(types, samples);
        return (types, samples);
    }

    private static string Family(string name, Dictionary<string, string> types)
    {
        foreach (string suffix in (string[])["_bucket", "_sum", "_count"])
            if (name.EndsWith(suffix) && types.TryGetValue(name[..^suffix.Length], out string? t) && t == "histogram") return name[..^suffix.Length];
        return name;
    }

    private static void CheckHistograms(Dictionary<string, string> types, List<Sample> samples)
    {
        foreach ((string family, string type) in types)
        {
            if (type != "histogram") continue;
            var series = samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)));
            foreach (var group in series)
            {
                double previous = 0, previousLe = double.NegativeInfinity;
                Sample? last = null;
                foreach (Sample b in group)
                {
                    double le = b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], CultureInfo.InvariantCulture);
                    if (le <= previousLe) throw new FormatException($"{family}{{{group.Key}}}: le not increasing");
                    if (b.Value < previous) throw new FormatException($"{family}{{{group.Key}}}: buckets not cumulative");
                    previous = b.Value;
                    previousLe = le;
                    last = b;
                }
                if (last is null || !double.IsPositiveInfinity(previousLe)) throw new FormatException($"{family}{{{group.Key}}}: no +Inf bucket");
                Sample count = samples.Single(s => s.Name == family + "_count" && SameSeries(s, last));
                if (count.Value != last.Value) throw new FormatException($"{family}{{{group.Key}}}: +Inf bucket {last.Value} != count {count.Value}");
                _ = samples.Single(s => s.Name == family + "_sum" && SameSeries(s, last));
            }
        }
    }

    private static bool SameSeries(Sample s, Sample bucket) =>
        s.Labels.Count == bucket.Labels.Count - 1 && s.Labels.All(l => bucket.Labels.TryGetValue(l.Key, out string? v) && v == l.Value);

    /// <summary>The value of the sample <paramref name="name"/> with exactly <paramref name="labels"/> (0 when absent).</summary>
    public static double Value(IReadOnlyList<Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        foreach (Sample s in samples)
            if (s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Key, out string? v) && v == l.Value))
                return s.Value;
        return 0;
    }
}
