using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Mixing;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Mixing;

public sealed class LentShareBreakdownTests
{
    private static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly SimNode[] Nodes =
    [
        new("online-a", "T4", 2, 16_000, 64_000),
        new("online-b", "V100", 2, 16_000, 64_000),
        new("fixed-a", "T4", 4, 32_000, 128_000),
        new("fixed-g3", "G3", 8, 32_000, 128_000),
    ];

    private static readonly ImmutableHashSet<string> Online = ["online-a", "online-b"];

    private static SimJob Job(string id, double hours, int gpus = 1, string model = "T4") =>
        new(id, TimeSpan.Zero, TimeSpan.FromHours(hours), gpus, 1000, 1000, 1024, [model], "batch");

    private static PoolDecision D(string node, double hour, NodeMode from, NodeMode to) =>
        new("T4", new MixingDecision(Origin + TimeSpan.FromHours(hour), node, from, to, to, 0.2, "test", [], []));

    [Fact]
    public void Compute_ClassifiesEachCompletedJobByWhereItsCompletingRunStarted()
    {
        var jobs = new[]
        {
            Job("lent", 1), Job("long", 13), Job("outlasted", 1), Job("sooner", 5), Job("full", 1, gpus: 2), Job("nothing", 1), Job("other-pool", 1, model: "V100"), Job("g3-only", 1, model: "G3"),
        }.ToDictionary(j => j.Id, StringComparer.Ordinal);

        // online-a (T4) is lent from hour 1 until hour 4 (the reclaim begins then); online-b (V100) is never lent.
        PoolDecision[] decisions =
        [
            D("online-a", 0.5, NodeMode.OnlineNormal, NodeMode.Unnormal),
            D("online-a", 1, NodeMode.Unnormal, NodeMode.OfflineNormal),
            D("online-a", 4, NodeMode.OfflineNormal, NodeMode.Unnormal),
            D("online-a", 4.5, NodeMode.Unnormal, NodeMode.OnlineNormal),
        ];
        var log = new EventLog();
        static TimeSpan h(double hours) => TimeSpan.FromHours(hours);
        log.Started(h(0), "nothing", "fixed-a", "T4", 1, 1000);        // nothing lent yet
        log.Started(h(0), "long", "fixed-a", "T4", 1, 1000);
        log.Stopped(h(1), "nothing", StopReason.Completed);
        log.Started(h(1), "lent", "online-a", "T4", 1, 1000);          // online-a: 1 of 2 GPUs free
        log.Started(h(1), "full", "fixed-a", "T4", 2, 2000);           // needs 2, online-a has 1 free
        log.Stopped(h(1.5), "lent", StopReason.Completed);
        log.Started(h(1.5), "outlasted", "fixed-a", "T4", 1, 1000);    // ends 2.5 h, online-a lent until 4 h
        log.Started(h(1.5), "sooner", "online-a", "T4", 1, 1000);      // killed, then completes on Fixed
        log.Stopped(h(2), "sooner", StopReason.Preempted);
        log.Stopped(h(2), "full", StopReason.Completed);
        log.Started(h(2), "sooner", "fixed-a", "T4", 1, 1000);         // ends 7 h, online-a lent only until 4 h
        log.Started(h(2), "other-pool", "fixed-a", "T4", 1, 1000);     // V100 only: nothing of its pool lent
        log.Started(h(2), "g3-only", "fixed-g3", "G3", 1, 1000);       // G3 has no node that starts online
        log.Stopped(h(2.5), "outlasted", StopReason.Completed);
        log.Stopped(h(3), "other-pool", StopReason.Completed);
        log.Stopped(h(3), "g3-only", StopReason.Completed);
        log.Stopped(h(7), "sooner", StopReason.Completed);
        log.Stopped(h(13), "long", StopReason.Completed);

        var b = LentShareBreakdown.Compute(Nodes, Online, jobs, log, decisions, Origin, TimeSpan.FromHours(12));

        Assert.Equal(new LentShareBreakdown(8, 1, 1, 1, 1, 1, 1, 2), b);
        Assert.Equal(2.0 / 8, b.NeverLendableShareOfCompleted, 10);
    }

    [Fact]
    public void Compute_NodeStillLentAtTheEnd_OutlastsEveryJob()
    {
        var jobs = new[] { Job("j", 100) }.ToDictionary(j => j.Id, StringComparer.Ordinal);
        var log = new EventLog();
        log.Started(TimeSpan.FromHours(2), "j", "fixed-a", "T4", 1, 1000);
        log.Stopped(TimeSpan.FromHours(102), "j", StopReason.Completed);

        var b = LentShareBreakdown.Compute(Nodes, Online, jobs, log, [D("online-a", 1, NodeMode.Unnormal, NodeMode.OfflineNormal)], Origin, TimeSpan.FromHours(200));

        Assert.Equal(1, b.FixedWhileLentRoomOutlasted);
        Assert.Equal(0, b.OnLent);
    }
}
