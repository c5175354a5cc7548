using System.Collections.Immutable;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Everything measured on one series: the forecaster's error at the scaling horizon and its baselines, each policy's
/// run, the <c>wpai</c> settings chosen on the validation split with the validation runs, and the iso-SLO comparisons.
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
    ImmutableArray<IsoSloResult> IsoSlo = default);
