namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>What the admitted workloads of a ClusterQueue use in one flavor.</summary>
public sealed record FlavorUsage(string Queue, string Flavor, Resources Used);
