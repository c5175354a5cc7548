using WPAI.Domain.Nodes;

namespace WPAI.Grains.Nodes;

/// <summary>What a node grain shows of its state: the capacity it reports to its pool's scheduler and its API view.</summary>
internal static class NodeProjection
{
    /// <summary>Gives allocations recorded before GPU indices existed theirs (lowest free), so every held GPU has an index.</summary>
    public static void HealGpuIndices(NodeState state)
    {
        if (state.Spec is not { } spec)
        {
            return;
        }

        var healed = GpuAssignment.Heal(spec.Gpus, [.. state.Allocations.Values.OrderBy(a => a.Since).Select(a => (a.OwnerId, a.Resources.Gpus, a.GpuIndices))]);
        foreach (var (owner, indices) in healed)
        {
            state.Allocations[owner] = state.Allocations[owner] with { GpuIndices = indices };
        }
    }

    public static NodeCapacity Capacity(NodeState state, NodeSpec spec) =>
        new(spec.Name, spec.Pool, NodeAdmission.SchedulerMode(state.Mode, state.Cordoned), spec.Capacity, Free(state, spec), state.Version);

    public static NodeView View(NodeState state, NodeSpec spec)
    {
        var free = Free(state, spec);
        return new NodeView(
            spec,
            state.Mode,
            state.Target,
            spec.Capacity.Subtract(free),
            free,
            [.. state.Allocations.Values.OrderBy(a => a.Since).ThenBy(a => a.OwnerId, StringComparer.Ordinal)],
            [.. state.Transitions],
            state.Version,
            state.Cordoned);
    }

    private static Resources Free(NodeState state, NodeSpec spec) => NodeAdmission.Free(spec, state.Allocations.Values);
}
