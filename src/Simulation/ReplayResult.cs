using WPAI.Simulation.Metrics;

namespace WPAI.Simulation;

/// <summary>
/// What a replay produced: its event log, how many discrete events it processed, how long it took, how many submissions
/// the platform rejected, and the bytes the process allocated meanwhile (the replay's silo start-up included; 0 when not measured).
/// </summary>
public sealed record ReplayResult(EventLog Log, long Events, double WallSeconds, int RejectedSubmissions = 0, string? FirstRejection = null, long AllocatedBytes = 0);
