using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Workload;

public sealed class RunTimeModelTests
{
    // Asks 4 GPUs, uses 40 % of them: 1.6 GPUs' worth of compute.
    private static readonly SimJob Job = new("j", TimeSpan.Zero, TimeSpan.FromSeconds(1000), 4, 1000, 1000, 1024, ["A"], "BE", "d1", 0.4, 0.5);

    [Theory]
    [InlineData(4)]
    [InlineData(3)]
    [InlineData(2)]
    public void Duration_IsUnchanged_WhenGivenAtLeastTheUsedGpus(int given)
    {
        Assert.Equal(TimeSpan.FromSeconds(1000), RunTimeModel.Duration(Job, given));
        Assert.Equal(1, RunTimeModel.Stretch(Job, given));
    }

    [Fact]
    public void Duration_StretchesProportionally_WhenGivenFewerThanTheUsedGpus()
    {
        // 1.6 GPUs of work on 1 GPU: 1.6 × as long, the GPU at 100 %.
        Assert.Equal(TimeSpan.FromSeconds(1600), RunTimeModel.Duration(Job, 1));
        Assert.Equal(1.6, RunTimeModel.Stretch(Job, 1), 9);
        Assert.Equal(1.0, RunTimeModel.GpuUtilizationOn(Job, 1));
    }

    [Fact]
    public void GpuUtilizationOn_RisesOnFewerGpus_AndKeepsTheWork()
    {
        Assert.Equal(0.4, RunTimeModel.GpuUtilizationOn(Job, 4), 9);
        Assert.Equal(0.8, RunTimeModel.GpuUtilizationOn(Job, 2), 9);
        Assert.Equal(RunTimeModel.UsedGpus(Job), 2 * RunTimeModel.GpuUtilizationOn(Job, 2), 9);
    }

    [Fact]
    public void Duration_IsTheTraceDuration_WhenGivenWhatWasAsked_EvenAtFullUtilization()
    {
        var busy = Job with { GpuUtilization = 1.0 };

        Assert.Equal(busy.Duration, RunTimeModel.Duration(busy, 4));
        Assert.Equal(TimeSpan.FromSeconds(2000), RunTimeModel.Duration(busy, 2));
    }
}
