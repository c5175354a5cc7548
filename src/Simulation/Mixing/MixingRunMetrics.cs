using System.Collections.Immutable;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// What one mixing policy achieved (definitions in <see cref="MixingMetricsCalculator"/>). <see cref="Unavailable"/> says why a
/// policy could not run; its numbers are then zero and must not be read.
/// </summary>
public sealed record MixingRunMetrics(
    string Policy,
    string Description,
    string? Unavailable,
    double LentShare,
    int CompletedJobs,
    int CompletedOnLent,
    double KillRate,
    int Kills,
    int KillStopsObserved,
    int StartsOnLent,
    int Starts,
    int JobsKilledAtLeastOnce,
    double SloViolationMinutes,
    ImmutableDictionary<string, double> SloViolationMinutesByService,
    double OfflineGpuUtilization,
    double OfflineGpuAllocation,
    double WaitP50Seconds,
    double WaitP95Seconds,
    double JctP50Seconds,
    int JobsNeverStarted,
    int Lends,
    int Reclaims,
    int DecisionCount,
    double MeanLentNodes,
    int PeakLentNodes,
    double WallSeconds,
    long Events,
    long Ticks,
    string? Note = null);
