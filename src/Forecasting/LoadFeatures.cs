namespace WPAI.Forecasting;

/// <summary>
/// Feature engineering for the forecaster, pure. Values are taken as <c>x = log(1 + load)</c>; features at the last
/// observed index t use only x[0..t] and the timestamp: minute of day, day of week, the level x[t], lags
/// (x[t−k] − x[t]), rolling means and maxima (minus x[t]) and the same time yesterday and last week at the target
/// time (minus x[t]; 0 when not yet available). The label for horizon h is x[t+h] − x[t], so trees learn changes
/// and a level they never saw in training does not clip the forecast.
/// </summary>
public static class LoadFeatures
{
    private static readonly int[] Lags = [1, 2, 3, 6, 12];
    private static readonly int[] MeanWindows = [3, 6, 12, 24];
    private static readonly int[] MaxWindows = [6, 24];

    public static int Count => 3 + Lags.Length + MeanWindows.Length + MaxWindows.Length + 4;

    /// <summary>The earliest index t with full lag and window history.</summary>
    public static int MinIndex => 24;

    public static double ToLog(double load) => Math.Log(1 + Math.Max(0, load));

    public static double FromLog(double x) => Math.Max(0, Math.Exp(x) - 1);

    /// <summary>Writes the features for horizon <paramref name="h"/> at index <paramref name="t"/> (whose target time is <paramref name="targetTime"/>) into <paramref name="into"/>.</summary>
    public static void Fill(ReadOnlySpan<double> x, int t, int h, DateTimeOffset targetTime, int stepsPerDay, Span<float> into)
    {
        if (t < MinIndex || t >= x.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"features need {MinIndex} earlier points");
        }

        var level = x[t];
        var i = 0;
        var target = targetTime;
        into[i++] = (float)target.TimeOfDay.TotalMinutes;
        into[i++] = (float)(int)target.DayOfWeek;
        into[i++] = (float)level;
        foreach (var lag in Lags)
        {
            into[i++] = (float)(x[t - lag] - level);
        }

        foreach (var w in MeanWindows)
        {
            var sum = 0.0;
            for (var k = 0; k < w; k++)
            {
                sum += x[t - k];
            }

            into[i++] = (float)((sum / w) - level);
        }

        foreach (var w in MaxWindows)
        {
            var max = double.MinValue;
            for (var k = 0; k < w; k++)
            {
                max = Math.Max(max, x[t - k]);
            }

            into[i++] = (float)(max - level);
        }

        into[i++] = (float)Back(x, t, t + h - stepsPerDay, level);
        into[i++] = (float)Back(x, t, t - stepsPerDay, level);
        into[i++] = (float)Back(x, t, t + h - (7 * stepsPerDay), level);
        into[i++] = (float)h;
    }

    private static double Back(ReadOnlySpan<double> x, int t, int j, double level) =>
        j >= 0 && j <= t ? x[j] - level : 0.0;
}
