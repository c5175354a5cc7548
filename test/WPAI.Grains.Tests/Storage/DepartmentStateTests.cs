using Orleans.Serialization;
using WPAI.Domain.Departments;
using WPAI.Grains.Departments;
using Xunit.Abstractions;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// What a department's state costs to write: the recent history of ended jobs keeps their effective GPU utilization, not
/// the whole outcome, and a state written in the earlier whole-outcome form reads into the compact one.
/// </summary>
public sealed class DepartmentStateTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly DepartmentStateSerialization _orleans = new();

    public void Dispose() => _orleans.Dispose();

    private Serializer Serializer => _orleans.Serializer;

    [Fact]
    public void Serialized_RecentHistory_CostsAboutTenBytesPerEndedJob()
    {
        var state = new DepartmentState { Exists = true };
        var empty = Serializer.SerializeToArray(state).Length;
        var ledger = new DepartmentLedger(state.Running, state.RecentUtilization, state.TemplateRuns, state.PeakGpus, PoolGpuTally.Of(state.Running.Values));
        for (var i = 0; i < DepartmentLedger.MaxRecent; i++)
        {
            ledger.RecordOutcome(Outcome(i));
        }

        var perJob = (Serializer.SerializeToArray(state).Length - empty) / (double)DepartmentLedger.MaxRecent;
        output.WriteLine($"{DepartmentLedger.MaxRecent} ended jobs: {perJob:0.0} bytes each (a whole outcome: {Serializer.SerializeToArray(Outcome(1)).Length} bytes)");
        Assert.InRange(perJob, 1, 12);
        Assert.Equal(0.5, EffectiveUtilizationOf(ledger));

        // What is left grows with the running jobs: one ledger entry each.
        var withHistory = Serializer.SerializeToArray(state).Length;
        for (var i = 0; i < 100; i++)
        {
            ledger.TryStart(new RunningAllocation($"job-{i:D5}", "A100", $"a100-{i % 32:D2}", new Resources(1 + (i % 2), 2_000, 8_192), Tier.Borrowed, At.AddSeconds(i)));
        }

        output.WriteLine($"100 running jobs: {(Serializer.SerializeToArray(state).Length - withHistory) / 100.0:0.0} bytes each");
    }

    [Fact]
    public void UpgradeRecent_MovesWholeOutcomes_OlderThanTheKeptUtilizations_WithinTheBound()
    {
        var state = new DepartmentState();
        state.LegacyRecent.AddRange(Enumerable.Range(0, 45).Select(i => Outcome(i, u: i % 3 == 0 ? null : i / 100.0)));
        state.RecentUtilization.AddRange(Enumerable.Range(0, 10).Select(i => (double?)(0.9 + (i / 1000.0))));

        state.UpgradeRecent();

        Assert.Empty(state.LegacyRecent);
        Assert.Equal(
            Enumerable.Range(5, 40).Select(i => i % 3 == 0 ? null : (double?)(i / 100.0)).Concat(Enumerable.Range(0, 10).Select(i => (double?)(0.9 + (i / 1000.0)))),
            state.RecentUtilization);
        state.UpgradeRecent();
        Assert.Equal(DepartmentLedger.MaxRecent, state.RecentUtilization.Count);
    }

    private static double? EffectiveUtilizationOf(DepartmentLedger ledger) => ledger.RecentUtilizations(100).Average();

    private static JobOutcome Outcome(int i, double? u = 0.5) =>
        new($"job-{i:D5}", "A100", JobStatus.Succeeded, 1 + (i % 2), u, TimeSpan.FromMilliseconds(200 + i), At.AddSeconds(i), CpuAverageMilli: 1_800, CpuPeakMilli: 2_000);
}
