using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>The names the fleet knows: nodes by pool, departments, services. <c>RecentJobs</c> stays empty: jobs are listed from the job index.</summary>
[GenerateSerializer, Immutable, Alias("wpai.fleet-view")]
public sealed record FleetView(
    ImmutableDictionary<string, ImmutableArray<string>> NodesByPool,
    ImmutableArray<string> Departments,
    ImmutableArray<string> RecentJobs,
    ImmutableArray<string> Services = default);
