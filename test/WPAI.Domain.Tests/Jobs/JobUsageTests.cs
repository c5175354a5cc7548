using WPAI.Abstractions.Contracts;
using WPAI.Domain.Jobs;

namespace WPAI.Domain.Tests.Jobs;

public sealed class JobUsageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_SumsCpu_AndKeepsClampedGpuSamplesAndTheMemoryPeak()
    {
        var gpu = new List<double>();

        var totals = JobUsage.Add(gpu, UsageTotals.None, [new UsageSample(T0, 1.4, 0.5, 1000), new UsageSample(T0, 0.3, 1.7, 3000)]);

        Assert.Equal([1.0, 0.3], gpu);
        Assert.Equal(new UsageTotals(4000, 2, 3000, 1.0), totals);
        Assert.Equal(2000, totals.CpuAverage);
        Assert.Equal(3000, totals.CpuPeakOrNull);
    }

    [Fact]
    public void Add_CountsCpuButNoGpuSample_WhenTheGpuIsNotMeasured()
    {
        var gpu = new List<double>();

        var totals = JobUsage.Add(gpu, UsageTotals.None, [new UsageSample(T0, double.NaN, double.NaN, 500)]);

        Assert.Empty(gpu);
        Assert.Equal(new UsageTotals(500, 1, 500, 0), totals);
    }

    [Fact]
    public void Add_KeepsTheNewest10GpuSamples()
    {
        var gpu = new List<double>();
        JobUsage.Add(gpu, UsageTotals.None, Enumerable.Range(0, 15).Select(i => new UsageSample(T0, i / 100.0, 0, 0)));
        Assert.Equal(JobUsage.MaxGpuSamples, gpu.Count);
        Assert.Equal(0.05, gpu[0]);
    }

    [Fact]
    public void Totals_HaveNoAverageOrPeak_BeforeTheFirstSample()
    {
        Assert.Null(UsageTotals.None.CpuAverage);
        Assert.Null(UsageTotals.None.CpuPeakOrNull);
    }
}
