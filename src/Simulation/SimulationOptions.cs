using System.Collections.Immutable;
using WPAI.Abstractions.Errors;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation;

/// <summary>
/// What <c>wpai simulate</c> replays (the command line is typed in <c>src/Cli/Commands/Simulate</c>): a trace
/// (<see cref="Nodes"/> and <see cref="Pods"/>) or a generated workload (<see cref="Synthetic"/>), under each policy, at
/// each offered load. With <see cref="Synthetic"/> and no load the offered load is 0.9.
/// </summary>
public sealed record SimulationOptions
{
    public string? Nodes { get; init; }

    public string? Pods { get; init; }

    public bool Synthetic { get; init; }

    public int Jobs { get; init; } = 2_000;

    public int NodeCount { get; init; } = 40;

    public double Days { get; init; } = 7;

    public ImmutableArray<PolicyPreset> Policies { get; init; } = [PolicyPresets.Wpai, PolicyPresets.StaticQuota, PolicyPresets.Fifo];

    /// <summary>Offered loads to run; empty = the trace's own pace.</summary>
    public ImmutableArray<double> Loads { get; init; } = [];

    public double FleetScale { get; init; } = 1.0;

    public QuotaMode QuotaMode { get; init; } = QuotaMode.Equal;

    public TimeSpan MaxDuration { get; init; } = WorkloadOptions.DefaultMaxDuration;

    public int Seed { get; init; } = 1;

    public string Out { get; init; } = "simulation-report";

    /// <summary>Also search each policy's largest sustained offered load (<see cref="Capacity.SustainableLoadSearch"/>).</summary>
    public bool Sustainable { get; init; }

    public Capacity.SustainableCriteria Criteria { get; init; } = new();

    /// <summary>Which jobs repeat a template, so right-sizing can act (<see cref="Recurrence.Default"/> unless given).</summary>
    public Recurrence Recurrence { get; init; } = Recurrence.Default;

    /// <summary>
    /// Jobs declare their run time as the true duration × a seeded factor uniform on [1, this] (default 3: Mu'alem and
    /// Feitelson's f-model with f = 2; declared times in real clusters are over-estimates); backfilling trusts them.
    /// </summary>
    public double DeclaredOverestimate { get; init; } = 3;

    /// <summary>The loads actually run: the given ones, else 0.9 for synthetic workloads, else the natural pace (null).</summary>
    public IReadOnlyList<double?> EffectiveLoads =>
        !Loads.IsDefaultOrEmpty ? [.. Loads.Select(l => (double?)l)] : Synthetic ? [0.9] : [null];

    public string Source => Synthetic
        ? FormattableString.Invariant($"synthetic ({Jobs} jobs, {NodeCount} nodes, {Days} days)")
        : Path.GetFileName(Pods ?? string.Empty);

    public void Validate()
    {
        if (Synthetic && (Nodes is not null || Pods is not null))
        {
            throw new WpaiValidationException("--synthetic", "cannot be combined with --nodes/--pods", "Either replay a trace (--nodes and --pods) or generate one (--synthetic).");
        }

        if (!Synthetic && (Nodes is null || Pods is null))
        {
            throw new WpaiValidationException(Nodes is null ? "--nodes" : "--pods", "is required to replay a trace", "Pass --nodes FILE --pods FILE (e.g. shared/data/traces/openb_node_list_gpu_node.csv), or --synthetic.");
        }

        if (Policies.IsDefaultOrEmpty)
        {
            throw new WpaiValidationException("--policies", "is empty", $"Name at least one of {string.Join(", ", PolicyPresets.All.Select(p => p.Name))}.");
        }

        Criteria.Validate();
        Recurrence.Validate();
        WorkloadOptions.ValidateOverestimate(DeclaredOverestimate);
        if (!Loads.IsDefaultOrEmpty && Loads.Any(l => !(l > 0)))
        {
            throw new WpaiValidationException("--offered-load", "every offered load must be positive", "Use e.g. --sweep-load 0.5,0.7,0.9,1.1,1.3.");
        }
    }
}
