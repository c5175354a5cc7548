using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WPAI.Console.Tests;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, written for the tests because no served package
/// parses it (prometheus-net only writes it). Anything the format does not allow is an error naming the line: a
/// malformed name, label or value, a <c># TYPE</c> after its family's samples or given twice, a family whose samples
/// are not contiguous, a duplicate series, a sample whose name does not belong to its declared family, and, for
/// histograms, buckets that are not cumulative or a <c>+Inf</c> bucket that differs from <c>_count</c>.
/// </summary>
public sealed partial class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Sample> _series = new(StringComparer.Ordinal);

    private PrometheusText()
    {
    }

    public IReadOnlyDictionary<string, string> TypeOf => _types;

    public IEnumerable<Sample> Samples => _series.Values;

    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new PrometheusText();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1} '{line}'";
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var meta = MetaLine().Match(line);
                if (!meta.Success)
                {
                    continue; // a plain comment
                }

                var (kind, name, rest) = (meta.Groups[1].Value, meta.Groups[2].Value, meta.Groups[3].Value);
                if (finished.Contains(name) || (current == name && kind == "TYPE" && result._series.Values.Any(s => s.Family == name)))
                {
                    throw new FormatException($"{where}: {kind} of family {name} after its samples");
                }

                if (kind == "TYPE")
                {
                    if (!Types.Contains(rest, StringComparer.Ordinal))
                    {
                        throw new FormatException($"{where}: unknown type '{rest}'");
                    }

                    if (!result._types.TryAdd(name, rest))
                    {
                        throw new FormatException($"{where}: TYPE given twice");
                    }
                }

                Switch(name);
                continue;
            }

            var sample = ParseSample(line, where, result._types);
            Switch(sample.Family);
            if (!result._series.TryAdd(sample.Key, sample))
            {
                throw new FormatException($"{where}: duplicate series {sample.Key}");
            }
        }

        result.CheckHistograms();
        return result;

        void Switch(string family)
        {
            if (current == family)
            {
                return;
            }

            if (finished.Contains(family))
            {
                throw new FormatException($"the samples of family {family} are not contiguous");
            }

            if (current is not null)
            {
                finished.Add(current);
            }

            current = family;
        }
    }

    /// <summary>The value of the series <paramref name="name"/> with exactly these labels; throws when it is absent.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var key = Sample.KeyOf(name, labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal));
        return _series.TryGetValue(key, out var sample)
            ? sample.Value
            : throw new KeyNotFoundException($"no series {key}; series of {name}: {string.Join(", ", _series.Keys.Where(k => k.StartsWith(name, StringComparison.Ordinal)))}");
    }

    public bool Has(string name, params (string Name, string Value)[] labels) =>
        _series.ContainsKey(Sample.KeyOf(name, labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal)));

    private static Sample ParseSample(string line, string where, Dictionary<string, string> types)
    {
        var match = SampleLine().Match(line);
        if (!match.Success)
        {
            throw new FormatException($"{where}: not a sample line");
        }

        var name = match.Groups["name"].Value;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (match.Groups["labels"].Success)
        {
            var body = match.Groups["labels"].Value;
            var position = 0;
            while (position < body.Length)
            {
                var label = LabelPair().Match(body, position);
                if (!label.Success || label.Index != position)
                {
                    throw new FormatException($"{where}: malformed label at '{body[position..]}'");
                }

                if (!labels.TryAdd(label.Groups[1].Value, Unescape(label.Groups[2].Value, where)))
                {
                    throw new FormatException($"{where}: label {label.Groups[1].Value} given twice");
                }

                position += label.Length;
                if (position < body.Length)
                {
                    if (body[position] != ',')
                    {
                        throw new FormatException($"{where}: expected ',' between labels");
                    }

                    position++;
                }
            }
        }

        var value = ParseValue(match.Groups["value"].Value, where);
        var family = FamilyOf(name, types);
        if (types.TryGetValue(family, out var type))
        {
            var suffix = name[family.Length..];
            var allowed = type switch
            {
                "histogram" => suffix is "_bucket" or "_sum" or "_count",
                "summary" => suffix is "" or "_sum" or "_count",
                _ => suffix.Length == 0,
            };
            if (!allowed)
            {
                throw new FormatException($"{where}: sample {name} does not belong to {type} {family}");
            }

            if (type == "histogram" && suffix == "_bucket" && !labels.ContainsKey("le"))
            {
                throw new FormatException($"{where}: histogram bucket without an le label");
            }

            if (type == "counter" && (value < 0 || double.IsNaN(value)))
            {
                throw new FormatException($"{where}: counter value {value} is not a count");
            }
        }

        return new Sample(name, family, labels, value);
    }

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.ContainsKey(name[..^suffix.Length]))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static double ParseValue(string text, string where) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{where}: '{text}' is not a number"),
    };

    private static string Unescape(string value, string where)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                builder.Append(value[i]);
                continue;
            }

            builder.Append(++i < value.Length ? value[i] switch
            {
                '\\' => '\\',
                '"' => '"',
                'n' => '\n',
                _ => throw new FormatException($"{where}: bad escape \\{value[i]}"),
            } : throw new FormatException($"{where}: dangling backslash"));
        }

        return builder.ToString();
    }

    private void CheckHistograms()
    {
        foreach (var (family, _) in _types.Where(t => t.Value == "histogram"))
        {
            var groups = _series.Values
                .Where(s => s.Family == family && s.Name == family + "_bucket")
                .GroupBy(s => Sample.KeyOf(family, s.Labels.Where(l => l.Key != "le").ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal)), StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var buckets = group.OrderBy(s => ParseValue(s.Labels["le"], family)).ToList();
                for (var i = 1; i < buckets.Count; i++)
                {
                    if (buckets[i].Value < buckets[i - 1].Value)
                    {
                        throw new FormatException($"histogram {group.Key}: bucket le={buckets[i].Labels["le"]} is below the one before it");
                    }
                }

                if (buckets.Count == 0 || buckets[^1].Labels["le"] != "+Inf")
                {
                    throw new FormatException($"histogram {group.Key}: no +Inf bucket");
                }

                var countKey = "_count" + group.Key[family.Length..];
                if (!_series.TryGetValue(family + countKey, out var count) || count.Value != buckets[^1].Value)
                {
                    throw new FormatException($"histogram {group.Key}: _count differs from the +Inf bucket");
                }
            }
        }
    }

    [GeneratedRegex(@"^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$")]
    private static partial Regex MetaLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})?\s+(?<value>\S+)(?:\s+(?<ts>-?\d+))?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    /// <summary>One series: its sample name, the family it belongs to, its labels and value.</summary>
    public sealed record Sample(string Name, string Family, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string Key => KeyOf(Name, Labels);

        public static string KeyOf(string name, IReadOnlyDictionary<string, string> labels) =>
            name + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
    }
}
