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

    private static PassPlan Plan(QueueEntry job, SchedulingOptions options, IReadOnlySet<string>? offeredOnward = null) =>
        PoolPlanner.PlanPass(
            [job],
            PoolLedger.Of(
                "V100",
                [new NodeSlot("n1", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(0, 32_000, 256_000))],
                [new RunningJob("b1", "B", "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 1_000, Now.AddHours(-1), null)],
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
