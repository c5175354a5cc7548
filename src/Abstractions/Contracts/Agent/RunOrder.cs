using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// One entry of a node's desired-run list: run attempt <paramref name="Attempt"/> of <paramref name="Spec"/> on the GPUs
/// <paramref name="GpuIndices"/>, or — once <paramref name="StopReason"/> is set — stop it (SIGTERM, grace, SIGKILL).
/// The entry stays until the node agent reports the run's end, so a start is neither lost nor repeated.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.run-order")]
public sealed record RunOrder(string JobId, int Attempt, JobSpec Spec, ImmutableArray<int> GpuIndices, DateTimeOffset OrderedAt, string? StopReason = null)
{
    public bool Stop => StopReason is not null;
}
