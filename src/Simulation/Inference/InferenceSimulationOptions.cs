using System.Collections.Immutable;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Inference;

/// <summary>Settings of the inference-load replay (<c>wpai simulate --inference</c>).</summary>
public sealed record InferenceSimulationOptions
{
    public static ImmutableArray<string> DefaultPolicies { get; } = ["wpai", "reactive", "hpa", "kpa", "static-peak"];

    /// <summary>The default policies and the ablations of <c>wpai</c> (<see cref="WpaiPolicies.Ablations"/>).</summary>
    public static ImmutableArray<string> AllPolicies { get; } = DefaultPolicies.AddRange(WpaiPolicies.Ablations);

    public ImmutableArray<string> Policies { get; init; } = DefaultPolicies;

    /// <summary>The share of the training part held out to choose <c>wpai</c>'s settings (default 0.3).</summary>
    public double ValidationFraction { get; init; } = 0.3;

    /// <summary>Also tune <c>hpa</c>'s and <c>kpa</c>'s target utilization to wpai's validation SLO and replay them (default on).</summary>
    public bool IsoSlo { get; init; } = true;

    /// <summary><c>wpai</c>'s SLO budget on the validation part, as a share of HPA's violation minutes there (default 0.5).</summary>
    public double SloBudget { get; init; } = 0.5;

    /// <summary>The share of the series used to train the forecaster; the rest is replayed (default 0.7).</summary>
    public double TrainFraction { get; init; } = 0.7;

    /// <summary>The series is scaled so that its highest value is this many QPS (default 1000).</summary>
    public double PeakQps { get; init; } = 1000;

    /// <summary>The QPS one ready replica serves (default 50).</summary>
    public double CapacityQps { get; init; } = 50;

    /// <summary>The target utilization of a replica for every policy, the <c>expectRate</c> of QPS (default 0.7).</summary>
    public double TargetUtilization { get; init; } = 0.7;

    /// <summary>The time from a replica's creation to serving (default 60 s).</summary>
    public TimeSpan StartupDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The controllers' period and the accounting step (default 15 s, the HPA's sync period).</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The observed QPS is the mean demand over this trailing window (default 60 s).</summary>
    public TimeSpan MetricWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>wpai</c> scales up on the highest forecast load over the next this-much time: the grain's forecaster
    /// horizon (<c>ForecasterOptions.MinLookAhead</c>; default 5 minutes, never shorter than the start-up delay).
    /// </summary>
    public TimeSpan LookAhead { get; init; } = TimeSpan.FromMinutes(5);

    public int MinReplicas { get; init; } = 1;

    /// <summary>The replica ceiling; null = twice the replicas the peak needs at full capacity.</summary>
    public int? MaxReplicas { get; init; }

    /// <summary>
    /// <c>wpai-q0.9</c> and <c>wpai-no-tuning</c> provision for this quantile of the forecast (the grain's <c>InferenceScalingOptions.ForecastQuantile</c>): forecast × q-quantile(actual / forecast) over the
    /// last day of realized forecasts (≥ 1); <c>wpai</c> chooses its quantile on the validation split. Null provisions for the forecast itself. Default 0.9.
    /// </summary>
    public double? ForecastQuantile { get; init; } = 0.9;

    public string OutputDirectory { get; init; } = "inference-sim";

    /// <summary>
    /// The demand between two points of the series: <see cref="LoadBetweenPoints.Linear"/> (the default) ramps linearly
    /// from one point to the next, so a report inside a step already moves toward the next point;
    /// <see cref="LoadBetweenPoints.Hold"/> keeps each point's value until the next point, so nothing inside a step tells
    /// where the next one lies (a change arrives at once, as a burst would); <see cref="LoadBetweenPoints.Centre"/> reads each
    /// point as the mean over the step it starts and runs linearly between the steps' middles (on the finer real series it
    /// comes closest to the load inside a 5-minute step: README "Autoscaling").
    /// </summary>
    public LoadBetweenPoints WithinStep { get; init; } = LoadBetweenPoints.Linear;

    /// <summary>Ticks the replay hands the service grain per call (<c>ReportAndEvaluateAsync</c>; default 240, one hour of 15 s ticks).</summary>
    public int TicksPerCall { get; init; } = 240;

    /// <summary>Checks every setting; a bad one throws <see cref="WpaiValidationException"/> naming its option.</summary>
    public InferenceSimulationOptions Validate()
    {
        if (!(TrainFraction is > 0 and < 1))
        {
            throw new WpaiValidationException("--train-fraction", $"{Num(TrainFraction)} is not in (0, 1)", "Train on a share of the series, e.g. 0.7.");
        }

        if (!(PeakQps > 0) || !(CapacityQps > 0))
        {
            throw new WpaiValidationException(PeakQps > 0 ? "--capacity-qps" : "--peak-qps", "must be positive", "Write e.g. --peak-qps 1000 --capacity-qps 50.");
        }

        if (!(TargetUtilization is > 0 and <= 1))
        {
            throw new WpaiValidationException("--target-utilization", $"{Num(TargetUtilization)} is not in (0, 1]", "Write e.g. 0.7.");
        }

        if (StartupDelay < TimeSpan.Zero || Tick <= TimeSpan.Zero || MetricWindow < Tick)
        {
            throw new WpaiValidationException("--startup-delay", "the start-up delay must be >= 0, the tick > 0 and the metric window >= the tick", "Write e.g. --startup-delay 60s.");
        }

        if (MinReplicas < 1 || (MaxReplicas is { } max && max < MinReplicas))
        {
            throw new WpaiValidationException("--max-replicas", $"replicas must satisfy 1 <= min ({MinReplicas}) <= max ({MaxReplicas})", "Leave --max-replicas out (twice the peak's replicas) or give at least 1.");
        }

        if (ForecastQuantile is { } q && !(q is >= 0.5 and <= 1))
        {
            throw new WpaiValidationException("--quantile", $"{Num(q)} is not in [0.5, 1]", "Write e.g. --quantile 0.9, or --quantile none for the mean forecast.");
        }

        if (!(ValidationFraction is > 0 and < 1) || !(SloBudget >= 0))
        {
            throw new WpaiValidationException("--validation-fraction", $"the validation fraction {Num(ValidationFraction)} must be in (0, 1) and the SLO budget {Num(SloBudget)} >= 0", "Write e.g. --validation-fraction 0.3 --slo-budget 0.5.");
        }

        if (TicksPerCall < 1)
        {
            throw new WpaiValidationException("--ticks-per-call", $"{TicksPerCall} is below 1", "Write e.g. --ticks-per-call 240, or 1 for one grain call per tick.");
        }

        if (Policies.IsDefaultOrEmpty)
        {
            throw new WpaiValidationException("--policies", "is empty", $"Name some of {string.Join(',', AllPolicies)}.");
        }

        foreach (var p in Policies)
        {
            if (!AllPolicies.Contains(p))
            {
                throw new WpaiValidationException("--policies", $"unknown policy '{p}'", $"Use some of {string.Join(',', AllPolicies)}.");
            }
        }

        return this;
    }

    private static string Num(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
