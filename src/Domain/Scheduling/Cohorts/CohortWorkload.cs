namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// A workload of a ClusterQueue: what it holds (or asks for), its priority, when it was created (queue order) and when
/// its quota was reserved (admission; newer admissions are preempted first).
/// </summary>
public sealed record CohortWorkload(string Id, string Queue, Resources Usage, int Priority, DateTimeOffset CreatedAt, DateTimeOffset AdmittedAt);
