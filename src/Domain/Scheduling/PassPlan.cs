namespace WPAI.Domain.Scheduling;

/// <summary>What one scheduling pass decided: placements (with preemptions) to carry out, in rank order, and the jobs that wait and why.</summary>
public sealed record PassPlan(ImmutableArray<PlannedAction> Actions, ImmutableArray<WaitReason> Waiting)
{
    public static readonly PassPlan Empty = new([], []);
}
