namespace WPAI.Kubernetes;

/// <summary>One sample line of the Prometheus text format: its labels and value.</summary>
public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>The value of the first of <paramref name="names"/> that is present and not empty.</summary>
    public string? Label(params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (Labels.TryGetValue(name, out var value) && value.Length > 0)
            {
                return value;
            }
        }

        return null;
    }
}
