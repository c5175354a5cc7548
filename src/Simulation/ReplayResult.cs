using WPAI.Simulation.Metrics;

namespace WPAI.Simulation;

/// <summary>What a replay produced: its event log, how many discrete events it processed, how long it took, and how many submissions the platform rejected.</summary>
public sealed record ReplayResult(EventLog Log, long Events, double WallSeconds, int RejectedSubmissions = 0, string? FirstRejection = null);
