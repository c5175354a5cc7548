using System.Globalization;

namespace WPAI.Kubernetes;

/// <summary>
/// Reads sums of samples from the Prometheus text exposition format. Written here because the served Prometheus
/// packages (prometheus-net, the OpenTelemetry exporters) only write this format; reading needs the sample lines only.
/// </summary>
public static class PrometheusText
{
    /// <summary>The sum of every sample of <paramref name="metric"/> (all label sets); null when it has none.</summary>
    public static double? Sum(string text, string metric)
    {
        double? sum = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal)
                || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            var valueStart = line[metric.Length] == '{' ? line.IndexOf('}', StringComparison.Ordinal) + 1 : metric.Length;
            var fields = line[valueStart..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum = (sum ?? 0) + value;
            }
        }

        return sum;
    }
}
