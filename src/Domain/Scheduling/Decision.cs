namespace WPAI.Domain.Scheduling;

/// <summary>
/// What the pass does with one job: place it on <paramref name="Node"/>, evict <paramref name="Preemption"/>'s victims
/// and then place it, or let it wait with a <paramref name="Reason"/> in words. <paramref name="CouldPreempt"/>: a wait of
/// a job that could preempt in this pool but is first offered to its later pools (TryNextFlavor).
/// </summary>
public sealed record Decision(DecisionKind Kind, string? Node, Tier Tier, double Score, PreemptionPlan? Preemption, string Reason, bool CouldPreempt = false)
{
    public static Decision Wait(string reason, Tier tier = Tier.Own, double score = 0) => new(DecisionKind.Wait, null, tier, score, null, reason);
}
