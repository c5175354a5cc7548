namespace WPAI.Domain.Mixing;

/// <summary>
/// A seasonal forecast for hours ahead, from a service's per-minute load history: the load at time t is the mean,
/// over the last <c>days</c> days that the history covers, of the peak load in the step-long window ending at the
/// same time of day (t − k days). Each point also carries the busiest of those days (<see cref="LoadPoint.BusiestQps"/>,
/// the highest of the same peaks): a cautious reading for decisions whose error costs killed work. It knows nothing of a
/// day it has not seen: with less than a day of history it returns no points. (The gradient-boosted forecaster looks
/// minutes ahead; a handover needs hours.)
/// </summary>
public static class DailyProfileForecast
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Forecast points at now + step, now + 2·step, … up to now + <paramref name="span"/>.</summary>
    public static ImmutableArray<LoadPoint> Forecast(
        IReadOnlyList<double> history,
        DateTimeOffset historyStart,
        DateTimeOffset now,
        TimeSpan span,
        TimeSpan step,
        int days = 3)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0 || span <= TimeSpan.Zero || step <= TimeSpan.Zero || days < 1)
        {
            return [];
        }

        var points = ImmutableArray.CreateBuilder<LoadPoint>();
        for (var t = now + step; t <= now + span; t += step)
        {
            var sum = 0.0;
            var busiest = 0.0;
            var seen = 0;
            for (var k = 1; k <= days; k++)
            {
                var end = t - TimeSpan.FromDays(k);
                var first = (long)Math.Ceiling((end - step - historyStart) / Minute);
                var last = (long)Math.Floor((end - historyStart) / Minute);
                first = Math.Max(first, 0);
                last = Math.Min(last, history.Count - 1);
                if (first > last)
                {
                    continue;
                }

                var peak = 0.0;
                for (var i = first; i <= last; i++)
                {
                    peak = Math.Max(peak, history[(int)i]);
                }

                sum += peak;
                busiest = Math.Max(busiest, peak);
                seen++;
            }

            if (seen > 0)
            {
                points.Add(new LoadPoint(t, sum / seen, busiest));
            }
        }

        return points.ToImmutable();
    }

    /// <summary>Replicas for a load: ceil(qps / target per replica), clamped to [min, max].</summary>
    public static int Replicas(double qps, double qpsPerReplica, int min, int max)
    {
        var needed = qpsPerReplica > 0 && qps > 0 ? (int)Math.Min(int.MaxValue, Math.Ceiling(qps / qpsPerReplica)) : 0;
        return Math.Clamp(needed, min, Math.Max(min, max));
    }
}
