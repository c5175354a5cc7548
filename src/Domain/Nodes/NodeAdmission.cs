namespace WPAI.Domain.Nodes;

/// <summary>
/// The one admission rule of a node (invariants 1 and 4): an allocation is admitted only when the node is not cordoned,
/// its mode admits the kind of work (never Unnormal or Down), it holds nothing of the other kind (a node never mixes
/// training and inference), and its free capacity covers the request; the admitted allocation gets the lowest free
/// GPU indices. Pure: the node grain applies the answer and persists it.
/// </summary>
public static class NodeAdmission
{
    /// <summary>What is free on <paramref name="spec"/> after <paramref name="held"/>.</summary>
    public static Resources Free(NodeSpec spec, IEnumerable<NodeAllocation> held)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(held);
        return held.Aggregate(spec.Capacity, (free, a) => free.Subtract(a.Resources));
    }

    /// <summary>
    /// Decides <paramref name="request"/>: the allocation to record, or why not (a refusal the scheduler shows).
    /// A negative request is bad input (a validation error, nothing decided).
    /// </summary>
    public static (NodeAllocation? Allocation, string? Refusal) Decide(
        NodeSpec spec, NodeMode mode, NodeMode? target, bool cordoned, IReadOnlyCollection<NodeAllocation> held, ReservationRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Resources.IsNonNegative)
        {
            throw new WpaiValidationException("request.resources", $"must not be negative ({request.Resources})", "Ask for zero or more of each resource.");
        }

        if (cordoned)
        {
            return (null, $"node {spec.Name} is cordoned");
        }

        if (mode is NodeMode.Unnormal or NodeMode.Down || request.AllowedModes.IsDefault || !request.AllowedModes.Contains(mode))
        {
            var draining = mode == NodeMode.Unnormal ? $" (draining towards {target?.ToString() ?? "an admin's choice"})" : string.Empty;
            return (null, $"node {spec.Name} is {mode}{draining}");
        }

        var other = request.Kind == AllocationKind.TrainingJob ? AllocationKind.InferenceReplica : AllocationKind.TrainingJob;
        if (held.FirstOrDefault(a => a.Kind == other) is { } conflict)
        {
            return (null, $"node {spec.Name} holds {Describe(other)} {conflict.OwnerId}; it never mixes training and inference");
        }

        var free = Free(spec, held);
        if (!free.Fits(request.Resources))
        {
            return (null, $"node {spec.Name} has {free} free, needs {request.Resources}");
        }

        // Free capacity covers the GPU count, and every held GPU has its index, so the lowest free indices exist.
        var indices = GpuAssignment.Assign(spec.Gpus, held.Select(a => a.GpuIndices), request.Resources.Gpus)
            ?? throw new InvalidOperationException($"node {spec.Name} has {free.Gpus} GPUs free but not {request.Resources.Gpus} free indices");
        return (new NodeAllocation(request.OwnerId, request.Kind, request.Resources, now, indices), null);
    }

    private static string Describe(AllocationKind kind) => kind == AllocationKind.TrainingJob ? "training job" : "inference replica";

    /// <summary>The mode a node shows its scheduler: a cordoned node (unless Down) shows Unnormal, which admits nothing new, so no pass tries it.</summary>
    public static NodeMode SchedulerMode(NodeMode mode, bool cordoned) => cordoned && mode != NodeMode.Down ? NodeMode.Unnormal : mode;
}
