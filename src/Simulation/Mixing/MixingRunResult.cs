using System.Collections.Immutable;
using WPAI.Simulation.Metrics;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// What one combined replay produced: the training event log, every controller decision (pool, decision) in the order taken,
/// the preemption stops the cluster driver saw while the controllers ticked, SLO-violation minutes per service, the timeline,
/// or why the policy could not run (<see cref="Unavailable"/>).
/// </summary>
public sealed record MixingRunResult(
    string Policy,
    string? Unavailable,
    EventLog Log,
    long Events,
    long Ticks,
    double WallSeconds,
    ImmutableArray<PoolDecision> Decisions,
    int KillStopsObserved,
    ImmutableDictionary<string, double> SloViolationMinutes,
    ImmutableArray<MixingSample> Timeline,
    int RejectedSubmissions,
    string? FirstRejection,
    string? Note = null)
{
    /// <summary>GPU-hours of run time thrown away by reclaim kills (less what checkpoints kept).</summary>
    public double LostGpuHours { get; init; }

    /// <summary>Each GPU pool at each tick: Fixed, lent and inference GPUs, the queue that accepts it (<see cref="MixingPoolSample"/>).</summary>
    public ImmutableArray<MixingPoolSample> PoolTimeline { get; init; } = [];

    /// <summary>Core-hours of run time thrown away by reclaim kills of CPU jobs (less what checkpoints kept).</summary>
    public double LostCoreHours { get; init; }
}
