using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A department: its GPU quota per pool, what it uses now (own and borrowed), its running jobs, the effective GPU
/// utilization of its recent jobs, the quota advice from its usage history, and its GPU-hours per pool over the last
/// seven days (today included).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.department-view")]
public sealed record DepartmentView(
    string Name,
    ImmutableDictionary<string, int> Quota,
    ImmutableDictionary<string, PoolUsage> Usage,
    ImmutableArray<RunningAllocation> Running,
    double? RecentUtilization,
    ImmutableDictionary<string, int> QuotaAdvice,
    ImmutableDictionary<string, double>? GpuHoursLastWeek = null);
