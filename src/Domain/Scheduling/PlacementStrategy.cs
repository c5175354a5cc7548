namespace WPAI.Domain.Scheduling;

/// <summary>How a node is chosen among those a job fits on.</summary>
public enum PlacementStrategy
{
    /// <summary>The node left with the fewest free GPUs (then CPU, then memory): keeps large holes for large jobs.</summary>
    BestFit = 0,

    /// <summary>The first node by name that fits.</summary>
    FirstFit = 1,
}
