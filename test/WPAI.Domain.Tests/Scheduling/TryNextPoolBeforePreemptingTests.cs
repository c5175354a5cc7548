using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;
using WPAI.Domain.Scheduling.Cohorts;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// Kueue's <c>whenCanPreempt: TryNextFlavor</c> with pools as flavors: pool V100's one 8-GPU node is full with a
/// borrowed job of department "B"; department "A" owns all 8 GPUs, so its pending job could preempt — but it also
/// accepts T4, so with the switch on it is first offered there and preempts only once it has been.
/// </summary>
public sealed class TryNextPoolBeforePreemptingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static QueueEntry Job(params string[] pools) =>
        new("a1", "A", new Resources(4, 1_000, 1_000), [.. pools], Now.AddMinutes(-5), TimeSpan.Zero, 1);

    private static PassPlan Plan(QueueEntry job, SchedulingOptions options, IReadOnlySet<string>? offeredOnward = null, string pool = "V100", int freeGpus = 0) =>
        PoolPlanner.PlanPass(
            [job],
            PoolLedger.Of(
                pool,
                [
                    new NodeSlot("n1", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(0, 32_000, 256_000)),
                    new NodeSlot("n2", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(freeGpus, 32_000, 256_000)),
                ],
                [
                    new RunningJob("b1", "B", "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 1_000, Now.AddHours(-1), null),
                    new RunningJob("b2", "B", "n2", new Resources(8 - freeGpus, 1_000, 1_000), Tier.Borrowed, 1_000, Now.AddHours(-1), null),
                ],
                new Dictionary<string, int> { ["A"] = 8 }),
            options,
            Now,
            offeredOnward: offeredOnward);

    private static SchedulingOptions TryNext() => new() { TryNextPoolBeforePreempting = true };

    [Fact]
    public void PlanPass_CouldPreemptAndALaterPoolIsNotTriedYet_WaitsAndSaysItIsOfferedThereFirst()
    {
        var plan = Plan(Job("V100", "T4"), TryNext());

        Assert.Empty(plan.Actions);
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal("could preempt b1 on n1, but first offered to pool T4, where it may fit without preempting (flavor fungibility: whenCanPreempt TryNextFlavor)", waiting.Reason);
    }

    [Fact]
    public void PlanPass_AlreadyOfferedToTheLaterPool_Preempts()
    {
        var plan = Plan(Job("V100", "T4"), TryNext(), new HashSet<string> { "a1" });

        var action = Assert.Single(plan.Actions);
        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
        Assert.Equal(["b1"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_LastAcceptablePool_PreemptsAtOnce()
    {
        var plan = Plan(Job("T4", "V100"), TryNext());

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }

    [Fact]
    public void PlanPass_SwitchOff_PreemptsInTheFirstPoolAtOnce()
    {
        var plan = Plan(Job("V100", "T4"), new SchedulingOptions { TryNextPoolBeforePreempting = false });

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }

    [Fact]
    public void PlanPass_DefaultOptions_OffersTheLaterPoolBeforePreempting()
    {
        // Kueue's default (whenCanPreempt: TryNextFlavor) is WPAI's default too.
        var plan = Plan(Job("V100", "T4"), new SchedulingOptions());

        Assert.Empty(plan.Actions);
        Assert.StartsWith("could preempt b1 on n1, but first offered to pool T4", Assert.Single(plan.Waiting).Reason);
    }

    [Fact]
    public void PlanPass_FallbackOff_PreemptsAtOnce()
    {
        var options = TryNext();
        options.Fallback = false;

        var plan = Plan(Job("V100", "T4"), options);

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }

    [Fact]
    public void PlanPass_CouldPreemptHere_OffersTheJobOnNamingThisPoolAsTheOneWhereItPreempts()
    {
        var waiting = Assert.Single(Plan(Job("V100", "T4"), TryNext()).Waiting);

        Assert.Equal("V100", waiting.PreemptOnlyIn);
        Assert.Equal("V100", waiting.Onward.PreemptOnlyIn);
        Assert.Null(waiting.Entry.PreemptOnlyIn);
    }

    [Fact]
    public void PlanPass_OfferedOnBecauseItCouldPreemptInAnEarlierPool_DoesNotPreemptHere()
    {
        // Kueue's TryNextFlavor: a later flavor is taken only where the job fits; it preempts in the earliest flavor that can.
        var plan = Plan(Job("V100", "T4") with { PreemptOnlyIn = "V100" }, TryNext(), pool: "T4");

        Assert.Empty(plan.Actions);
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal("no room in pool T4 without preempting, and it preempts only in pool V100, the first of its pools where it could (flavor fungibility: whenCanPreempt TryNextFlavor)", waiting.Reason);
        Assert.Equal("V100", waiting.PreemptOnlyIn);
    }

    [Fact]
    public void PlanPass_OfferedOnBecauseItCouldPreemptInAnEarlierPool_TakesRoomHereWithoutPreempting()
    {
        var plan = Plan(Job("V100", "T4") with { PreemptOnlyIn = "V100" }, TryNext(), pool: "T4", freeGpus: 4);

        var action = Assert.Single(plan.Actions);
        Assert.Equal((DecisionKind.Place, "n2"), (action.Decision.Kind, action.Decision.Node));
        Assert.Null(action.Decision.Preemption);
    }

    [Fact]
    public void PlanPass_OfferedOnBecauseItCouldPreemptInAnEarlierPool_CarriesThatPoolToTheNext()
    {
        var waiting = Assert.Single(Plan(Job("V100", "T4", "P100") with { PreemptOnlyIn = "V100" }, TryNext(), pool: "T4").Waiting);

        Assert.Equal("V100", waiting.Onward.PreemptOnlyIn);
    }

    [Fact]
    public void PlanPass_CouldPreemptInNoEarlierPool_PreemptsInTheLaterPool()
    {
        // Offered on without a pool where it may preempt (it could preempt in none before): Kueue's first flavor whose mode is Preempt.
        var plan = Plan(Job("V100", "T4"), TryNext(), pool: "T4");

        var action = Assert.Single(plan.Actions);
        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
        Assert.Equal(["b1"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_SelectFirstFlavorWherePriorityBasedPreemptionIsPossible_PreemptsInTheFirstPoolOnly()
    {
        // After Kueue's TestReclaimBeforePriorityPreemption "Select first flavor where priority based preemption is
        // possible" (ported at the assigner's level in KueueFlavorAssignerPortTests): three pools, full, where the job could
        // preempt in each. The first offers it on naming itself; the later ones do not preempt; the first preempts on its next pass.
        var job = Job("uno", "due", "tre");
        var first = Assert.Single(Plan(job, TryNext(), pool: "uno").Waiting);
        var second = Assert.Single(Plan(first.Onward, TryNext(), pool: "due").Waiting);
        var third = Assert.Single(Plan(second.Onward, TryNext(), pool: "tre").Waiting);
        var again = Plan(job, TryNext(), new HashSet<string> { "a1" }, pool: "uno");

        Assert.Equal(("uno", "uno", "uno"), (first.PreemptOnlyIn, second.PreemptOnlyIn, third.PreemptOnlyIn));
        Assert.Equal(DecisionKind.Preempt, Assert.Single(again.Actions).Decision.Kind);
    }

    [Fact]
    public void QueueEntry_StoredBeforeTheField_MayPreemptInAnyPool()
    {
        // An entry built as the contract was before PreemptOnlyIn (the parameter omitted) keeps the old meaning.
        var entry = new QueueEntry("a1", "A", new Resources(4, 1_000, 1_000), ["V100", "T4"], Now, TimeSpan.Zero, 1, false, TimeSpan.Zero);

        Assert.Null(entry.PreemptOnlyIn);
        Assert.Equal(DecisionKind.Preempt, Assert.Single(Plan(entry, TryNext(), pool: "T4").Actions).Decision.Kind);
    }

    [Theory]
    [InlineData(FungibilityPolicy.TryNextFlavor, "T4", FlavorMode.Fit)]
    [InlineData(FungibilityPolicy.MayStopSearch, "V100", FlavorMode.Preempt)]
    public void FlavorAssigner_SameSituation_AgreesWithThePlanner(FungibilityPolicy whenCanPreempt, string flavor, FlavorMode mode)
    {
        // The situation above as Kueue's flavor assigner sees it: A's nominal V100 quota is used by B, which borrows it;
        // A's T4 quota is idle. With Kueue's default (TryNextFlavor) the job takes T4 without preempting.
        FlavorQuota Quota(string pool, int gpus) => new(pool, new Resources(gpus, 64_000, 512_000));
        var a = new FlavoredClusterQueue("A", [Quota("V100", 8), Quota("T4", 8)], Fungibility: new FlavorFungibility(WhenCanPreempt: whenCanPreempt));
        var b = new FlavoredClusterQueue("B", [Quota("V100", 0), Quota("T4", 0)]);

        var assigned = Assert.Single(FlavorAssigner.Assign(
            [new PodSetRequest("main", new Resources(4, 1_000, 1_000))],
            a,
            [a, b],
            [new FlavorUsage("B", "V100", new Resources(8, 1_000, 1_000))]));

        Assert.Equal((flavor, mode), (assigned.Flavor, assigned.Mode));
    }
}
