using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Simulation.Mixing;

/// <summary>One decision of a pool's mixing controller, as the replay recorded it.</summary>
public sealed record PoolDecision(string Pool, MixingDecision Decision)
{
    /// <summary>The jobs the decision killed; empty where the decision carries none (a default array after a copy).</summary>
    public ImmutableArray<string> KilledJobs => Decision.KilledJobs.IsDefault ? [] : Decision.KilledJobs;
}
