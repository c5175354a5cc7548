using System.Globalization;

namespace WPAI.Domain.Scheduling;

/// <summary>
/// A node held for a starving job in one pass: <paramref name="Node"/> takes no job ranked after
/// <paramref name="JobId"/>, which has waited <paramref name="Waited"/> and needs <paramref name="Request"/> — except, with
/// backfilling, a job that does not delay it by the estimates (<paramref name="Shadow"/>: when the job is expected to fit
/// there; null when that cannot be estimated or backfilling is off, and then nothing is backfilled).
/// </summary>
public sealed record NodeReservation(string Node, string JobId, Resources Request, TimeSpan Waited, ShadowTime? Shadow = null)
{
    /// <summary>
    /// Of the schedulable nodes whose capacity can host <paramref name="request"/>, the one with the most free GPUs, then
    /// CPU, then memory (the one expected to fit it soonest, durations being unknown), ties by name; null when none can.
    /// </summary>
    public static NodeSlot? ChooseNode(Resources request, IEnumerable<NodeSlot> nodes, Func<NodeMode, bool> schedulable) =>
        ChooseNode(request, nodes, schedulable, kept: null);

    /// <summary>
    /// As <see cref="ChooseNode(Resources, IEnumerable{NodeSlot}, Func{NodeMode, bool})"/>, but the node <paramref name="kept"/>
    /// (reserved for the same job in an earlier pass) stays chosen while it can host the request and no other node has
    /// strictly more free GPUs: a tie, or a difference in CPU or memory only, does not move a reservation.
    /// </summary>
    public static NodeSlot? ChooseNode(Resources request, IEnumerable<NodeSlot> nodes, Func<NodeMode, bool> schedulable, string? kept)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(schedulable);
        NodeSlot? best = null;
        NodeSlot? held = null;
        foreach (var node in nodes)
        {
            if (!schedulable(node.Mode) || !node.Capacity.Fits(request))
            {
                continue;
            }

            if (kept is not null && string.Equals(node.Node, kept, StringComparison.Ordinal))
            {
                held = node;
            }

            if (best is null || MoreFree(node, best))
            {
                best = node;
            }
        }

        return held is not null && best is not null && best.Free.Gpus <= held.Free.Gpus ? held : best;
    }

    /// <summary>Why the starving job waits.</summary>
    public string HolderReason(NodeSlot node, TimeSpan after) => string.Create(
        CultureInfo.InvariantCulture,
        $"reserved node {Node} for this job (waited {Hours(Waited)}, past {Hours(after)}): no node has {Request} free ({Node} has {node.Free}); no job ranked after it is placed there until it fits")
        + (Shadow is { } shadow ? string.Create(CultureInfo.InvariantCulture, $"; by the declared run times it fits there at {shadow.At:u}, and until then only jobs that end by that time or fit beside it start there") : string.Empty);

    /// <summary>Why a job that would fit on the reserved node waits (<paramref name="expectedEnd"/>: its own expected end, null when it has no estimate).</summary>
    public string BlockedReason(DateTimeOffset? expectedEnd = null) => string.Create(
        CultureInfo.InvariantCulture,
        $"node {Node} has room but is reserved for job {JobId}, which has waited {Hours(Waited)} and fits no node yet")
        + (Shadow is not { } shadow ? string.Empty
            : expectedEnd is { } end ? string.Create(CultureInfo.InvariantCulture, $"; this job would end at {end:u}, after {JobId}'s expected start at {shadow.At:u}, and needs more than the {shadow.Spare} left spare then")
            : string.Create(CultureInfo.InvariantCulture, $"; this job declares no run time, so it could delay {JobId}'s expected start at {shadow.At:u}"));

    private static string Hours(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0.#} h");

    private static bool MoreFree(NodeSlot a, NodeSlot b)
    {
        if (a.Free.Gpus != b.Free.Gpus)
        {
            return a.Free.Gpus > b.Free.Gpus;
        }

        if (a.Free.CpuMilli != b.Free.CpuMilli)
        {
            return a.Free.CpuMilli > b.Free.CpuMilli;
        }

        return a.Free.MemoryMib != b.Free.MemoryMib ? a.Free.MemoryMib > b.Free.MemoryMib : string.CompareOrdinal(a.Node, b.Node) < 0;
    }
}
