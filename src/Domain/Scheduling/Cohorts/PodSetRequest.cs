namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// A pod set of a workload: its name, what all its pods ask for together, and the flavors it can run on (the job's
/// acceptable GPU models; Kueue derives this from node selectors, affinity and taints). Null means every flavor.
/// </summary>
public sealed record PodSetRequest(string Name, Resources Request, ImmutableHashSet<string>? Eligible = null);
