using System.Globalization;

namespace WPAI.Kubernetes;

/// <summary>
/// Pure translation of a Kubernetes node into a WPAI node: pool from the GPU-model label (else the WPAI pool label,
/// else <c>cpu</c> for a node without GPUs), GPUs, CPU and memory from <c>status.allocatable</c>; cordoned
/// (<c>spec.unschedulable</c>) or not Ready means unavailable.
/// </summary>
public static class NodeTranslation
{
    public const string CpuPool = "cpu";

    public static ObservedNode Observe(V1Node node, KubernetesDriverOptions options)
    {
        var name = node.Metadata?.Name ?? string.Empty;
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        var allocatable = node.Status?.Allocatable ?? new Dictionary<string, ResourceQuantity>();
        var mirrored = labels.TryGetValue(KubernetesNames.ModeKey, out var modeText) && Enum.TryParse<NodeMode>(modeText, ignoreCase: false, out var m) ? m : (NodeMode?)null;
        var unavailable = Unavailability(node);

        var gpus = Amount(allocatable, KubernetesNames.GpuResource, 1);
        var cpuMilli = Amount(allocatable, "cpu", 1000);
        var memoryMib = Amount(allocatable, "memory", 1.0m / (1024 * 1024));
        var pool = Label(labels, options.PoolLabel) ?? Label(labels, options.FallbackPoolLabel) ?? (gpus == 0 ? CpuPool : null);
        if (pool is null)
        {
            return new ObservedNode(name, null, unavailable, mirrored, $"it has {gpus} GPUs but neither a '{options.PoolLabel}' nor a '{options.FallbackPoolLabel}' label; label it with its GPU model (kubectl label node {name} {options.FallbackPoolLabel}=MODEL)");
        }

        if (cpuMilli <= 0 || memoryMib <= 0)
        {
            return new ObservedNode(name, null, unavailable, mirrored, "its status.allocatable has no cpu or memory yet");
        }

        return new ObservedNode(name, new NodeSpec(name, pool, (int)Math.Min(gpus, int.MaxValue), (int)Math.Min(cpuMilli, int.MaxValue), memoryMib), unavailable, mirrored, null);
    }

    /// <summary>Null when the node takes pods; else why not.</summary>
    public static string? Unavailability(V1Node node)
    {
        if (node.Spec?.Unschedulable == true)
        {
            return "cordoned";
        }

        var ready = node.Status?.Conditions?.FirstOrDefault(c => string.Equals(c.Type, "Ready", StringComparison.Ordinal));
        return ready is null ? "no Ready condition yet" : string.Equals(ready.Status, "True", StringComparison.Ordinal) ? null : $"NotReady ({ready.Reason ?? ready.Status})";
    }

    private static string? Label(IDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>The quantity × <paramref name="scale"/>, rounded down (whole GPUs, millicores, MiB); 0 when absent.</summary>
    private static long Amount(IDictionary<string, ResourceQuantity> quantities, string key, decimal scale)
    {
        if (!quantities.TryGetValue(key, out var quantity) || quantity is null)
        {
            return 0;
        }

        var value = quantity.ToDecimal() * scale;
        return value <= 0 ? 0 : (long)Math.Floor(Math.Min(value, long.MaxValue));
    }

    /// <summary>The quantity text Kubernetes expects for millicores.</summary>
    public static string CpuQuantity(int milli) => milli % 1000 == 0 ? (milli / 1000).ToString(CultureInfo.InvariantCulture) : $"{milli.ToString(CultureInfo.InvariantCulture)}m";

    /// <summary>The quantity text Kubernetes expects for MiB.</summary>
    public static string MemoryQuantity(long mib) => $"{mib.ToString(CultureInfo.InvariantCulture)}Mi";
}
