using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Grains.Agents;

/// <summary>Persisted state of a node agent grain: the desired-run list and whether the node was marked Down for silence.</summary>
[GenerateSerializer, Alias("wpai.state.node-agent")]
public sealed class NodeAgentState
{
    /// <summary>Orders by <c>job/attempt</c>; an entry leaves only when the agent reports the run's end.</summary>
    [Id(0)]
    public Dictionary<string, RunOrder> Orders { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public long Version { get; set; }

    [Id(2)]
    public string? AgentId { get; set; }

    /// <summary>The node was marked Down because its agent fell silent (not by an admin).</summary>
    [Id(3)]
    public bool Down { get; set; }

    [Id(4)]
    public NodeMode ModeBeforeDown { get; set; } = NodeMode.Fixed;

    /// <summary>Runs lost with the node whose jobs are still to be told (each job told once, then removed).</summary>
    [Id(5)]
    public List<RunEnd> LostToReport { get; set; } = [];
}
