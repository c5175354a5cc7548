namespace WPAI.Simulation.Metrics;

/// <summary>
/// One department over the arrival window: the GPUs it owns (and their share of the fleet), its share of the GPU-time
/// given out, the GPU-hours it was entitled to (at each moment min(owned, demanded) per pool, by its jobs' preferred
/// pool), the part of them it received (min(allocated, entitled)), and their ratio.
/// </summary>
public sealed record DepartmentShare(
    string Department,
    int OwnedGpus,
    double OwnedShare,
    double GpuTimeShare,
    double EntitledGpuHours,
    double ReceivedGpuHours,
    double EntitlementMet);
