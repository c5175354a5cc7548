using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="ReleaseRoom"/>: the actions of one pass run at once, so a placement that counts on the room another
/// preemption of the pass frees waits for the next pass; every action carried out is admitted by its node in whatever
/// order the pass's reservations and releases reach it.
/// </summary>
public sealed class ReleaseRoomTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Resources Gpus(int gpus) => new(gpus, 1_000, 1_000);

    private static QueueEntry Own(string id, int gpus, int queuedMinutesAgo = 1) =>
        new(id, "A", Gpus(gpus), ["G2"], Now.AddMinutes(-queuedMinutesAgo), TimeSpan.Zero, 1);

    private static RunningJob Borrowed(string id, int gpus) => new(id, "B", "n1", Gpus(gpus), Tier.Borrowed, 1_000, Now.AddHours(-1));

    private static PoolLedger OneNode(int freeGpus, params RunningJob[] running) =>
        PoolLedger.Of("G2", [EightGpuNodes.WithFree("n1", freeGpus)], running, new Dictionary<string, int> { ["A"] = 8 });

    private static SchedulingOptions Options => new() { TryNextPoolBeforePreempting = false };

    [Fact]
    public void PlanPass_PlacementOnTheRoomAnotherPreemptionFrees_AwaitsRelease()
    {
        // a1 evicts b's 8 GPUs and takes 4; a2 is planned on the other 4, which the node has only once b's release arrives.
        var plan = PoolPlanner.PlanPass([Own("a1", 4, 2), Own("a2", 4)], OneNode(0, Borrowed("b", 8)), Options, Now);

        Assert.Equal(["a1", "a2"], plan.Actions.Select(a => a.Entry.JobId));
        Assert.Equal(DecisionKind.Preempt, plan.Actions[0].Decision.Kind);
        Assert.False(plan.Actions[0].AwaitsRelease);
        Assert.Equal(("n1", true), (plan.Actions[1].Decision.Node, plan.Actions[1].AwaitsRelease));
    }

    [Fact]
    public void PlanPass_PlacementFittingTheRoomFreeBeforeThePass_IsCarriedOut()
    {
        // a1 evicts b's 6 GPUs and takes them; a2 takes the 2 GPUs that were free before the pass.
        var plan = PoolPlanner.PlanPass([Own("a1", 6, 2), Own("a2", 2)], OneNode(2, Borrowed("b", 6)), Options, Now);

        Assert.Equal(["a1", "a2"], plan.Actions.Select(a => a.Entry.JobId));
        Assert.All(plan.Actions, a => Assert.False(a.AwaitsRelease));
    }

    [Fact]
    public void Mark_NoPreemptionInThePass_LeavesEveryPlacement()
    {
        var ledger = OneNode(8);
        ImmutableArray<PlannedAction> actions = [Place("a1", 4), Place("a2", 4)];

        Assert.Equal(actions, ReleaseRoom.Mark(actions, ledger));
    }

    [Fact]
    public void Mark_TwoPreemptionsAndPlacementsOnOneNode_KeepsWhatEveryOrderOfArrivalAdmits()
    {
        // 1 GPU free; v1 (2 GPUs) and v2 (4 GPUs) borrowed. In plan order: d0 takes the free GPU, p1 evicts v1 for 2 GPUs,
        // p2 evicts v2 for 3 GPUs, d1 takes the GPU p2 leaves.
        RunningJob v1 = Borrowed("v1", 2), v2 = Borrowed("v2", 4);
        var ledger = OneNode(1, v1, v2, Borrowed("other", 1));
        ImmutableArray<PlannedAction> actions = [Place("d0", 1), Preempt("p1", 2, v1), Preempt("p2", 3, v2), Place("d1", 1)];

        var marked = ReleaseRoom.Mark(actions, ledger);

        Assert.Equal(["d1"], marked.Where(a => a.AwaitsRelease).Select(a => a.Entry.JobId));
        var kept = marked.Where(a => !a.AwaitsRelease).ToList();
        var orders = Orders(kept).ToList();
        Assert.Equal(30, orders.Count); // d0, v1 → p1 and v2 → p2 interleaved: 5! / (2 × 2)
        Assert.All(orders, order => Assert.Empty(Refused(ledger.Nodes["n1"].Free, order)));

        // d1, had it been sent with them, would be admitted or refused depending on the order.
        var withD1 = Orders([.. kept, actions[3]]).Select(order => Refused(ledger.Nodes["n1"].Free, order)).ToList();
        Assert.Contains(withD1, refused => refused.Contains("d1"));
        Assert.Contains(withD1, refused => refused.Count == 0);
    }

    private static PlannedAction Place(string id, int gpus) =>
        new(Own(id, gpus), new Decision(DecisionKind.Place, "n1", Tier.Own, 1_000_000, null, "fits"));

    private static PlannedAction Preempt(string id, int gpus, params RunningJob[] victims) =>
        new(Own(id, gpus), new Decision(DecisionKind.Preempt, "n1", Tier.Own, 1_000_000, new PreemptionPlan("n1", [.. victims]), "preempts"));

    /// <summary>A call reaching the node: a victim's release or a reservation.</summary>
    private sealed record Arrival(PlannedAction Action, RunningJob? Released);

    /// <summary>Every order in which the node can receive the actions' calls: an action's releases come before its reservation.</summary>
    private static IEnumerable<ImmutableArray<Arrival>> Orders(IReadOnlyList<PlannedAction> actions)
    {
        var sequences = actions.Select(a => (a.Decision.Preemption?.Victims ?? []).Select(v => new Arrival(a, v)).Append(new Arrival(a, null)).ToImmutableArray()).ToList();
        return Interleave(sequences, new int[sequences.Count], []);
    }

    private static IEnumerable<ImmutableArray<Arrival>> Interleave(List<ImmutableArray<Arrival>> sequences, int[] next, ImmutableArray<Arrival> so)
    {
        if (sequences.Select((s, i) => next[i] == s.Length).All(done => done))
        {
            yield return so;
            yield break;
        }

        for (var i = 0; i < sequences.Count; i++)
        {
            if (next[i] < sequences[i].Length)
            {
                var arrival = sequences[i][next[i]];
                next[i]++;
                foreach (var order in Interleave(sequences, next, so.Add(arrival)))
                {
                    yield return order;
                }

                next[i]--;
            }
        }
    }

    /// <summary>The jobs whose reservation a node with <paramref name="free"/> room refuses when the calls arrive in <paramref name="order"/>.</summary>
    private static List<string> Refused(Resources free, ImmutableArray<Arrival> order)
    {
        var refused = new List<string>();
        foreach (var (action, released) in order)
        {
            if (released is not null)
            {
                free = free.Add(released.Resources);
            }
            else if (free.Fits(action.Entry.Request))
            {
                free = free.Subtract(action.Entry.Request);
            }
            else
            {
                refused.Add(action.Entry.JobId);
            }
        }

        return refused;
    }
}
