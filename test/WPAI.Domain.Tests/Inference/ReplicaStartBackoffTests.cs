using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;

namespace WPAI.Domain.Tests.Inference;

public sealed class ReplicaStartBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 300)]
    [InlineData(1000, 300)]
    public void Delay_DoublesPerFailureInARow_UpToTheMaximum(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ReplicaStartBackoff.Delay(failures, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)));

    [Fact]
    public void Delay_IsZero_WhenBackoffIsOff() =>
        Assert.Equal(TimeSpan.Zero, ReplicaStartBackoff.Delay(3, TimeSpan.Zero, TimeSpan.FromMinutes(5)));

    [Theory]
    [InlineData(ReplicaPhase.Placed, true)]
    [InlineData(ReplicaPhase.Starting, true)]
    [InlineData(ReplicaPhase.Ready, false)]
    [InlineData(ReplicaPhase.Draining, false)]
    public void IsFailedStart_OnlyForAReplicaThatNeverServed(ReplicaPhase phase, bool failed) =>
        Assert.Equal(failed, ReplicaStartBackoff.IsFailedStart(new ReplicaView("s/replica-0", "n1", T0, phase)));

    [Fact]
    public void Describe_SaysHowManyFailedWhenTheNextStartIsAndWhy()
    {
        Assert.Null(ReplicaStartBackoff.Describe(0, null, null, T0));
        Assert.Equal(
            "crash loop: 2 replica start(s) failed in a row; next start in 20 s (back-off); last: exit code 134",
            ReplicaStartBackoff.Describe(2, T0.AddSeconds(20), "exit code 134", T0));
        Assert.Equal(
            "crash loop: 2 replica start(s) failed in a row; starting again; last: exit code 134",
            ReplicaStartBackoff.Describe(2, T0.AddSeconds(20), "exit code 134", T0.AddSeconds(21)));
    }
}
