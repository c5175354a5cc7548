using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation;

/// <summary>Replays a prepared workload under one policy and returns its event log.</summary>
public interface IReplayEngine
{
    Task<ReplayResult> RunAsync(PreparedWorkload workload, PolicyPreset policy, IProgress<double>? progress, CancellationToken cancellationToken);
}
