using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling.Cohorts;

namespace WPAI.Domain.Tests.Scheduling.Cohorts;

/// <summary>
/// Cases of Kueue's own flavor-assignment tests (kubernetes-sigs/kueue, <c>pkg/scheduler/flavorassigner/flavorassigner_test.go</c>,
/// <c>TestAssignFlavors</c> and <c>TestReclaimBeforePriorityPreemption</c>) that <see cref="FlavorAssigner"/>'s model
/// (one resource group whose flavors cover GPUs, CPU and memory; a flat cohort) can express, rewritten in C#: each test
/// carries the Go case's name. cpu in cores → millicores, memory in Mi/Gi → MiB, Kueue's <c>gpu</c>/<c>example.com/gpu</c>
/// → GPUs, <c>compute</c> → CPU. The test's <c>simulationResult</c> is the oracle; without one it answers "preempt, no
/// borrowing" as Kueue's test oracle does. Taints, node selectors and affinity become the pod set's eligible flavors (a
/// job's acceptable GPU models). Each case checks the chosen flavor per pod set, its mode and borrowing, and every
/// flavor attempt in order. The <c>pods</c> quota of some cases (10 pods, 1 asked, never binding) is left out.
/// </summary>
public sealed class KueueFlavorAssignerPortTests
{
    private static readonly FlavorFungibility MayStop = new(FungibilityPolicy.MayStopSearch, FungibilityPolicy.MayStopSearch);
    private static readonly FlavorFungibility TryNext = new(FungibilityPolicy.TryNextFlavor, FungibilityPolicy.TryNextFlavor);

