namespace WPAI.Forecasting;

/// <summary>
/// Forecast error: MAPE (in %, over points whose actual load is positive) and MAE, with the count of points used.
/// </summary>
public sealed record ForecastAccuracy(double Mape, double Mae, int Points)
{
    public static ForecastAccuracy Of(IReadOnlyList<double> forecasts, IReadOnlyList<double> actuals)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        ArgumentNullException.ThrowIfNull(actuals);
        if (forecasts.Count != actuals.Count)
        {
            throw new ArgumentException("forecasts and actuals differ in length", nameof(forecasts));
        }

        double ape = 0, ae = 0;
        int nPct = 0;
        for (var i = 0; i < actuals.Count; i++)
        {
            var err = Math.Abs(forecasts[i] - actuals[i]);
            ae += err;
            if (actuals[i] > 0)
            {
                ape += err / actuals[i];
                nPct++;
            }
        }

        return new ForecastAccuracy(nPct == 0 ? double.NaN : 100 * ape / nPct, actuals.Count == 0 ? double.NaN : ae / actuals.Count, actuals.Count);
    }
}
