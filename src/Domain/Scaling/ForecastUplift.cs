using WPAI.Domain.Common;

namespace WPAI.Domain.Scaling;

/// <summary>
/// The high-quantile provisioning rule: instead of the forecast's mean, provision for
/// <c>forecast × q-quantile(actual / forecast)</c> over recently realized forecasts, never below the mean forecast.
/// </summary>
public static class ForecastUplift
{
    /// <summary>
    /// The multiplier (≥ 1) to apply to the next forecast: the <paramref name="quantile"/> of the realized ratios
    /// actual / forecast (pairs with a non-positive forecast are skipped); 1 when fewer than
    /// <paramref name="minSamples"/> pairs exist.
    /// </summary>
    public static double Multiplier(IReadOnlyList<(double Forecast, double Actual)> realized, double quantile, int minSamples = 12)
    {
        ArgumentNullException.ThrowIfNull(realized);
        if (!(quantile is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "a quantile is in [0, 1], e.g. 0.9");
        }

        var ratios = new List<double>(realized.Count);
        foreach (var (forecast, actual) in realized)
        {
            if (forecast > 0 && actual >= 0)
            {
                ratios.Add(actual / forecast);
            }
        }

        if (ratios.Count < Math.Max(1, minSamples))
        {
            return 1.0;
        }

        ratios.Sort();
        return Math.Max(1.0, Percentile.Interpolated(ratios, quantile));
    }
}
