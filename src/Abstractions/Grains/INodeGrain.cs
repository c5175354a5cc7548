using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// One node (key: node name). <see cref="TryReserveAsync"/> is the single place that admits an allocation,
/// so a node is never over-committed. Every change is pushed to the pool's scheduler.
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

    /// <summary>Moves the node to another mode, validated by the node state machine.</summary>
    [Alias("ChangeMode")]
    Task<NodeView> ChangeModeAsync(NodeMode target, string reason);
}
