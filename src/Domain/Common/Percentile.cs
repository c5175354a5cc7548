namespace WPAI.Domain.Common;

/// <summary>
/// Percentiles of sorted values, one definition for the whole product. Both rules answer 0 for no values (a report of
/// an empty sample shows 0, never an exception or NaN); <c>p</c> is a fraction in [0, 1].
/// </summary>
public static class Percentile
{
    /// <summary>Nearest rank: the ⌈p·n⌉-th smallest value (the smallest for p = 0); 0 for no values.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        Check(p);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Linear interpolation between the closest ranks (position p·(n − 1)); 0 for no values.</summary>
    public static double Interpolated(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        Check(p);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var pos = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }

    private static void Check(double p)
    {
        if (!(p is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a percentile is a fraction in [0, 1], e.g. 0.99");
        }
    }
}
