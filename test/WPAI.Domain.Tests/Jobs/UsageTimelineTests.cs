using WPAI.Abstractions.Contracts;
using WPAI.Domain.Jobs;

namespace WPAI.Domain.Tests.Jobs;

public sealed class UsageTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static UsageSample At(double seconds, double gpu, double cpu = 1000, double memoryMib = 512) =>
        new(T0.AddSeconds(seconds), gpu, 0.25, cpu, memoryMib);

    [Fact]
    public void SamplesOfOneMinute_AreOnePointWithTheirMeans()
    {
        var points = new List<UsagePoint>();

        UsageTimeline.Add(points, 1, [At(0, 0.2, 1000), At(20, 0.4, 2000), At(59, 0.9, 3000)]);

        var p = Assert.Single(points);
        Assert.Equal((T0, TimeSpan.FromMinutes(1), 1, 3, 3), (p.Start, p.Width, p.Attempt, p.Samples, p.GpuSamples));
        Assert.Equal(0.5, p.GpuUtilization!.Value, 6);
        Assert.Equal(2000, p.CpuMilli, 6);
        Assert.Equal(512, p.MemoryMib, 6);
    }

    [Fact]
    public void ANewMinuteOrANewAttempt_OpensAPoint_AlignedToTheMinute()
    {
        var points = new List<UsagePoint>();

        UsageTimeline.Add(points, 1, [At(30, 0.5), At(75, 0.6)]);
        UsageTimeline.Add(points, 2, [At(80, 0.7)]);

        Assert.Equal([T0, T0.AddMinutes(1), T0.AddMinutes(1)], points.Select(p => p.Start));
        Assert.Equal([1, 1, 2], points.Select(p => p.Attempt));
    }

    [Fact]
    public void AnUnmeasuredGpu_AddsCpuButNoGpuValue()
    {
        var points = new List<UsagePoint>();

        UsageTimeline.Add(points, 1, [At(0, double.NaN, 4000)]);
        Assert.Null(points[0].GpuUtilization);
        UsageTimeline.Add(points, 1, [At(10, 0.6, 2000)]);

        var p = Assert.Single(points);
        Assert.Equal((2, 1), (p.Samples, p.GpuSamples));
        Assert.Equal(0.6, p.GpuUtilization!.Value, 6);
        Assert.Equal(3000, p.CpuMilli, 6);
    }

    [Fact]
    public void ALongRun_StaysBounded_KeepsItsWholeSpan_AndItsMean()
    {
        var points = new List<UsagePoint>();
        var samples = Enumerable.Range(0, 7 * 24 * 60).Select(m => At(m * 60, m % 2 == 0 ? 0.2 : 0.8, 1000 + m)).ToList();

        UsageTimeline.Add(points, 1, samples);

        Assert.InRange(points.Count, UsageTimeline.MaxPoints / 2, UsageTimeline.MaxPoints);
        Assert.InRange(T0 - points[0].Start, TimeSpan.Zero, points[0].Width - TimeSpan.FromTicks(1));
        Assert.True(points[^1].Start + points[^1].Width > samples[^1].At, "the newest sample is inside the last point");
        Assert.Equal(samples.Count, points.Sum(p => p.Samples));
        Assert.All(points, p => Assert.Equal(points[0].Width, p.Width));
        var mean = points.Sum(p => p.GpuUtilization!.Value * p.GpuSamples) / points.Sum(p => p.GpuSamples);
        Assert.Equal(0.5, mean, 6);
        Assert.Equal(samples.Average(s => s.CpuUsedMilli), points.Sum(p => p.CpuMilli * p.Samples) / samples.Count, 6);
        Assert.True(points.Zip(points.Skip(1)).All(pair => pair.First.Start + pair.First.Width <= pair.Second.Start), "intervals do not overlap");
    }

    [Fact]
    public void ALateSample_JoinsTheNewestPoint()
    {
        var points = new List<UsagePoint>();

        UsageTimeline.Add(points, 1, [At(0, 0.1), At(120, 0.3), At(10, 0.5)]);

        Assert.Equal([1, 2], points.Select(p => p.Samples));
        Assert.Equal(0.4, points[1].GpuUtilization!.Value, 6);
    }
}
