using WPAI.Domain.Scaling;

namespace WPAI.Simulation.Inference;

/// <summary>
/// The service grain's predictive settings for one <c>wpai</c> run: the forecast quantile
/// (<c>Wpai:Inference:ForecastQuantile</c>) and the provisioning mechanisms (<c>Wpai:Inference:Provisioning</c>).
/// </summary>
public sealed record WpaiSettings(double? Quantile, ProvisioningOptions Provisioning)
{
    /// <summary>How the report writes it.</summary>
    public string Describe() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"q{(Quantile is { } q ? q.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "none")}")
        + (Provisioning.ForecastUtilization is { } u ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" at {u:0.##} of capacity") : " at the spec's target")
        + (Provisioning.BurstDetector ? ", burst" : string.Empty) + (Provisioning.ValleyScaleDown ? ", valley" : string.Empty)
        + (Provisioning.CostAwareScaleIn ? ", cost-aware" : string.Empty) + (Provisioning.Periodicity ? ", periodicity" : string.Empty)
        + (Provisioning.KpaReactive ? ", kpa base" : string.Empty)
        + (Provisioning.TrendLookAhead is { } t ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", trend {t.TotalSeconds:0} s") : string.Empty)
        + (Provisioning.ReactiveUtilization is { } r ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", kpa at {r:0.##}") : string.Empty);
}
