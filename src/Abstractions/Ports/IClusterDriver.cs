using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Ports;

/// <summary>
/// What actually starts and stops workloads: the simulated driver (embedded default) or Kubernetes.
/// The driver reports usage and completion back to the job grain through the grain factory.
/// </summary>
public interface IClusterDriver
{
    /// <summary>Starts one run of a job at its placement.</summary>
    Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default);

    /// <summary>Stops a run (cancel or preemption). Idempotent.</summary>
    Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default);
}
