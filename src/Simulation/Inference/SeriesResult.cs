using System.Collections.Immutable;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Everything measured on one series: the forecaster's error at the scaling horizon and its baselines, each policy's
/// run, the <c>wpai</c> settings chosen on the validation split with the validation runs, the iso-SLO comparisons in
/// both directions and the <see cref="OracleBound"/>.
/// </summary>
public sealed record SeriesResult(
    string Series,
    string File,
    TimeSpan Step,
    int HorizonSteps,
    int TrainPoints,
    int EvalPoints,
    double TrainingSeconds,
    string? ForecasterFallback,
    double? ForecastMape,
    double? ForecastMae,
    double LastValueMape,
    double LastValueMae,
    double? YesterdayMape,
    double? YesterdayMae,
    int StaticPeakReplicas,
    int MaxReplicas,
    ImmutableArray<PolicyRun> Runs,
    ImmutableDictionary<string, IReadOnlyList<TimelinePoint>> Timelines,
    WpaiSettings? Wpai = null,
    ImmutableArray<PolicyRun> Validation = default,
    ImmutableArray<IsoSloResult> IsoSlo = default,
    ImmutableArray<WpaiAtSloResult> WpaiAtSlo = default,
    PolicyRun? Oracle = null)
{
    /// <summary>The runs of the comparisons beside the policies: both iso-SLO directions and the oracle bound.</summary>
    public IEnumerable<PolicyRun> ComparisonRuns =>
        (IsoSlo.IsDefault ? [] : IsoSlo.Select(i => i.Run))
            .Concat(WpaiAtSlo.IsDefault ? [] : WpaiAtSlo.Select(w => w.Run))
            .Concat(Oracle is { } o ? [o] : []);
}
