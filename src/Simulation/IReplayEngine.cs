using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation;

/// <summary>Replays a prepared workload under one policy and returns its event log.</summary>
public interface IReplayEngine
{
    Task<ReplayResult> RunAsync(PreparedWorkload workload, PolicyPreset policy, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Replays a workload that is still being read or prepared: an engine may start its silo meanwhile (two independent
    /// phases of a short command on two cores). By default it waits for the workload, then replays it.
    /// </summary>
    async Task<ReplayResult> RunAsync(Task<PreparedWorkload> preparing, PolicyPreset policy, IProgress<double>? progress, CancellationToken cancellationToken) =>
        await RunAsync(await preparing, policy, progress, cancellationToken);
}
