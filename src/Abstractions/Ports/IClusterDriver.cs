using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Ports;

/// <summary>
/// What actually starts and stops workloads: the simulated driver (embedded default), the node agents, or Kubernetes.
/// The driver reports usage and completion back to the job grain through the grain factory.
/// </summary>
public interface IClusterDriver
{
    /// <summary>Starts one run of a job at its placement.</summary>
    Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default);

    /// <summary>Stops a run (cancel or preemption). Idempotent.</summary>
    Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops the run at <paramref name="placement"/>, saying why (a driver that talks to the node needs both). Idempotent.
    /// Drivers that need only the job and attempt keep the default.
    /// </summary>
    Task StopAsync(string jobId, Placement placement, string reason, CancellationToken cancellationToken = default) =>
        StopAsync(jobId, placement.Attempt, cancellationToken);
}