    [Fact(DisplayName = "TestAssignFlavors: single flavor, fits")]
    public void TestAssignFlavors_SingleFlavorFits() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("default", Cpu(1, memMi: 2))), [Pods(Cpu(1, memMi: 1))]),
            "main: default Fit [default=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: single flavor, used resources, doesn't fit")]
    public void TestAssignFlavors_SingleFlavorUsedResourcesDoesntFit() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("default", Cpu(4))), [Pods(Cpu(2))], usage: [U("cq", "default", Cpu(3))]),
            "main: default Preempt [default=Preempt]");

    [Fact(DisplayName = "TestAssignFlavors: multiple resources in a group, doesn't fit")]
    public void TestAssignFlavors_MultipleResourcesInAGroupDoesntFit() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(2, memMi: 1024)), F("two", Cpu(4, memMi: 5))), [Pods(Cpu(3, memMi: 10))]),
            "main: - NoFit [one=NoFit two=NoFit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple flavors, fits while skipping tainted flavor")]
    public void TestAssignFlavors_MultipleFlavorsFitsWhileSkippingTaintedFlavor() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("tainted", Cpu(4)), F("two", Cpu(4))), [Pods(Cpu(3), eligible: ["two"])]),
            "main: two Fit [tainted=NoFit two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple flavors, fits a node selector")]
    public void TestAssignFlavors_MultipleFlavorsFitsANodeSelector() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(4)), F("two", Cpu(4))), [Pods(Cpu(1), eligible: ["two"])]),
            "main: two Fit [one=NoFit two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple flavors, fits with node affinity")]
    public void TestAssignFlavors_MultipleFlavorsFitsWithNodeAffinity() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(4, memMi: 1024)), F("two", Cpu(4, memMi: 1024))), [Pods(Cpu(1, memMi: 1), eligible: ["two"])]),
            "main: two Fit [one=NoFit two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple flavors, node affinity fits any flavor")]
    public void TestAssignFlavors_MultipleFlavorsNodeAffinityFitsAnyFlavor() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(4)), F("two", Cpu(4))), [Pods(Cpu(1), eligible: ["one", "two"])]),
            "main: one Fit [one=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple flavors, doesn't fit node affinity")]
    public void TestAssignFlavors_MultipleFlavorsDoesntFitNodeAffinity() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(4)), F("two", Cpu(4))), [Pods(Cpu(1), eligible: [])]),
            "main: - NoFit [one=NoFit two=NoFit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple specs, fit different flavors")]
    public void TestAssignFlavors_MultipleSpecsFitDifferentFlavors() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(4)), F("two", Cpu(10))), [new PodSetRequest("driver", Cpu(5)), new PodSetRequest("worker", Cpu(3))]),
            "driver: two Fit [one=NoFit two=Fit]",
            "worker: one Fit [one=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: multiple specs, fits borrowing")]
    public void TestAssignFlavors_MultipleSpecsFitsBorrowing() =>
        Expect(
            Assign(
                Q("cq", inCohort: true, new FlavorQuota("default", Cpu(2, memMi: 2 * 1024), BorrowingLimit: Cpu(98, memMi: long.MaxValue / 4))),
                [new PodSetRequest("driver", Cpu(4, memMi: 1024)), new PodSetRequest("worker", Cpu(6, memMi: 4 * 1024))],
                cohort: [Q("secondary", inCohort: true, F("default", Cpu(198, memMi: 198 * 1024)))]),
            "driver: default Fit/borrow [default=Fit/borrow]",
            "worker: default Fit/borrow [default=Fit/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: not enough space to borrow")]
    public void TestAssignFlavors_NotEnoughSpaceToBorrow() =>
        Expect(
            Assign(
                Q("cq", inCohort: true, F("one", Cpu(1))),
                [Pods(Cpu(2))],
                cohort: [Q("secondary", inCohort: true, new FlavorQuota("one", Cpu(10), LendingLimit: Cpu(0)))],
                usage: [U("secondary", "one", Cpu(9))]),
            "main: - NoFit [one=NoFit]");

    [Fact(DisplayName = "TestAssignFlavors: past max, but can preempt in ClusterQueue")]
    public void TestAssignFlavors_PastMaxButCanPreemptInClusterQueue() =>
        Expect(
            Assign(
                Q("cq", inCohort: true, new FlavorQuota("one", Cpu(2), BorrowingLimit: Cpu(8))),
                [Pods(Cpu(2))],
                cohort: [Q("secondary", inCohort: true, F("one", Cpu(98)))],
                usage: [U("cq", "one", Cpu(9)), U("secondary", "one", Cpu(9))],
                oracle: Oracle(("one", QuotaResource.Cpu, PreemptionPossibility.Preempt, true))),
            "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: past min, but can preempt in ClusterQueue")]
    public void TestAssignFlavors_PastMinButCanPreemptInClusterQueue() =>
        Expect(
            Assign(Q("cq", inCohort: false, F("one", Cpu(2))), [Pods(Cpu(2))], usage: [U("cq", "one", Cpu(1))]),
            "main: one Preempt [one=Preempt]");

    [Fact(DisplayName = "TestAssignFlavors: past min, but can preempt in cohort and ClusterQueue")]
    public void TestAssignFlavors_PastMinButCanPreemptInCohortAndClusterQueue() =>
        Expect(
            Assign(
                Q("cq", inCohort: true, F("one", Cpu(3))),
                [Pods(Cpu(2))],
                cohort: [Q("secondary", inCohort: true, F("one", Cpu(7)))],
                usage: [U("cq", "one", Cpu(2)), U("secondary", "one", Cpu(8))],
                oracle: Oracle(("one", QuotaResource.Cpu, PreemptionPossibility.Preempt, true))),
            "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: preempt before try next flavor")]
    public void TestAssignFlavors_PreemptBeforeTryNextFlavor() =>
        Expect(TwoFlavorsOneUsed(MayStop), "main: one Preempt [one=Preempt]");

    [Fact(DisplayName = "TestAssignFlavors: preempt before try next flavor; using WhenCanBorrow=MayStopSearch,WhenCanPreempt=MayStopSearch")]
    public void TestAssignFlavors_PreemptBeforeTryNextFlavorUsingMayStopSearch() =>
        Expect(TwoFlavorsOneUsed(MayStop), "main: one Preempt [one=Preempt]");

    [Fact(DisplayName = "TestAssignFlavors: preempt try next flavor")]
    public void TestAssignFlavors_PreemptTryNextFlavor() =>
        Expect(TwoFlavorsOneUsed(fungibility: null), "main: two Fit [one=Preempt two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: borrow try next flavor, found the first flavor")]
    public void TestAssignFlavors_BorrowTryNextFlavorFoundTheFirstFlavor() =>
        Expect(BorrowOrNext(TryNext, secondFlavorCpu: 1), "main: one Fit/borrow [one=Fit/borrow two=NoFit]");

    [Fact(DisplayName = "TestAssignFlavors: borrow try next flavor, found the second flavor")]
    public void TestAssignFlavors_BorrowTryNextFlavorFoundTheSecondFlavor() =>
        Expect(BorrowOrNext(TryNext, secondFlavorCpu: 10), "main: two Fit [one=Fit/borrow two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: borrow before try next flavor")]
    public void TestAssignFlavors_BorrowBeforeTryNextFlavor() =>
        Expect(BorrowOrNext(fungibility: null, secondFlavorCpu: 10), "main: one Fit/borrow [one=Fit/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed for flavor one; WhenCanBorrow=MayStopSearch")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededForFlavorOneMayStopSearch() =>
        Expect(BorrowWhilePreempting(MayStop, Cpu(12), secondaryUsed: 10), "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed for flavor one; WhenCanBorrow=MayStopSearch,WhenCanPreempt=MayStopSearch")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededForFlavorOneBothMayStopSearch() =>
        Expect(BorrowWhilePreempting(MayStop, Cpu(12), secondaryUsed: 10), "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed for flavor one, no borrowingLimit; WhenCanBorrow=MayStopSearch")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededNoBorrowingLimitMayStopSearch() =>
        Expect(BorrowWhilePreempting(MayStop, borrowingLimit: null, secondaryUsed: 10), "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed for flavor one, no borrowingLimit; WhenCanBorrow=MayStopSearch,WhenCanPreempt=MayStopSearch")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededNoBorrowingLimitBothMayStopSearch() =>
        Expect(BorrowWhilePreempting(MayStop, borrowingLimit: null, secondaryUsed: 10), "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed for flavor one; WhenCanBorrow=TryNextFlavor")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededForFlavorOneTryNextFlavor() =>
        Expect(
            BorrowWhilePreempting(new FlavorFungibility(FungibilityPolicy.TryNextFlavor, FungibilityPolicy.MayStopSearch), Cpu(12), secondaryUsed: 0),
            "main: two Fit [one=Fit/borrow two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed for flavor one; WhenCanBorrow=TryNextFlavor,WhenCanPreempt=MayStopSearch")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededForFlavorOneTryNextFlavorMayStopSearch() =>
        Expect(
            BorrowWhilePreempting(new FlavorFungibility(FungibilityPolicy.TryNextFlavor, FungibilityPolicy.MayStopSearch), Cpu(12), secondaryUsed: 0),
            "main: two Fit [one=Fit/borrow two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: when borrowing while preemption is needed, but borrowingLimit exceeds the quota available in the cohort")]
    public void TestAssignFlavors_WhenBorrowingWhilePreemptionIsNeededButBorrowingLimitExceedsTheCohort() =>
        Expect(
            Assign(
                Q("cq", inCohort: true, new FlavorQuota("one", Cpu(0), BorrowingLimit: Cpu(12))) with { PreemptWhileBorrowing = true },
                [Pods(Cpu(12))],
                cohort: [Q("secondary", inCohort: true, F("one", Cpu(11)))],
                usage: [U("secondary", "one", Cpu(10))]),
            "main: - NoFit [one=NoFit]");

    [Fact(DisplayName = "TestAssignFlavors: lend try next flavor, found the second flavor")]
    public void TestAssignFlavors_LendTryNextFlavorFoundTheSecondFlavor() =>
        Expect(LendOrNext(secondNominal: 10), "main: two Fit [one=Fit/borrow two=Fit]");

    [Fact(DisplayName = "TestAssignFlavors: lend try next flavor, found the first flavor")]
    public void TestAssignFlavors_LendTryNextFlavorFoundTheFirstFlavor() =>
        Expect(LendOrNext(secondNominal: 1), "main: one Fit/borrow [one=Fit/borrow two=NoFit]");

    [Fact(DisplayName = "TestAssignFlavors: cannot preempt in cohort (oracle returns None) for the first flavor, tries the second flavor (which fits)")]
    public void TestAssignFlavors_CannotPreemptInCohortTriesTheSecondFlavor() =>
        Expect(NoCandidatesInFirst(), "main: two Fit/borrow [one=NoCandidates two=Fit/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: cannot preempt in cohort (oracle returns None) for the first flavor, tries the second flavor (which fits); using deprecated WhenCanBorrow=MayStopSearch,WhenCanPreempt=MayStopSearch")]
    public void TestAssignFlavors_CannotPreemptInCohortTriesTheSecondFlavorMayStopSearch() =>
        Expect(NoCandidatesInFirst(), "main: two Fit/borrow [one=NoCandidates two=Fit/borrow]");

    [Fact(DisplayName = "TestAssignFlavors: quota exhausted, but can preempt in cohort and ClusterQueue")]
    public void TestAssignFlavors_QuotaExhaustedButCanPreemptInCohortAndClusterQueue() =>
        Expect(
            Assign(
                Q("cq", inCohort: true, new FlavorQuota("one", Cpu(10), LendingLimit: Cpu(0))),
                [Pods(Cpu(9))],
                cohort: [Q("secondary", inCohort: true, F("one", Cpu(0)))],
                usage: [U("cq", "one", Cpu(2))],
                oracle: Oracle(("one", QuotaResource.Cpu, PreemptionPossibility.Preempt, true))),
            "main: one Preempt/borrow [one=Preempt/borrow]");

    [Fact(DisplayName = "TestReclaimBeforePriorityPreemption: Select first flavor which fits")]
    public void TestReclaimBeforePriorityPreemption_SelectFirstFlavorWhichFits() =>
        Expect(
            Reclaim(Gpu(10), [U("test", "uno", Gpu(1)), U("other", "due", Gpu(1))]),
            "main: tre Fit [uno=Preempt due=Preempt tre=Fit]");

    [Fact(DisplayName = "TestReclaimBeforePriorityPreemption: Select first flavor where gpu reclamation is possible")]
    public void TestReclaimBeforePriorityPreemption_SelectFirstFlavorWhereGpuReclamationIsPossible() =>
        Expect(
            Reclaim(
                Gpu(10),
                [U("test", "uno", Gpu(1)), U("other", "due", Gpu(1)), U("other", "tre", Gpu(1))],
                oracle: Oracle(("uno", QuotaResource.Gpus, PreemptionPossibility.Preempt, false), ("due", QuotaResource.Gpus, PreemptionPossibility.Reclaim, false))),
            "main: due Reclaim [uno=Preempt due=Reclaim tre=Preempt]");

    [Fact(DisplayName = "TestReclaimBeforePriorityPreemption: Select first flavor when flavor fungibility is disabled")]
    public void TestReclaimBeforePriorityPreemption_SelectFirstFlavorWhenFlavorFungibilityIsDisabled() =>
        Expect(
            Reclaim(Gpu(10), [U("test", "uno", Gpu(1)), U("other", "due", Gpu(1)), U("other", "tre", Gpu(1))], fungibility: new FlavorFungibility(WhenCanPreempt: FungibilityPolicy.MayStopSearch)),
            "main: uno Preempt [uno=Preempt]");

    [Fact(DisplayName = "TestReclaimBeforePriorityPreemption: Select first flavor when flavor fungibility is disabled; using deprecated WhenCanPreempt=MayStopSearch")]
    public void TestReclaimBeforePriorityPreemption_SelectFirstFlavorWhenFlavorFungibilityIsDisabledDeprecated() =>
        Expect(
            Reclaim(Gpu(10), [U("test", "uno", Gpu(1)), U("other", "due", Gpu(1)), U("other", "tre", Gpu(1))], fungibility: new FlavorFungibility(WhenCanPreempt: FungibilityPolicy.MayStopSearch)),
            "main: uno Preempt [uno=Preempt]");

    [Fact(DisplayName = "TestReclaimBeforePriorityPreemption: Select first flavor where priority based preemption is possible")]
    public void TestReclaimBeforePriorityPreemption_SelectFirstFlavorWherePriorityBasedPreemptionIsPossible() =>
        Expect(
            Reclaim(Gpu(10), [U("test", "uno", Gpu(1)), U("test", "due", Gpu(1)), U("test", "tre", Gpu(1))]),
            "main: uno Preempt [uno=Preempt due=Preempt tre=Preempt]");

    [Fact(DisplayName = "TestReclaimBeforePriorityPreemption: Select second flavor where gpu reclamation is possible, as compute Fits")]
    public void TestReclaimBeforePriorityPreemption_SelectSecondFlavorWhereGpuReclamationIsPossibleAsComputeFits() =>
        Expect(
            Reclaim(
                new Resources(10, 10_000, 0),
                [U("test", "uno", new Resources(1, 1_000, 0)), U("test", "due", Cpu(1)), U("other", "due", Gpu(1)), U("other", "tre", Gpu(1))],
                oracle: Oracle(
                    ("uno", QuotaResource.Gpus, PreemptionPossibility.Preempt, false),
                    ("due", QuotaResource.Gpus, PreemptionPossibility.Reclaim, false),
                    ("tre", QuotaResource.Gpus, PreemptionPossibility.Reclaim, false))),
            "main: tre Reclaim [uno=Preempt due=Preempt tre=Reclaim]");

    [Fact]
    public void RepresentativeMode_IsTheWorstPodSets_WhenALaterPodSetNeedsPreemption()
    {
        // a (1 cpu) fits the 2 unused; b's 2 cpu on top of a's need preemption.
        var podSets = Assign(Q("cq", inCohort: false, F("one", Cpu(4))), [new PodSetRequest("a", Cpu(1)), new PodSetRequest("b", Cpu(2))], usage: [U("cq", "one", Cpu(2))]);

        Assert.Equal([FlavorMode.Fit, FlavorMode.Preempt], podSets.Select(p => p.Mode));
        Assert.Equal(FlavorMode.Preempt, FlavorAssigner.RepresentativeMode(podSets));
    }

    // "preempt … try next flavor": flavors one and two with 10 cpu each, 2 cpu used in one, 9 asked.
    private static ImmutableArray<PodSetFlavor> TwoFlavorsOneUsed(FlavorFungibility? fungibility) =>
        Assign(
            Q("cq", inCohort: false, F("one", Cpu(10)), F("two", Cpu(10))) with { Fungibility = fungibility },
            [Pods(Cpu(9))],
            usage: [U("cq", "one", Cpu(2))]);

    // "borrow … try next flavor": one has 10 cpu (borrowing limit 1, 2 used), two has secondFlavorCpu; the secondary queue lends 1 cpu of one.
    private static ImmutableArray<PodSetFlavor> BorrowOrNext(FlavorFungibility? fungibility, int secondFlavorCpu) =>
        Assign(
            Q("cq", inCohort: true, new FlavorQuota("one", Cpu(10), BorrowingLimit: Cpu(1)), F("two", Cpu(secondFlavorCpu))) with { Fungibility = fungibility },
            [Pods(Cpu(9))],
            cohort: [Q("secondary", inCohort: true, F("one", Cpu(1)))],
            usage: [U("cq", "one", Cpu(2))]);

    // "when borrowing while preemption is needed": one has no nominal quota (borrowing limit 12 or none), two 12; the secondary owns 12 of one.
    private static ImmutableArray<PodSetFlavor> BorrowWhilePreempting(FlavorFungibility fungibility, Resources? borrowingLimit, int secondaryUsed) =>
        Assign(
            Q("cq", inCohort: true, new FlavorQuota("one", Cpu(0), BorrowingLimit: borrowingLimit), F("two", Cpu(12))) with { Fungibility = fungibility, PreemptWhileBorrowing = true },
            [Pods(Cpu(12))],
            cohort: [Q("secondary", inCohort: true, F("one", Cpu(12)))],
            usage: [U("secondary", "one", Cpu(secondaryUsed))],
            oracle: Oracle(("one", QuotaResource.Cpu, PreemptionPossibility.Preempt, true)));

    // "lend try next flavor": one has 10 cpu lending 1 (2 used), two lends nothing; the secondary owns 1 cpu of one.
    private static ImmutableArray<PodSetFlavor> LendOrNext(int secondNominal) =>
        Assign(
            Q("cq", inCohort: true, new FlavorQuota("one", Cpu(10), LendingLimit: Cpu(1)), new FlavorQuota("two", Cpu(secondNominal), LendingLimit: Cpu(0))) with { Fungibility = TryNext },
            [Pods(Cpu(9))],
            cohort: [Q("secondary", inCohort: true, F("one", Cpu(1)))],
            usage: [U("cq", "one", Cpu(2))]);

    // "cannot preempt in cohort": both flavors 0 nominal, borrowing limit 2; the secondary owns 2 of each and uses 2 of one.
    private static ImmutableArray<PodSetFlavor> NoCandidatesInFirst() =>
        Assign(
            Q("cq", inCohort: true, new FlavorQuota("one", Cpu(0), BorrowingLimit: Cpu(2)), new FlavorQuota("two", Cpu(0), BorrowingLimit: Cpu(2))) with { Fungibility = MayStop, PreemptWhileBorrowing = true },
            [Pods(Cpu(2))],
            cohort: [Q("secondary", inCohort: true, F("one", Cpu(2)), F("two", Cpu(2)))],
            usage: [U("secondary", "one", Cpu(2))],
            oracle: Oracle(("one", QuotaResource.Cpu, PreemptionPossibility.NoCandidates, false)));

    // TestReclaimBeforePriorityPreemption: flavors uno, due, tre with 10 gpu and 10 compute each; the other queue owns none.
    private static ImmutableArray<PodSetFlavor> Reclaim(Resources request, FlavorUsage[] usage, FlavorFungibility? fungibility = null, Func<string, QuotaResource, PreemptionSimulation>? oracle = null)
    {
        var ten = new Resources(10, 10_000, 0);
        var test = Q("test", inCohort: true, F("uno", ten), F("due", ten), F("tre", ten)) with
        {
            Fungibility = fungibility ?? new FlavorFungibility(WhenCanPreempt: FungibilityPolicy.TryNextFlavor),
        };
        var other = Q("other", inCohort: true, F("uno", Resources.None), F("due", Resources.None), F("tre", Resources.None));
        return Assign(test, [Pods(request)], cohort: [other], usage: usage, oracle: oracle);
    }

    private static Resources Cpu(int cores, long memMi = 0) => new(0, cores * 1000, memMi);

    private static Resources Gpu(int gpus) => new(gpus, 0, 0);

    private static FlavorQuota F(string name, Resources nominal) => new(name, nominal);

    private static FlavoredClusterQueue Q(string name, bool inCohort, params FlavorQuota[] flavors) => new(name, [.. flavors], inCohort);

    private static FlavorUsage U(string queue, string flavor, Resources used) => new(queue, flavor, used);

    private static PodSetRequest Pods(Resources request, string[]? eligible = null) =>
        new("main", request, eligible is null ? null : [.. eligible]);

    private static Func<string, QuotaResource, PreemptionSimulation> Oracle(params (string Flavor, QuotaResource Resource, PreemptionPossibility Possibility, bool Borrows)[] results) =>
        (flavor, resource) => results.FirstOrDefault(r => r.Flavor == flavor && r.Resource == resource) is { Flavor: not null } hit
            ? new PreemptionSimulation(hit.Possibility, hit.Borrows)
            : PreemptionSimulation.Preempt;

    private static ImmutableArray<PodSetFlavor> Assign(
        FlavoredClusterQueue queue,
        PodSetRequest[] podSets,
        FlavoredClusterQueue[]? cohort = null,
        FlavorUsage[]? usage = null,
        Func<string, QuotaResource, PreemptionSimulation>? oracle = null) =>
        FlavorAssigner.Assign(podSets, queue, [queue, .. cohort ?? []], usage ?? [], oracle);

    private static void Expect(ImmutableArray<PodSetFlavor> podSets, params string[] expected) =>
        Assert.Equal(expected, podSets.Select(Describe).ToArray());

    private static string Describe(PodSetFlavor p) =>
        $"{p.Name}: {p.Flavor ?? "-"} {Mode(p.Mode, p.Borrows)} [{string.Join(' ', p.Attempts.Select(a => $"{a.Flavor}={Mode(a.Mode, a.Borrows)}"))}]";

    private static string Mode(FlavorMode mode, bool borrows) => borrows && mode != FlavorMode.NoFit ? $"{mode}/borrow" : mode.ToString();
}
