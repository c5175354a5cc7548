namespace WPAI.Domain.Scaling;

/// <summary>
/// Whether a per-minute load history repeats daily or weekly: the autocorrelation of the series at a lag of one day
/// and of one week (NaN when the history is shorter than two lags). Pure.
/// </summary>
public static class LoadPeriodicity
{
    /// <summary>The autocorrelation at one day and at one week of <paramref name="values"/> with <paramref name="stepsPerDay"/> points a day.</summary>
    public static (double Daily, double Weekly) Autocorrelations(IReadOnlyList<double> values, int stepsPerDay)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerDay, 1);
        return (At(values, stepsPerDay), At(values, 7 * stepsPerDay));
    }

    /// <summary>True when either autocorrelation is at least <paramref name="threshold"/>.</summary>
    public static bool IsPeriodic(IReadOnlyList<double> values, int stepsPerDay, double threshold)
    {
        var (daily, weekly) = Autocorrelations(values, stepsPerDay);
        return daily >= threshold || weekly >= threshold;
    }

    /// <summary>The sample autocorrelation at <paramref name="lag"/>; NaN below two lags of data or for a constant series.</summary>
    public static double At(IReadOnlyList<double> values, int lag)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (lag < 1 || n < 2 * lag)
        {
            return double.NaN;
        }

        var mean = 0.0;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= n;
        double num = 0, den = 0;
        for (var i = 0; i < n; i++)
        {
            var d = values[i] - mean;
            den += d * d;
            if (i + lag < n)
            {
                num += d * (values[i + lag] - mean);
            }
        }

        return den > 0 ? num / den : double.NaN;
    }
}
