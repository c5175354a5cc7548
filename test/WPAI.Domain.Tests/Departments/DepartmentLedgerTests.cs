using WPAI.Abstractions.Contracts;
using WPAI.Domain.Departments;

namespace WPAI.Domain.Tests.Departments;

public sealed class DepartmentLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, RunningAllocation> _running = new(StringComparer.Ordinal);
    private readonly List<double?> _recent = [];
    private readonly Dictionary<string, List<RunUsage>> _templates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _peaks = new(StringComparer.Ordinal);
    private readonly PoolGpuTally _held = PoolGpuTally.Of([]);

    private DepartmentLedger Ledger => new(_running, _recent, _templates, _peaks, _held);

    private static RunningAllocation Run(string job, string pool, int gpus, Tier tier = Tier.Own, int minutes = 0) =>
        new(job, pool, "n1", new Resources(gpus, 1000, 1024), tier, T0.AddMinutes(minutes));

    private static JobOutcome Outcome(string job, double? u = 0.5, string? template = null) =>
        new(job, "T4", JobStatus.Succeeded, 2, u, TimeSpan.FromHours(1), T0, template, 800, 1200);

    [Fact]
    public void TryStart_RecordsOnce_AndTracksThePoolsPeak()
    {
        Assert.True(Ledger.TryStart(Run("a", "T4", 2)));
        Assert.True(Ledger.TryStart(Run("b", "T4", 3)));
        Assert.False(Ledger.TryStart(Run("a", "T4", 8)));
        Assert.True(Ledger.TryRemove("a"));
        Assert.True(Ledger.TryStart(Run("c", "A100", 1)));

        Assert.Equal(5, Ledger.PeakGpus("T4"));
        Assert.Equal(1, Ledger.PeakGpus("A100"));
        Assert.Equal(0, Ledger.PeakGpus("P40"));
        Assert.Equal(["A100", "T4"], Ledger.PeakPools.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TryRemove_IsFalse_ForAJobNotInTheLedger()
    {
        Ledger.TryStart(Run("a", "T4", 2));
        Assert.True(Ledger.TryRemove("a"));
        Assert.False(Ledger.TryRemove("a"));
        Assert.False(Ledger.IsRunning("a"));
    }

    [Fact]
    public void UsageByPool_SplitsOwnAndBorrowed_AndRunningIsOrderedByStartThenId()
    {
        Ledger.TryStart(Run("b", "T4", 2, Tier.Own, minutes: 5));
        Ledger.TryStart(Run("a", "T4", 1, Tier.Borrowed, minutes: 5));
        Ledger.TryStart(Run("c", "A100", 4, Tier.Own, minutes: 1));

        var usage = Ledger.UsageByPool();

        Assert.Equal(new PoolUsage(2, 1), usage["T4"]);
        Assert.Equal(new PoolUsage(4, 0), usage["A100"]);
        Assert.Equal(["c", "a", "b"], Ledger.Running().Select(r => r.JobId));
    }

    [Fact]
    public void RecordOutcome_KeepsTheNewest50_AndTheNewest10RunsPerTemplate()
    {
        for (var i = 0; i < 60; i++)
        {
            Ledger.RecordOutcome(Outcome($"j{i}", u: i / 100.0, template: "nightly"));
        }

        Assert.Equal(DepartmentLedger.MaxRecent, _recent.Count);
        Assert.Equal(0.10, _recent[0]);
        var runs = Ledger.TemplateRuns("nightly");
        Assert.Equal(DepartmentLedger.MaxTemplateRuns, runs.Length);
        Assert.Equal(new RunUsage(2, 0.50, 800, 1200), runs[0]);
        Assert.Empty(Ledger.TemplateRuns("other"));
        Assert.Empty(Ledger.TemplateRuns(null));
    }

    [Fact]
    public void RecordOutcome_CountsAnUnmeasuredGpuAsFullyUsed_ForRightSizing()
    {
        Ledger.RecordOutcome(Outcome("a", u: null, template: "t"));
        Assert.Equal(1.0, Assert.Single(Ledger.TemplateRuns("t")).EffectiveGpuUtilization);
        Assert.Empty(Ledger.RecentUtilizations(10));
    }

    [Fact]
    public void RecentUtilizations_AreTheNewestMeasuredOnes()
    {
        Ledger.RecordOutcome(Outcome("a", u: 0.1));
        Ledger.RecordOutcome(Outcome("b", u: null));
        Ledger.RecordOutcome(Outcome("c", u: 0.3));
        Ledger.RecordOutcome(Outcome("d", u: 0.4));

        Assert.Equal([0.3, 0.4], Ledger.RecentUtilizations(2));
    }
}
