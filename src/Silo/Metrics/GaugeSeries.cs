using Prometheus;

namespace WPAI.Silo.Metrics;

/// <summary>
/// A labelled gauge that is set anew from the cluster's state at every scrape: series not set in a scrape (a queue
/// that emptied, a removed node) are removed at <see cref="Sweep"/>, so no stale value outlives what it describes.
/// </summary>
internal sealed class GaugeSeries(Gauge gauge)
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public void Set(double value, params string[] labels)
    {
        gauge.WithLabels(labels).Set(value);
        _touched.Add(Key(labels));
    }

    /// <summary>Removes the series not set since the previous sweep.</summary>
    public void Sweep()
    {
        foreach (var labels in gauge.GetAllLabelValues().ToList())
        {
            if (!_touched.Contains(Key(labels)))
            {
                gauge.RemoveLabelled(labels);
            }
        }

        _touched.Clear();
    }

    private static string Key(string[] labels) => string.Join('\u0001', labels);
}
