using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Jobs;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Jobs;

public sealed class JobLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly JobSpec Spec = new("j1", "search", ["T4", "A100"], 2, 4000, 1024, TimeSpan.FromHours(1), Template: "nightly", MaxRetries: 1);

    private static (JobLifecycle Life, Record R) Submitted()
    {
        var r = new Record();
        var life = new JobLifecycle(r, new SchedulingOptions());
        life.Submit(Spec, Spec.Request, null, ["T4", "A100"], T0);
        return (life, r);
    }

    private static Placement At(string node, int attempt) => new(node, "T4", new Resources(2, 4000, 1024), Tier.Own, default, attempt);

    [Fact]
    public void Submit_IsPendingAttemptOne_AndASecondSubmitIsRefused()
    {
        var (life, r) = Submitted();

        Assert.Equal((JobStatus.Pending, 1, "submitted"), (r.Status, r.Attempt, r.History.Single().Kind));
        Assert.Throws<InvalidOperationException>(() => life.Submit(Spec, Spec.Request, null, ["T4"], T0));
    }

    [Fact]
    public void Start_OnlyWhenPendingAndForTheCurrentAttempt()
    {
        var (life, r) = Submitted();

        Assert.False(life.Start(At("n1", 2), T0.AddMinutes(5)));
        Assert.True(life.Start(At("n1", 1), T0.AddMinutes(5)));
        Assert.False(life.Start(At("n2", 1), T0.AddMinutes(6)));

        Assert.Equal(JobStatus.Running, r.Status);
        Assert.Equal(("n1", T0.AddMinutes(5)), (r.Placement!.Node, r.Placement.StartedAt));
        Assert.Equal(TimeSpan.FromMinutes(5), r.WaitedBefore);
        Assert.True(life.IsRepeatedOffer(At("n2", 1)));
        Assert.False(life.Holds(At("n2", 1)));
        Assert.True(life.Holds(At("n1", 1)));
        Assert.Equal(["A100"], life.OtherPools(r.Placement));
    }

    [Fact]
    public void PoolsThatMayHoldIt_AreTheEarlierPools_AndTheLaterOnesOnlyWhenOfferedOn()
    {
        var r = new Record();
        var life = new JobLifecycle(r, new SchedulingOptions());
        life.Submit(Spec, Spec.Request, null, ["T4", "A100", "V100"], T0);
        Placement In(string pool) => At("n1", 1) with { Pool = pool };

        Assert.Empty(life.PoolsThatMayHoldIt(In("T4"), offeredOnward: false));
        Assert.Equal(["A100", "V100"], life.PoolsThatMayHoldIt(In("T4"), offeredOnward: true));
        Assert.Equal(["T4"], life.PoolsThatMayHoldIt(In("A100"), offeredOnward: false));
        Assert.Equal(["T4", "V100"], life.PoolsThatMayHoldIt(In("A100"), offeredOnward: true));
        Assert.Equal(["T4", "A100"], life.PoolsThatMayHoldIt(In("V100"), offeredOnward: false));
        Assert.Equal(["T4", "A100", "V100"], life.PoolsThatMayHoldIt(In("H100"), offeredOnward: false)); // not in its list: every other pool
    }

    [Fact]
    public void Preempt_RequeuesTheNextAttempt_KeepingTheWait_AndNamesThePreemptor()
    {
        var (life, r) = Submitted();
        life.Start(At("n1", 1), T0.AddMinutes(5));
        var running = life.Running!;

        life.Preempt(running, "j9", "own quota", T0.AddMinutes(30));

        Assert.Equal((JobStatus.Pending, 2, "j9", (string?)null), (r.Status, r.Attempt, r.PreemptedBy, r.ReclaimedFrom));
        Assert.Equal(("preempted by j9: own quota", "j9"), (r.Runs.Single().End, r.Runs.Single().Preemptor));
        var view = life.View(Spec, T0.AddMinutes(40));
        Assert.Equal(TimeSpan.FromMinutes(15), view.WaitTime); // 5 before the first run + 10 since the preemption
        Assert.StartsWith("pending (attempt 2): preempted by job j9", view.Explanation, StringComparison.Ordinal);
        Assert.Equal(2, life.Entry(Spec, T0.AddMinutes(30)).Attempt);
    }

    [Fact]
    public void Reclaim_CountsIt_AndTheNextEntryIsQueuedInTheFirstPool()
    {
        var (life, r) = Submitted();
        life.Start(At("lent-1", 1), T0);
        var running = life.Running!;
        Assert.True(life.RunsOn("lent-1"));
        Assert.False(life.RunsOn("other"));
        var next = life.NextEntry(Spec, T0.AddHours(1));

        life.Reclaim(running, "inference needs it", T0.AddHours(1));

        Assert.Equal((2, "T4"), (next.Attempt, life.RequeuePool(running)));
        Assert.Equal((1, "lent-1", (string?)null, 2), (r.Reclaims, r.ReclaimedFrom, r.PreemptedBy, r.Attempt));
        Assert.Equal("reclaimed: lent node lent-1 taken back (inference needs it)", r.Runs.Single().End);
    }

    [Fact]
    public void PlanRunEnd_FinishesOnSuccess_RequeuesALostRun_RetriesThenFails()
    {
        var (life, r) = Submitted();
        life.Start(At("n1", 1), T0);
        var p = life.Running!;
        RunEnd End(int? code, bool lost = false) => new("j1", r.Attempt, code, null, false, lost, lost ? "node gone" : "", T0.AddHours(1));

        Assert.Equal(new RunEndPlan(false, JobStatus.Succeeded, "succeeded", "completed (exit code 0)"), life.PlanRunEnd(Spec, p, End(0)));

        var lost = life.PlanRunEnd(Spec, p, End(null, lost: true));
        Assert.Equal((true, JobStatus.Preempted, "lost"), (lost.Requeue, lost.RunStatus, lost.Kind));
        life.EndRun(p, End(null, lost: true), lost, T0.AddHours(1));
        Assert.Equal((JobStatus.Pending, 2, 1, 0), (r.Status, r.Attempt, r.LostRuns, r.Retries));

        life.Start(At("n1", 2), T0.AddHours(2));
        p = life.Running!;
        var retry = life.PlanRunEnd(Spec, p, End(3));
        Assert.Equal((true, JobStatus.Failed, "retrying", "attempt 2 failed (exit code 3); retry 1 of 1"), (retry.Requeue, retry.RunStatus, retry.Kind, retry.Detail));
        life.EndRun(p, End(3), retry, T0.AddHours(3));
        Assert.Equal((JobStatus.Pending, 3, 1), (r.Status, r.Attempt, r.Retries));

        life.Start(At("n1", 3), T0.AddHours(4));
        p = life.Running!;
        var fail = life.PlanRunEnd(Spec, p, End(3));
        life.EndRun(p, End(3), fail, T0.AddHours(5));
        Assert.Equal((JobStatus.Failed, "failed: exit code 3"), (r.Status, r.Outcome));
        Assert.True(life.IsTerminal);
    }

    [Fact]
    public void OwedRelease_OfAFinishedJob_ReleasesNodeAndPool_OfARequeuedOne_OnlyTheDepartmentRecord()
    {
        var (life, r) = Submitted();
        life.Start(At("n1", 1), T0);
        var p = life.Running!;
        Assert.Null(life.OwedRelease);

        life.Preempt(p, "j9", "x", T0.AddHours(1));
        life.BeginRelease(p, T0.AddHours(1));
        Assert.Equal((p, JobStatus.Preempted, T0.AddHours(1), false), life.OwedRelease);

        life.Start(At("n2", 2), T0.AddHours(2));
        Assert.Null(r.Releasing);
        p = life.Running!;
        life.Complete(p, succeeded: true, "", T0.AddHours(3));
        life.BeginRelease(p, T0.AddHours(3));
        Assert.Equal((p, JobStatus.Succeeded, T0.AddHours(3), true), life.OwedRelease);
    }

    [Fact]
    public void Usage_CountsOnlyWhileRunning_AndTheOutcomeCarriesItsAverage()
    {
        var (life, _) = Submitted();
        life.AddUsage([new UsageSample(T0, 0.5, 0.2, 1000)]);
        life.Start(At("n1", 1), T0);
        life.AddUsage([new UsageSample(T0, 0.5, 0.2, 1000), new UsageSample(T0, 0.7, 0.3, 3000)]);
        life.AddUsage(new RunUsageReport("j1", 7, [new UsageSample(T0, 0.9, 0.9, 9000)])); // another attempt's report
        var p = life.Running!;
        var status = life.Complete(p, succeeded: true, "done", T0.AddHours(2));
        life.BeginRelease(p, T0.AddHours(2));

        var outcome = life.Outcome(Spec, p, status, T0.AddHours(2));

        Assert.Equal((2000.0, 3000.0, TimeSpan.FromHours(2), "nightly"), (outcome.CpuAverageMilli, outcome.CpuPeakMilli, outcome.RunTime, outcome.Template));
        Assert.NotNull(outcome.EffectiveGpuUtilization);
    }

    [Fact]
    public void Usage_OverTime_KeepsEveryAttempt_AndTheViewShowsIt()
    {
        var (life, _) = Submitted();
        life.Start(At("n1", 1), T0);
        life.AddUsage([new UsageSample(T0, 0.5, 0.2, 1000)]);
        var p = life.Running!;
        life.Preempt(p, "j9", "needs the GPUs", T0.AddMinutes(3));
        life.AddUsage([new UsageSample(T0.AddMinutes(4), 0.9, 0.2, 1000)]); // pending: not measured
        life.Start(At("n2", 2), T0.AddMinutes(5));
        life.AddUsage([new UsageSample(T0.AddMinutes(5), 0.7, 0.3, 3000)]);

        var usage = life.View(Spec, T0.AddMinutes(6)).Usage;

        Assert.Equal([(1, 0.5), (2, 0.7)], usage.Select(u => (u.Attempt, u.GpuUtilization!.Value)));
    }

    [Fact]
    public void Cancel_WhilePending_EndsTheJobWithTheReason()
    {
        var (life, r) = Submitted();

        life.Cancel(null, "not needed", T0.AddMinutes(1));

        Assert.Equal((JobStatus.Cancelled, "cancelled: not needed"), (r.Status, r.Outcome));
        Assert.Equal("cancelled: not needed", life.View(Spec, T0.AddMinutes(2)).Explanation);
    }

    [Fact]
    public void IsRepeat_IdenticalSpecIsARepeat_AnotherSpecOrKeyIsRefused()
    {
        Assert.False(JobSubmission.IsRepeat(Spec, "j1", null));
        Assert.True(JobSubmission.IsRepeat(Spec, "j1", Spec));
        var differs = Assert.Throws<WpaiValidationException>(() => JobSubmission.IsRepeat(Spec with { Gpus = 4 }, "j1", Spec));
        Assert.Contains("already exists with a different spec", differs.Message, StringComparison.Ordinal);
        Assert.Equal("spec.jobId", Assert.Throws<WpaiValidationException>(() => JobSubmission.IsRepeat(Spec, "j2", null)).Field);
    }

    private sealed class Record : IJobRecord
    {
        public JobSpec? Spec { get; set; }

        public JobStatus Status { get; set; } = JobStatus.Pending;

        public Resources Requested { get; set; } = Resources.None;

        public Placement? Placement { get; set; }

        public DateTimeOffset SubmittedAt { get; set; }

        public DateTimeOffset QueuedAt { get; set; }

        public TimeSpan WaitedBefore { get; set; }

        public int Attempt { get; set; } = 1;

        public string? PreemptedBy { get; set; }

        public List<JobEvent> History { get; set; } = [];

        public List<double> GpuSamples { get; set; } = [];

        public List<UsagePoint> Usage { get; set; } = [];

        public double PeakGpuMemory { get; set; }

        public double CpuSum { get; set; }

        public int CpuCount { get; set; }

        public double CpuPeak { get; set; }

        public double? EffectiveGpuUtilization { get; set; }

        public ImmutableArray<string> Pools { get; set; } = [];

        public string? Outcome { get; set; }

        public string? ReclaimedFrom { get; set; }

        public int Reclaims { get; set; }

        public List<RunRecord> Runs { get; set; } = [];

        public int Retries { get; set; }

        public int LostRuns { get; set; }

        public Placement? Releasing { get; set; }

        public DateTimeOffset ReleasedAt { get; set; }
    }
}
