using System.Collections.Immutable;
using WPAI.Domain.Scaling;

namespace WPAI.Simulation.Inference;

/// <summary>
/// The <c>wpai</c> policy and its ablations, each the same grain (<c>Predictive</c>) with other settings:
/// <c>wpai</c> = every provisioning mechanism on, with the quantile and forecast utilization chosen on the validation
/// split (<see cref="WpaiTuner"/>); <c>wpai-q0.9</c> = the plain rule with the fixed quantile (<c>--quantile</c>) and no
/// mechanism (the earlier <c>wpai</c>); <c>wpai-no-tuning</c> = every mechanism with the fixed quantile at the spec's
/// target; <c>wpai-no-burst</c>, <c>wpai-no-valley</c>, <c>wpai-no-cost-aware</c>, <c>wpai-no-periodicity</c> = the full
/// <c>wpai</c> less one mechanism; <c>wpai-kpa-base</c> / <c>wpai-formula-base</c> = the full <c>wpai</c> with the
/// reactive base forced to Knative's decider / to the tolerance-band formula; <c>wpai-no-trend</c> = the full <c>wpai</c>
/// without the trend look-ahead.
/// </summary>
public static class WpaiPolicies
{
    public static ImmutableArray<string> Ablations { get; } =
        ["wpai-q0.9", "wpai-no-tuning", "wpai-no-burst", "wpai-no-valley", "wpai-no-cost-aware", "wpai-no-periodicity", "wpai-kpa-base", "wpai-formula-base", "wpai-no-trend"];

    /// <summary>True for <c>wpai</c> and its ablations.</summary>
    public static bool IsWpai(string policy) => policy == "wpai" || Ablations.Contains(policy);

    /// <summary>
    /// Every mechanism on with <paramref name="quantile"/> at <paramref name="utilization"/> of capacity (null: the spec's
    /// target), the KPA as the reactive base when <paramref name="kpa"/>, periodicity detection unless turned off.
    /// With <paramref name="trend"/> (and the KPA base) Knative's stable value is read on the window's trend one start-up
    /// delay ahead (<see cref="ProvisioningOptions.TrendLookAhead"/>), its decider at <paramref name="reactiveUtilization"/>
    /// of capacity (null: the spec's target).
    /// </summary>
    public static WpaiSettings Full(
        double? quantile, double? utilization, InferenceSimulationOptions options, bool kpa = false, bool periodicity = true, bool trend = false, double? reactiveUtilization = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(quantile, new ProvisioningOptions
        {
            BurstDetector = true,
            ValleyScaleDown = true,
            CostAwareScaleIn = true,
            StartupSteps = Math.Max(1, (int)Math.Ceiling(options.StartupDelay.TotalMinutes)),
            Periodicity = periodicity,
            KpaReactive = kpa,
            ForecastUtilization = utilization,
            TrendLookAhead = trend ? options.StartupDelay : null,
            ReactiveUtilization = reactiveUtilization,
        });
    }

    /// <summary>The settings of <paramref name="policy"/> given the tuned full settings.</summary>
    public static WpaiSettings For(string policy, WpaiSettings tuned, InferenceSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(tuned);
        ArgumentNullException.ThrowIfNull(options);
        var p = tuned.Provisioning;
        return policy switch
        {
            "wpai" => tuned,
            "wpai-q0.9" => new(options.ForecastQuantile, ProvisioningOptions.None),
            "wpai-no-tuning" => Full(options.ForecastQuantile, null, options),
            "wpai-no-burst" => tuned with { Provisioning = p with { BurstDetector = false } },
            "wpai-no-valley" => tuned with { Provisioning = p with { ValleyScaleDown = false } },
            "wpai-no-cost-aware" => tuned with { Provisioning = p with { CostAwareScaleIn = false } },
            "wpai-no-periodicity" => tuned with { Provisioning = p with { Periodicity = false } },
            "wpai-kpa-base" => tuned with { Provisioning = p with { KpaReactive = true } },
            "wpai-formula-base" => tuned with { Provisioning = p with { KpaReactive = false } },
            "wpai-no-trend" => tuned with { Provisioning = p with { TrendLookAhead = null } },
            _ => throw new ArgumentException($"'{policy}' is not a wpai policy", nameof(policy)),
        };
    }
}
