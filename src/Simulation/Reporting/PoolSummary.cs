namespace WPAI.Simulation.Reporting;

/// <summary>One pool (GPU model) of the replayed fleet.</summary>
public sealed record PoolSummary(string Pool, int Nodes, int Gpus);
