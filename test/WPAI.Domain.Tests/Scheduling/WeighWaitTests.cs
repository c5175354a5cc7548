using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingOptions.WeighWaitAgainstLostWork"/>: pool G2 of two 8-GPU nodes, both full. n1 holds department
/// B's borrowed 8-GPU run, 18 h in (144 GPU-h of work); n2 holds A's own-tier 4-GPU job expected to end in 1 h and 4 GPUs
/// of another own-tier job. A 4-GPU own-tier job of A arrives: it could preempt the long run, or wait about 1 h for n2.
/// </summary>
public sealed class WeighWaitTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static PoolLedger Ledger(double ownEndsInHours, int quotaA = 8) =>
        PoolLedger.Of(
            "G2",
            [EightGpuNodes.WithFree("n1", 0), EightGpuNodes.WithFree("n2", 0)],
            [
                new RunningJob("long", "B", "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 1_000, Now.AddHours(-18), Now.AddHours(40)),
                new RunningJob("own1", "A", "n2", new Resources(4, 1_000, 1_000), Tier.Own, 1_000_000, Now.AddHours(-2), Now.AddHours(ownEndsInHours)),
                new RunningJob("own2", "C", "n2", new Resources(4, 1_000, 1_000), Tier.Own, 1_000_000, Now.AddHours(-2), Now.AddHours(50)),
            ],
            new Dictionary<string, int> { ["A"] = quotaA, ["B"] = 0, ["C"] = 8 });

    private static PassPlan Plan(SchedulingOptions options, double ownEndsInHours) =>
        PoolPlanner.PlanPass(
            [new QueueEntry("small", "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(2))],
            Ledger(ownEndsInHours),
            options,
            Now);

    [Fact]
    public void PlanPass_RoomExpectedSoon_WaitsInsteadOfDestroyingTheLongRun()
    {
        var plan = Plan(new SchedulingOptions { WeighWaitAgainstLostWork = true }, ownEndsInHours: 1);

        Assert.Empty(plan.Actions);
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal(
            "could preempt long on n1, losing 144 GPU-h of their work, but room is expected on n2 at 2026-01-01 13:00:00Z (declared run times), a delay of 4 GPU-h: it waits",
            waiting.Reason);
        Assert.Equal("G2", waiting.PreemptOnlyIn);
    }

    [Fact]
    public void PlanPass_WaitCostingMoreThanTheLostWork_Preempts()
    {
        // Room on n2 only in 40 h: 4 GPUs × 40 h = 160 GPU-h of delay against 144 GPU-h lost.
        var plan = Plan(new SchedulingOptions { WeighWaitAgainstLostWork = true }, ownEndsInHours: 40);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
        Assert.Equal(["long"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_RoomClaimedByAJobRankedAhead_ThePreemptionIsWeighedAgainstTheLaterRoom()
    {
        // Two 4-GPU own-tier jobs: the first (waited longer) waits for n2's 4 GPUs at 13:00; beside its claim the second
        // fits n2 only when own2 ends in 50 h (4 × 50 = 200 GPU-h of delay > 144 GPU-h lost), so it preempts the long run.
        var options = new SchedulingOptions { WeighWaitAgainstLostWork = true };
        QueueEntry Small(string id, int minutesWaited) =>
            new(id, "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-minutesWaited), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(2));

        var plan = PoolPlanner.PlanPass([Small("first", 2), Small("second", 1)], Ledger(ownEndsInHours: 1, quotaA: 16), options, Now);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(("second", DecisionKind.Preempt), (action.Entry.JobId, action.Decision.Kind));
        Assert.Equal("first", Assert.Single(plan.Waiting).Entry.JobId);
    }

    /// <summary>The 4-GPU own-tier job of A (room on n2 in 20 h unless told: 4 × 20 = 80 GPU-h, less than the long run's 144) and behind it <paramref name="behind"/> borrowed jobs of B asking <paramref name="gpusBehind"/> GPUs each.</summary>
    private static PassPlan PlanWithQueueBehind(SchedulingOptions options, int behind, int gpusBehind = 1, double ownEndsInHours = 20)
    {
        QueueEntry Borrowed(int i) =>
            new($"b{i:00}", "B", new Resources(gpusBehind, 100, 100), ["G2"], Now.AddMinutes(-30), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(10));

        return PoolPlanner.PlanPass(
            [new QueueEntry("small", "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(2)), .. Enumerable.Range(1, behind).Select(Borrowed)],
            Ledger(ownEndsInHours),
            options,
            Now);
    }

    [Fact]
    public void PlanPass_WeighQueueBehind_JobsQueuedBehindTakeTheRestOfTheRun_Preempts()
    {
        // The long run's other 4 GPUs would go to the 1-GPU jobs queued behind: 8 GPUs × 20 h = 160 GPU-h ≥ 144.
        var plan = PlanWithQueueBehind(new SchedulingOptions { WeighWaitAgainstLostWork = true, WeighQueueBehind = true }, behind: 6);

        var preempting = Assert.Single(plan.Actions, a => a.Decision.Kind == DecisionKind.Preempt);
        Assert.Equal(("small", "n1"), (preempting.Entry.JobId, preempting.Decision.Node));
        Assert.Equal(["b01", "b02", "b03", "b04"], plan.Actions.Where(a => a.Decision.Kind == DecisionKind.Place).Select(a => a.Entry.JobId));
    }

    [Fact]
    public void PlanPass_WeighWaitAlone_JobsQueuedBehind_StillWaits()
    {
        var plan = PlanWithQueueBehind(new SchedulingOptions { WeighWaitAgainstLostWork = true }, behind: 6);

        Assert.Empty(plan.Actions);
        Assert.StartsWith("could preempt long on n1, losing 144 GPU-h of their work, but room is expected on n2 at 2026-01-02 08:00:00Z (declared run times), a delay of 80 GPU-h", plan.Waiting[0].Reason);
    }

    [Theory]
    [InlineData(0, 1)] // nothing queued behind: the job's GPUs alone
    [InlineData(6, 8)] // the jobs behind are wider than the 4 GPUs the run would leave: they could not use them
    public void PlanPass_WeighQueueBehind_NothingBehindCouldUseTheRest_Waits(int behind, int gpusBehind)
    {
        var plan = PlanWithQueueBehind(new SchedulingOptions { WeighWaitAgainstLostWork = true, WeighQueueBehind = true }, behind, gpusBehind);

        Assert.Empty(plan.Actions);
        Assert.EndsWith("a delay of 80 GPU-h: it waits", plan.Waiting[0].Reason);
    }

    [Fact]
    public void PlanPass_WeighQueueBehind_FreeGpusServeTheQueueFirst_Waits()
    {
        // Two 1-GPU jobs behind and two GPUs free elsewhere (n3): they need nothing of the long run's, so 4 × 20 = 80 < 144.
        var ledger = PoolLedger.Of(
            "G2",
            [EightGpuNodes.WithFree("n1", 0), EightGpuNodes.WithFree("n2", 0), EightGpuNodes.WithFree("n3", 2)],
            [.. Ledger(ownEndsInHours: 20).Running.Values, new RunningJob("other", "C", "n3", new Resources(6, 1_000, 1_000), Tier.Own, 1_000_000, Now.AddHours(-1), Now.AddHours(60))],
            new Dictionary<string, int> { ["A"] = 8, ["B"] = 0, ["C"] = 16 });
        QueueEntry Borrowed(int i) =>
            new($"b{i}", "B", new Resources(1, 100, 100), ["G2"], Now.AddMinutes(-30), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(10));

        var plan = PoolPlanner.PlanPass(
            [new QueueEntry("small", "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(2)), Borrowed(1), Borrowed(2)],
            ledger,
            new SchedulingOptions { WeighWaitAgainstLostWork = true, WeighQueueBehind = true },
            Now);

        Assert.DoesNotContain(plan.Actions, a => a.Decision.Kind == DecisionKind.Preempt);
        Assert.Equal(["b1", "b2"], plan.Actions.Select(a => a.Entry.JobId));
    }

    [Fact]
    public void PlanPass_WeighWaitPerJob_FiveJobsDelayedLongerThanTheRunsProgress_Preempts()
    {
        // In job-hours: the long run has 18 h of progress; waiting 4 h delays the job and the four 1-GPU jobs behind that
        // would take the rest of its GPUs: 5 × 4 = 20 job-h ≥ 18. In GPU-hours (8 × 4 = 32 < 144) it would wait.
        var perJob = PlanWithQueueBehind(new SchedulingOptions { WeighWaitAgainstLostWork = true, WeighQueueBehind = true, WeighWaitPerJob = true }, behind: 6, ownEndsInHours: 4);
        var perGpu = PlanWithQueueBehind(new SchedulingOptions { WeighWaitAgainstLostWork = true, WeighQueueBehind = true }, behind: 6, ownEndsInHours: 4);

        Assert.Equal(("small", DecisionKind.Preempt), (perJob.Actions[0].Entry.JobId, perJob.Actions[0].Decision.Kind));
        Assert.Empty(perGpu.Actions);
    }

    [Fact]
    public void PlanPass_WeighWaitPerJob_RoomSoonerThanTheRunsProgressPerJobDelayed_Waits()
    {
        var plan = PlanWithQueueBehind(new SchedulingOptions { WeighWaitAgainstLostWork = true, WeighQueueBehind = true, WeighWaitPerJob = true }, behind: 6, ownEndsInHours: 3);

        Assert.Empty(plan.Actions);
        Assert.Equal(
            "could preempt long on n1, losing 18 job-h of their work, but room is expected on n2 at 2026-01-01 15:00:00Z (declared run times), a delay of 15 job-h: it waits",
            plan.Waiting[0].Reason);
    }

    [Fact]
    public void PlanPass_DefaultOptions_Preempts()
    {
        var action = Assert.Single(Plan(new SchedulingOptions(), ownEndsInHours: 1).Actions);

        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
    }
}
