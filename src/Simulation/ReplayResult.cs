using WPAI.Simulation.Metrics;

namespace WPAI.Simulation;

/// <summary>What a replay produced: its event log, how many discrete events it processed, and how long it took.</summary>
public sealed record ReplayResult(EventLog Log, long Events, double WallSeconds);
