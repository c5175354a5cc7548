namespace WPAI.Grains.Nodes;

/// <summary>Persisted state of a node grain.</summary>
[GenerateSerializer, Alias("wpai.state.node")]
public sealed class NodeState
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
}
