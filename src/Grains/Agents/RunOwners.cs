using WPAI.Abstractions.Contracts.Agent;
using WPAI.Domain.Inference;

namespace WPAI.Grains.Agents;

/// <summary>
/// Where a node agent's news about a run goes: a run whose id is a <see cref="ReplicaId"/> is a model-server replica and
/// belongs to its inference service grain; any other run belongs to its job grain. Every call is one-way on the
/// receiving side (the owner may be awaiting the node agent grain).
/// </summary>
internal static class RunOwners
{
    public static Task StartedAsync(IGrainFactory grains, RunStarted started) =>
        ReplicaId.TryParse(started.JobId, out var replica)
            ? grains.GetGrain<IInferenceServiceGrain>(replica.Service).ReplicaStartedAsync(started)
            : grains.GetGrain<IJobGrain>(started.JobId).RunStartedAsync(started);

    public static Task EndedAsync(IGrainFactory grains, RunEnd end) =>
        ReplicaId.TryParse(end.JobId, out var replica)
            ? grains.GetGrain<IInferenceServiceGrain>(replica.Service).ReplicaEndedAsync(end)
            : grains.GetGrain<IJobGrain>(end.JobId).RunEndedAsync(end);

    /// <summary>Usage of a replica reaches its service with its probes (<see cref="ReplicaProbe"/>), not here.</summary>
    public static Task UsageAsync(IGrainFactory grains, RunUsageReport usage) =>
        ReplicaId.TryParse(usage.JobId, out _) ? Task.CompletedTask : grains.GetGrain<IJobGrain>(usage.JobId).ReportRunUsageAsync(usage);

    public static async Task ProbedAsync(IGrainFactory grains, ImmutableArray<ReplicaProbe> probes)
    {
        foreach (var probe in probes.IsDefault ? [] : probes)
        {
            if (ReplicaId.TryParse(probe.JobId, out var replica))
            {
                await grains.GetGrain<IInferenceServiceGrain>(replica.Service).ReplicaProbedAsync(probe);
            }
        }
    }
}
