using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// One node (key: node name). <see cref="TryReserveAsync"/> is the single place that admits an allocation,
/// so a node is never over-committed. Every change reaches the pool's scheduler: pushed by the node, or handed over
/// by the caller of <see cref="ReleaseForSchedulerAsync"/>.
/// </summary>
[Alias("wpai.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Registers the node (idempotent for identical hardware; different hardware is rejected).</summary>
    [Alias("Register")]
    Task<NodeView> RegisterAsync(NodeSpec spec, NodeMode mode);

    [Alias("Get")]
    Task<NodeView> GetAsync();

    /// <summary>Admits the allocation if it fits and the node is in an allowed mode; idempotent per owner.</summary>
    [Alias("TryReserve")]
    Task<ReservationResult> TryReserveAsync(ReservationRequest request);

    /// <summary>Frees the owner's allocation (no-op when it holds none).</summary>
    [Alias("Release")]
    Task<NodeCapacity> ReleaseAsync(string ownerId);

    /// <summary>
    /// Frees the owner's allocation like <see cref="ReleaseAsync"/>, but does not push the change to the pool's
    /// scheduler: the caller hands the returned capacity to it (the scheduler itself, or a job in
    /// <see cref="IPoolSchedulerGrain.JobEndedAsync"/>), which saves a call per release.
    /// </summary>
    [Alias("ReleaseForScheduler")]
    Task<NodeCapacity> ReleaseForSchedulerAsync(string ownerId);

    /// <summary>Moves the node to another mode, validated by the node state machine.</summary>
    [Alias("ChangeMode")]
    Task<NodeView> ChangeModeAsync(NodeMode target, string reason);

    /// <summary>
    /// Starts a handover: the node goes Unnormal (draining) with <paramref name="target"/> (OnlineNormal or
    /// OfflineNormal) recorded, from OnlineNormal towards OfflineNormal, from OfflineNormal towards OnlineNormal, or from
    /// Unnormal to change its target (abort). Nothing new is admitted while Unnormal. Idempotent for the same target;
    /// anything else is rejected with a validation error naming the legal moves.
    /// </summary>
    [Alias("BeginHandover")]
    Task<NodeView> BeginHandoverAsync(NodeMode target, string reason);

    /// <summary>
    /// Finishes the handover: Unnormal → its target, only once the node holds nothing of the other kind (no inference
    /// replica when going offline, no training job when going online); until then the view comes back unchanged
    /// (still Unnormal). A node already in the target mode returns as it is; one that is neither is rejected.
    /// </summary>
    [Alias("CompleteHandover")]
    Task<NodeView> CompleteHandoverAsync(string reason);

    /// <summary>Cordons the node (its runs go on, nothing new is admitted) or uncordons it. Idempotent.</summary>
    [Alias("SetCordon")]
    Task<NodeView> SetCordonAsync(bool cordoned, string reason);

    /// <summary>
    /// Removes the node from the fleet; refused (changing nothing) while it holds allocations. Idempotent for a node
    /// that is gone already.
    /// </summary>
    [Alias("Remove")]
    Task RemoveAsync(string reason);
}
