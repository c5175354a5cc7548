namespace WPAI.Agent.Runs;

/// <summary>A model-server replica the agent runs: where it serves, where its load is written, its log, and its latest measured usage.</summary>
public sealed record LiveReplica(string JobId, int Attempt, string Url, string LoadFile, string LogFile, DateTimeOffset StartedAt, UsageSample? Usage, bool WasReady);
