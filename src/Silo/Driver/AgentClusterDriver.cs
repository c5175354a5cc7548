using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Ports;

namespace WPAI.Silo.Driver;

/// <summary>
/// Hands starts and stops to the node agents (<c>--driver agent</c>): each becomes an order in the persisted
/// desired-run list of the placement node's <see cref="INodeAgentGrain"/>, which the agent pulls. Ends and usage come
/// back from the agent through that grain to the job grain.
/// </summary>
public sealed class AgentClusterDriver(IGrainFactory grains) : IClusterDriver
{
    public Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(placement);
        return grains.GetGrain<INodeAgentGrain>(placement.Node).OrderStartAsync(spec, placement);
    }

    /// <summary>Without the node the order cannot be found; the job grain always calls the overload with the placement.</summary>
    public Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task StopAsync(string jobId, Placement placement, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(placement);
        return grains.GetGrain<INodeAgentGrain>(placement.Node).OrderStopAsync(jobId, placement.Attempt, reason);
    }
}
