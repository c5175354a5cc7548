using System.Globalization;
using System.Text;

namespace WPAI.Kubernetes;

/// <summary>
/// Reads samples from the Prometheus text exposition format. Written here because the served Prometheus packages
/// (prometheus-net, the OpenTelemetry exporters) only write this format; reading needs the sample lines only
/// (<c>name{label="value",…} value [timestamp]</c>, with <c>\\</c>, <c>\"</c> and <c>\n</c> escapes in label values).
/// </summary>
public static class PrometheusText
{
    /// <summary>The sum of every sample of <paramref name="metric"/> (all label sets); null when it has none.</summary>
    public static double? Sum(string text, string metric)
    {
        double? sum = null;
        foreach (var sample in Samples(text, metric))
        {
            sum = (sum ?? 0) + sample.Value;
        }

        return sum;
    }

    /// <summary>Every sample of <paramref name="metric"/> with its labels, in the order of the text; malformed lines are skipped.</summary>
    public static IEnumerable<PrometheusSample> Samples(string text, string metric)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal)
                || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var rest = metric.Length;
            if (line[rest] == '{' && !TryReadLabels(line, ref rest, labels))
            {
                continue;
            }

            var fields = line[rest..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                yield return new PrometheusSample(labels, value);
            }
        }
    }

    /// <summary>Reads <c>{k="v",…}</c> starting at <paramref name="at"/> (the '{'); leaves <paramref name="at"/> after the '}'.</summary>
    private static bool TryReadLabels(string line, ref int at, Dictionary<string, string> labels)
    {
        at++; // '{'
        while (at < line.Length)
        {
            while (at < line.Length && line[at] is ' ' or ',')
            {
                at++;
            }

            if (at < line.Length && line[at] == '}')
            {
                at++;
                return true;
            }

            var equals = line.IndexOf('=', at);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                return false;
            }

            var name = line[at..equals].Trim();
            var value = new StringBuilder();
            at = equals + 2;
            while (at < line.Length && line[at] != '"')
            {
                if (line[at] == '\\' && at + 1 < line.Length)
                {
                    at++;
                    value.Append(line[at] == 'n' ? '\n' : line[at]);
                }
                else
                {
                    value.Append(line[at]);
                }

                at++;
            }

            if (at >= line.Length)
            {
                return false; // unterminated value
            }

            at++; // closing '"'
            labels[name] = value.ToString();
        }

        return false;
    }
}
