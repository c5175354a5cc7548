using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Simulation.Mixing;

/// <summary>One decision of a pool's mixing controller, as the replay recorded it.</summary>
public sealed record PoolDecision(string Pool, MixingDecision Decision);
