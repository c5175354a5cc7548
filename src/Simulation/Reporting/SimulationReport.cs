using System.Collections.Immutable;
using WPAI.Simulation.Metrics;

namespace WPAI.Simulation.Reporting;

/// <summary>
/// The whole result of <c>wpai simulate</c>, written as <c>report.json</c> (schema in docs/simulation-report.md):
/// the workload, the assumptions the simulation made, and one run per (policy, offered load).
/// </summary>
public sealed record SimulationReport(
    int SchemaVersion,
    WorkloadSummary Workload,
    ImmutableArray<string> Assumptions,
    ImmutableArray<RunMetrics> Runs)
{
    /// <summary>The largest offered load each policy sustains (empty unless <c>--sustainable</c>).</summary>
    public ImmutableArray<Capacity.SustainableLoad> SustainableLoad { get; init; } = [];

    /// <summary>The criteria of <see cref="SustainableLoad"/>, in words (null unless <c>--sustainable</c>).</summary>
    public string? SustainableCriteria { get; init; }

    public const int CurrentSchemaVersion = 1;
}
