using WPAI.Domain.Common;

namespace WPAI.Domain.Jobs;

/// <summary>
/// A job's usage over time, bounded however long it runs: samples of one attempt that fall in the newest point's
/// interval join it (running means); a sample past it opens a new point of the same width, aligned to the width. Beyond
/// <see cref="MaxPoints"/> the timeline is compacted: neighbouring points of the same attempt merge and every interval
/// doubles, so a week-long job keeps its whole curve at a coarser step instead of only its last hours. A sample older
/// than the newest point's interval (late or out of order) joins the newest point rather than being lost. An unmeasured
/// GPU (NaN utilization) adds no GPU value.
/// </summary>
public static class UsageTimeline
{
    /// <summary>Points kept at most (after a compaction, about half of them).</summary>
    public const int MaxPoints = 240;

    /// <summary>The interval of a new timeline's points.</summary>
    public static readonly TimeSpan InitialWidth = TimeSpan.FromMinutes(1);

    /// <summary>Adds the <paramref name="samples"/> of <paramref name="attempt"/> to <paramref name="points"/> (oldest first).</summary>
    public static void Add(List<UsagePoint> points, int attempt, IEnumerable<UsageSample> samples)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(samples);
        foreach (var sample in samples)
        {
            Add(points, attempt, sample);
        }
    }

    private static void Add(List<UsagePoint> points, int attempt, UsageSample sample)
    {
        var one = Single(sample, attempt);
        if (points.Count > 0 && points[^1] is var last && last.Attempt == attempt && sample.At < last.Start + last.Width)
        {
            points[^1] = Merge(last, one, last.Width);
            return;
        }

        var width = points.Count > 0 ? points[^1].Width : InitialWidth;
        points.Add(one with { Start = Align(sample.At, width), Width = width });
        if (points.Count > MaxPoints)
        {
            Compact(points);
        }
    }

    /// <summary>Merges neighbouring points of the same attempt pairwise and doubles every interval.</summary>
    private static void Compact(List<UsagePoint> points)
    {
        var merged = new List<UsagePoint>(points.Count / 2 + 1);
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var width = p.Width * 2;
            var start = Align(p.Start, width);
            if (i + 1 < points.Count && points[i + 1] is var next && next.Attempt == p.Attempt && next.Start < start + width)
            {
                merged.Add(Merge(p with { Start = start }, next, width));
                i++;
            }
            else
            {
                merged.Add(p with { Start = start, Width = width });
            }
        }

        points.Clear();
        points.AddRange(merged);
        BoundedList.TrimOldestFirst(points, MaxPoints);
    }

    private static UsagePoint Single(UsageSample s, int attempt)
    {
        var gpu = !double.IsNaN(s.GpuUtilization);
        return new UsagePoint(
            s.At, InitialWidth, attempt, 1, s.CpuUsedMilli, s.MemoryUsedMib,
            gpu ? 1 : 0, gpu ? Math.Clamp(s.GpuUtilization, 0, 1) : null, gpu ? Math.Clamp(s.GpuMemoryFraction, 0, 1) : null);
    }

    private static UsagePoint Merge(UsagePoint a, UsagePoint b, TimeSpan width)
    {
        var n = a.Samples + b.Samples;
        var g = a.GpuSamples + b.GpuSamples;
        return new UsagePoint(
            a.Start, width, a.Attempt, n,
            Mean(a.CpuMilli, a.Samples, b.CpuMilli, b.Samples),
            Mean(a.MemoryMib, a.Samples, b.MemoryMib, b.Samples),
            g,
            g == 0 ? null : Mean(a.GpuUtilization ?? 0, a.GpuSamples, b.GpuUtilization ?? 0, b.GpuSamples),
            g == 0 ? null : Mean(a.GpuMemoryFraction ?? 0, a.GpuSamples, b.GpuMemoryFraction ?? 0, b.GpuSamples));
    }

    private static double Mean(double a, int na, double b, int nb) => na + nb == 0 ? 0 : ((a * na) + (b * nb)) / (na + nb);

    /// <summary>The start of the <paramref name="width"/>-long interval (counted from the Unix epoch) that holds <paramref name="at"/>.</summary>
    private static DateTimeOffset Align(DateTimeOffset at, TimeSpan width)
    {
        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new DateTimeOffset(at.UtcTicks - (((ticks % width.Ticks) + width.Ticks) % width.Ticks), TimeSpan.Zero);
    }
}
