namespace WPAI.Domain.Scheduling;

/// <summary>
/// What one scheduling pass decided: placements (with preemptions) to carry out, in rank order, and the jobs that wait and
/// why; with <see cref="SchedulingOptions.KeepReservation"/>, <paramref name="Reserved"/> is the node reserved for a job
/// after the pass (job id → node; at most one), which the next pass keeps (empty otherwise).
/// </summary>
public sealed record PassPlan(ImmutableArray<PlannedAction> Actions, ImmutableArray<WaitReason> Waiting, ImmutableDictionary<string, string>? Reserved = null)
{
    public static readonly PassPlan Empty = new([], []);

    /// <summary>The node reserved per job after the pass (empty when none is).</summary>
    public ImmutableDictionary<string, string> ReservedNodes => Reserved ?? ImmutableDictionary<string, string>.Empty;
}
