using System.Collections.Immutable;

namespace WPAI.Simulation.Metrics;

/// <summary>
/// Fairness of a run: each department's share (<see cref="DepartmentShare"/>), Jain's index of the entitlement-met
/// ratios ((Σx)² / (n·Σx²), 1 = all equal), and the lowest ratio (the target asks ≥ 0.8: no department below 80 % of its
/// owned share while it has demand).
/// </summary>
public sealed record FairnessMetrics(ImmutableArray<DepartmentShare> Departments, double JainIndex, double MinEntitlementMet);
