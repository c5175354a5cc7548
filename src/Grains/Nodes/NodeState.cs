namespace WPAI.Grains.Nodes;

/// <summary>
/// Persisted state of a node grain. Copies itself for the in-memory storage (<see cref="Storage.IStateCopy{T}"/>): its
/// members are values and <c>[Immutable]</c> records or containers of them, so a copy needs new containers only
/// (written twice per job: reserve, release).
/// </summary>
[GenerateSerializer, Alias("wpai.state.node")]
public sealed class NodeState : Storage.IStateCopy<NodeState>
{
    [Id(0)]
    public NodeSpec? Spec { get; set; }

    [Id(1)]
    public NodeMode Mode { get; set; } = NodeMode.Fixed;

    [Id(2)]
    public NodeMode? Target { get; set; }

    [Id(3)]
    public Dictionary<string, NodeAllocation> Allocations { get; set; } = new(StringComparer.Ordinal);

    [Id(4)]
    public List<ModeTransition> Transitions { get; set; } = [];

    [Id(5)]
    public long Version { get; set; }

    /// <summary>Cordoned: keeps its runs, admits nothing new (an admin's choice, or a node being drained for removal).</summary>
    [Id(6)]
    public bool Cordoned { get; set; }

    /// <inheritdoc />
    public NodeState CopyForStorage() => new()
    {
        Spec = Spec,
        Mode = Mode,
        Target = Target,
        Allocations = new(Allocations, Allocations.Comparer),
        Transitions = [.. Transitions],
        Version = Version,
        Cordoned = Cordoned,
    };
}
