using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling.Cohorts;

namespace WPAI.Domain.Tests.Scheduling.Cohorts;

/// <summary>
/// Cases of Kueue's own preemption tests (kubernetes-sigs/kueue, <c>pkg/scheduler/preemption/preemption_test.go</c>,
/// <c>TestPreemption</c> and <c>TestCandidatesOrdering</c>) that the one-flavor, flat-cohort model of
/// <see cref="CohortPreemption"/> can express, rewritten in C#: each test carries the Go case's name; the ClusterQueues
/// are the test's <c>defaultClusterQueues</c> (cpu in cores → millicores, memory in GiB → MiB). Left out: cases with
/// several flavors, lending limits, hierarchical cohorts, <c>borrowWithinCohort</c>, fair sharing, priority boosts,
/// evicted workloads and local-queue usage.
/// </summary>
public sealed class KueuePreemptionPortTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly CohortQueue Standalone = new("standalone", Quota(6), InCohort: false, CohortPolicy.LowerPriority, CohortPolicy.Never);
    private static readonly CohortQueue C1 = new("c1", Quota(6, 3), InCohort: true, CohortPolicy.LowerPriority, CohortPolicy.LowerPriority, BorrowingLimit: Quota(6, 3));
    private static readonly CohortQueue C2 = new("c2", Quota(6, 3), InCohort: true, CohortPolicy.Never, CohortPolicy.Any, BorrowingLimit: Quota(6, 3));
    private static readonly CohortQueue D1 = new("d1", Quota(6, 3), InCohort: true, CohortPolicy.LowerPriority, CohortPolicy.LowerPriority);
    private static readonly CohortQueue D2 = new("d2", Quota(6, 3), InCohort: true, CohortPolicy.Never, CohortPolicy.Any);
    private static readonly CohortQueue L1 = new("l1", Quota(6, 3), InCohort: true, CohortPolicy.LowerPriority, CohortPolicy.LowerPriority, BorrowingLimit: Quota(12, 6));
    private static readonly CohortQueue PreventStarvation = new("preventStarvation", Quota(6), InCohort: false, CohortPolicy.LowerOrNewerEqualPriority, CohortPolicy.Never);

    [Fact(DisplayName = "TestPreemption: preempt lowest priority")]
    public void TestPreemption_PreemptLowestPriority() =>
        Assert.Equal(["low"], Preempted([Standalone], In("standalone", 2, priority: 1), W("low", "standalone", 2, -1), W("mid", "standalone", 2), W("high", "standalone", 2, 1)));

    [Fact(DisplayName = "TestPreemption: preempt multiple")]
    public void TestPreemption_PreemptMultiple() =>
        Assert.Equal(["low", "mid"], Preempted([Standalone], In("standalone", 3, priority: 1), W("low", "standalone", 2, -1), W("mid", "standalone", 2), W("high", "standalone", 2, 1)));

    [Fact(DisplayName = "TestPreemption: no preemption for low priority")]
    public void TestPreemption_NoPreemptionForLowPriority() =>
        Assert.Empty(Preempted([Standalone], In("standalone", 1, priority: -1), W("low", "standalone", 3, -1), W("mid", "standalone", 3)));

    [Fact(DisplayName = "TestPreemption: not enough low priority workloads")]
    public void TestPreemption_NotEnoughLowPriorityWorkloads() =>
        Assert.Empty(Preempted([Standalone], In("standalone", 4), W("low", "standalone", 3, -1), W("mid", "standalone", 3)));

    [Fact(DisplayName = "TestPreemption: some free quota, preempt low priority")]
    public void TestPreemption_SomeFreeQuotaPreemptLowPriority() =>
        Assert.Equal(["low"], Preempted([Standalone], In("standalone", 2, priority: 1), W("low", "standalone", 1, -1), W("mid", "standalone", 1), W("high", "standalone", 3, 1)));

    [Fact(DisplayName = "TestPreemption: minimal set excludes low priority")]
    public void TestPreemption_MinimalSetExcludesLowPriority() =>
        Assert.Equal(["mid"], Preempted([Standalone], In("standalone", 2, priority: 1), W("low", "standalone", 1, -1), W("mid", "standalone", 2), W("high", "standalone", 3, 1)));

    [Fact(DisplayName = "TestPreemption: reclaim quota from borrower")]
    public void TestPreemption_ReclaimQuotaFromBorrower() =>
        Assert.Equal(["c2-mid"], Preempted([C1, C2], In("c1", 3, priority: 1), W("c1-low", "c1", 3, -1), W("c2-mid", "c2", 3), W("c2-high", "c2", 6, 1)));

    [Fact(DisplayName = "TestPreemption: no workloads borrowing")]
    public void TestPreemption_NoWorkloadsBorrowing() =>
        Assert.Empty(Preempted([C1, C2], In("c1", 4, priority: 1), W("c1-high", "c1", 4, 1), W("c2-low-1", "c2", 4, -1)));

    [Fact(DisplayName = "TestPreemption: not enough workloads borrowing")]
    public void TestPreemption_NotEnoughWorkloadsBorrowing() =>
        Assert.Empty(Preempted([C1, C2], In("c1", 4, priority: 1), W("c1-high", "c1", 4, 1), W("c2-low-1", "c2", 4, -1), W("c2-low-2", "c2", 4, -1)));

    [Fact(DisplayName = "TestPreemption: preempting locally and borrowing other resources in cohort, without cohort candidates")]
    public void TestPreemption_PreemptingLocallyAndBorrowingOtherResourcesInCohortWithoutCohortCandidates() =>
        Assert.Equal(["c1-low"], Preempted([C1, C2], In("c1", 4, priority: 1, memoryGi: 5), W("c1-low", "c1", 4, -1), W("c2-low-1", "c2", 4, -1), W("c2-high-2", "c2", 4, 1)));

    [Fact(DisplayName = "TestPreemption: preempting locally and borrowing same resource in cohort")]
    public void TestPreemption_PreemptingLocallyAndBorrowingSameResourceInCohort() =>
        Assert.Equal(["c1-low"], Preempted([C1, C2], In("c1", 4, priority: 1), W("c1-med", "c1", 4), W("c1-low", "c1", 4, -1), W("c2-low-1", "c2", 4, -1)));

    [Fact(DisplayName = "TestPreemption: preempting locally and borrowing same resource in cohort; no borrowing limit in the cohort")]
    public void TestPreemption_PreemptingLocallyAndBorrowingSameResourceInCohortNoBorrowingLimitInTheCohort() =>
        Assert.Equal(["d1-low"], Preempted([D1, D2], In("d1", 4, priority: 1), W("d1-med", "d1", 4), W("d1-low", "d1", 4, -1), W("d2-low-1", "d2", 4, -1)));

    [Fact(DisplayName = "TestPreemption: preempting locally and borrowing other resources in cohort, with cohort candidates")]
    public void TestPreemption_PreemptingLocallyAndBorrowingOtherResourcesInCohortWithCohortCandidates() =>
        Assert.Equal(["c1-med"], Preempted([C1, C2], In("c1", 2, priority: 1, memoryGi: 5), W("c1-med", "c1", 4), W("c2-low-1", "c2", 5, -1), W("c2-low-2", "c2", 1, -1), W("c2-low-3", "c2", 1, -1)));

    [Fact(DisplayName = "TestPreemption: preempting locally and not borrowing same resource in 1-queue cohort")]
    public void TestPreemption_PreemptingLocallyAndNotBorrowingSameResourceIn1QueueCohort() =>
        Assert.Equal(["l1-med"], Preempted([L1], In("l1", 4, priority: 1), W("l1-med", "l1", 4), W("l1-low", "l1", 2, -1)));

    [Fact(DisplayName = "TestPreemption: do not reclaim borrowed quota from same priority for withinCohort=ReclaimFromLowerPriority")]
    public void TestPreemption_DoNotReclaimBorrowedQuotaFromSamePriorityForWithinCohortReclaimFromLowerPriority() =>
        Assert.Empty(Preempted([C1, C2], In("c1", 4), W("c1", "c1", 2), W("c2-1", "c2", 4), W("c2-2", "c2", 4)));

    [Fact(DisplayName = "TestPreemption: reclaim borrowed quota from same priority for withinCohort=ReclaimFromAny")]
    public void TestPreemption_ReclaimBorrowedQuotaFromSamePriorityForWithinCohortReclaimFromAny() =>
        Assert.Equal(["c1-1"], Preempted([C1, C2], In("c2", 4), W("c1-1", "c1", 4), W("c1-2", "c1", 4, 1), W("c2", "c2", 2)));

    [Fact(DisplayName = "TestPreemption: preempt from all ClusterQueues in cohort")]
    public void TestPreemption_PreemptFromAllClusterQueuesInCohort() =>
        Assert.Equal(["c1-low", "c2-low"], Preempted([C1, C2], In("c1", 4), W("c1-low", "c1", 3, -1), W("c1-mid", "c1", 2), W("c2-low", "c2", 3, -1), W("c2-mid", "c2", 4)));

    [Fact(DisplayName = "TestPreemption: can't preempt workloads in ClusterQueue for withinClusterQueue=Never")]
    public void TestPreemption_CantPreemptWorkloadsInClusterQueueForWithinClusterQueueNever() =>
        Assert.Empty(Preempted([C1, C2], In("c2", 4, priority: 1), W("c2-low", "c2", 3, -1)));

    [Fact(DisplayName = "TestPreemption: preempt newer workloads with the same priority")]
    public void TestPreemption_PreemptNewerWorkloadsWithTheSamePriority() =>
        Assert.Equal(["wl2"], Preempted(
            [PreventStarvation],
            In("preventStarvation", 2, priority: 1, created: Now.AddSeconds(-15)),
            W("wl1", "preventStarvation", 2, 2),
            W("wl2", "preventStarvation", 2, 1, admitted: Now.AddSeconds(1), created: Now),
            W("wl3", "preventStarvation", 2, 1, created: Now)));

    [Fact(DisplayName = "TestCandidatesOrdering: workloads sorted by priority")]
    public void TestCandidatesOrdering_WorkloadsSortedByPriority() =>
        Assert.Equal(["low", "high"], Ordered("preemptor", W("high", "preemptor", 1, 10), W("low", "preemptor", 1, -10)));

    [Fact(DisplayName = "TestCandidatesOrdering: workload from different CQ first")]
    public void TestCandidatesOrdering_WorkloadFromDifferentCqFirst() =>
        Assert.Equal(["other", "preemptorCq"], Ordered("preemptor", W("preemptorCq", "preemptor", 1, 10), W("other", "other", 1, 10)));

    [Fact(DisplayName = "TestCandidatesOrdering: old workloads last")]
    public void TestCandidatesOrdering_OldWorkloadsLast() =>
        Assert.Equal(["younger", "current", "older"], Ordered(
            "preemptor",
            W("older", "preemptor", 1, admitted: Now.AddSeconds(-1)),
            W("younger", "preemptor", 1, admitted: Now.AddSeconds(1)),
            W("current", "preemptor", 1)));

    private static Resources Quota(double cores, double memoryGi = 0) => new(0, (int)(cores * 1000), (long)(memoryGi * 1024));

    private static CohortWorkload In(string queue, double cores, int priority = 0, double memoryGi = 0, DateTimeOffset? created = null) =>
        new("in", queue, Quota(cores, memoryGi), priority, created ?? Now, Now);

    private static CohortWorkload W(string id, string queue, double cores, int priority = 0, DateTimeOffset? admitted = null, DateTimeOffset? created = null) =>
        new(id, queue, Quota(cores), priority, created ?? Now, admitted ?? Now);

    private static string[] Preempted(CohortQueue[] queues, CohortWorkload incoming, params CohortWorkload[] admitted) =>
        [.. CohortPreemption.Targets(incoming, queues, admitted).Select(t => t.Id).Order(StringComparer.Ordinal)];

    private static string[] Ordered(string queue, params CohortWorkload[] candidates) =>
        [.. CohortPreemption.Order(candidates, queue).Select(w => w.Id)];
}
