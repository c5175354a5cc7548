using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Inference;

public sealed class ServiceScalingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static (Record Record, ServiceScaling Scaling) New(int maxDecisions = 3)
    {
        var record = new Record();
        return (record, new ServiceScaling(record, TimeSpan.FromSeconds(60), maxDecisions));
    }

    private static MetricWindow Window(double qps)
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        w.Add(new ServiceMetrics(T0, qps, 0, 0, 0, 0, 0));
        return w;
    }

    [Fact]
    public void Deploy_ClampsTheCountIntoTheBounds_AndRecordsTheSpec()
    {
        var (record, scaling) = New();
        var (desired, rollTo, view) = scaling.Deploy(MetricWindowTests.Spec() with { MinReplicas = 2 }, T0);
        Assert.Equal(2, desired);
        Assert.Null(rollTo);
        Assert.Equal("Deploy", view.Kind);
        Assert.NotNull(record.Spec);
    }

    [Fact]
    public void Deploy_ANewRepositoryOnARunningService_RollsOut_AndKeepsTheOldOneInTheSpec()
    {
        var (record, scaling) = New();
        record.Spec = MetricWindowTests.Spec() with { ModelRepository = "/models/v1" };
        record.Replicas.Add(new ReplicaView("s/replica-0", "n", T0));
        var (_, rollTo, _) = scaling.Deploy(record.Spec with { ModelRepository = "/models/v2" }, T0);
        Assert.Equal("/models/v2", rollTo);
        Assert.Equal("/models/v1", record.Spec.ModelRepository);
    }

    [Fact]
    public void Ready_CountsReplicasPastTheirStartup_WithoutProcesses()
    {
        var (record, scaling) = New();
        record.Replicas.Add(new ReplicaView("s/replica-0", "n", T0));
        record.Replicas.Add(new ReplicaView("s/replica-1", "n", T0.AddSeconds(30)));
        Assert.Equal(0, scaling.Ready(T0.AddSeconds(59), runsProcesses: false));
        Assert.Equal(1, scaling.Ready(T0.AddSeconds(60), runsProcesses: false));
        Assert.Equal(2, scaling.Ready(T0.AddSeconds(90), runsProcesses: false));
        Assert.Equal(0, scaling.Ready(T0.AddSeconds(90), runsProcesses: true)); // processes: only those reported ready
    }

    [Fact]
    public void Evaluate_KeepsTheRulesStabilizationWindow_InTheRecord()
    {
        var (record, scaling) = New();
        scaling.Deploy(MetricWindowTests.Spec(), T0);
        record.DesiredReplicas = 2;
        var up = scaling.Evaluate(T0, new ServiceAutoscaler(AutoscalerKind.Reactive), Window(700), null, 2, null, null);
        Assert.Equal(10, up.ToReplicas); // ceil(350 / 35 x 2) = 20, clamped to the spec's max of 10
        Assert.Single(record.Recommendations);
        record.DesiredReplicas = 10;
        var down = scaling.Evaluate(T0.AddSeconds(15), new ServiceAutoscaler(AutoscalerKind.Reactive), Window(35), null, 10, null, "2 replicas at 10 %");
        Assert.Equal(10, down.ToReplicas); // the 300 s window holds the earlier recommendation
        Assert.EndsWith("measured: 2 replicas at 10 %", down.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Manual_HoldsAndClearsTheWindow()
    {
        var (record, scaling) = New();
        record.Recommendations.Add(new(T0, 5));
        var view = scaling.Manual(T0, 4, "load test", TimeSpan.FromMinutes(10));
        Assert.Equal(4, view.ToReplicas);
        Assert.Empty(record.Recommendations);
        Assert.True(scaling.ManualHeld(T0.AddMinutes(9)));
        Assert.False(scaling.ManualHeld(T0.AddMinutes(10)));
    }

    [Fact]
    public void StartFailed_DoublesTheHold_AndAReadyProbeEndsIt()
    {
        var (record, scaling) = New();
        var lost = new ReplicaView("s/replica-0", "n", T0, ReplicaPhase.Starting);
        var first = scaling.StartFailed(lost, "exit 1", T0, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
        Assert.Equal("Backoff", first.Kind);
        Assert.Equal(T0.AddSeconds(10), record.StartsHeldUntil);
        scaling.StartFailed(lost, "exit 1", T0.AddSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
        Assert.Equal(T0.AddSeconds(30), record.StartsHeldUntil);
        Assert.True(scaling.StartsHeld(T0.AddSeconds(29)));
        Assert.Contains("2 replica start(s) failed", scaling.Backoff(T0.AddSeconds(20)), StringComparison.Ordinal);

        record.Replicas.Add(lost with { Id = "s/replica-1" });
        Assert.True(scaling.Probed(new ReplicaProbe("s/replica-1", 1, true, null, T0.AddSeconds(40))));
        Assert.Equal(0, record.FailedStarts);
        Assert.Null(record.StartsHeldUntil);
        Assert.False(scaling.Probed(new ReplicaProbe("other/replica-9", 1, true, null, T0.AddSeconds(40))));
    }

    [Fact]
    public void Explain_SaysWhyFewerServeThanDecided()
    {
        var (record, scaling) = New();
        record.Spec = MetricWindowTests.Spec();
        record.Replicas.Add(new ReplicaView("s/replica-0", "n", T0));
        var view = ScalingDecisionView.WithoutMetric(T0, 1, 3, "Expand", "more");
        Assert.Contains("has no room", scaling.Explain(view, T0).Reason, StringComparison.Ordinal);
        record.StartsHeldUntil = T0.AddSeconds(5);
        record.FailedStarts = 1;
        Assert.Contains("starts held", scaling.Explain(view, T0).Reason, StringComparison.Ordinal);
        Assert.Equal("more", scaling.Explain(view with { ToReplicas = 1 }, T0).Reason);
    }

    [Fact]
    public void Record_KeepsTheNewestDecisions_AndBumpsTheVersion()
    {
        var (record, scaling) = New(maxDecisions: 2);
        for (var i = 0; i < 3; i++)
        {
            scaling.Record(ScalingDecisionView.WithoutMetric(T0.AddSeconds(i), 1, 1, "Hold", $"d{i}"));
        }

        Assert.Equal(["d2", "d1"], record.Decisions.Select(d => d.Reason));
        Assert.Equal(3, record.Version);
    }

    [Fact]
    public void ValidateBatch_RejectsReportsOutOfOrderOrAfterTheClock()
    {
        ServiceMetrics At(int s) => new(T0.AddSeconds(s), 1, 0, 0, 0, 0, 0);
        ServiceScaling.ValidateBatch([At(0), At(15), At(15)], T0.AddSeconds(15));
        Assert.Equal("reports[1]", Assert.Throws<WpaiValidationException>(() => ServiceScaling.ValidateBatch([At(15), At(0)], T0.AddSeconds(15))).Field);
        Assert.Equal("reports[0]", Assert.Throws<WpaiValidationException>(() => ServiceScaling.ValidateBatch([At(16)], T0.AddSeconds(15))).Field);
    }

    [Fact]
    public void LoadOutlook_PeakAndValley_CarryTheUplift()
    {
        var outlook = new LoadOutlook([100, 300, 50], 1.2);
        Assert.Equal(360, outlook.Peak, 9);
        Assert.Equal(60, outlook.Valley, 9);
    }

    private sealed class Record : IServiceRecord
    {
        public InferenceServiceSpec? Spec { get; set; }

        public List<ReplicaView> Replicas { get; } = [];

        public int DesiredReplicas { get; set; }

        public List<KeyValuePair<DateTimeOffset, int>> Recommendations { get; set; } = [];

        public List<ScalingDecisionView> Decisions { get; } = [];

        public DateTimeOffset? ManualUntil { get; set; }

        public long Version { get; set; }

        public string? RolloutTarget { get; set; }

        public int FailedStarts { get; set; }

        public DateTimeOffset? StartsHeldUntil { get; set; }

        public string? LastFailedStart { get; set; }
    }
}
