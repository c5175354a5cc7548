namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// How a run ended, as its node agent saw it: an exit code, or the signal that killed it (<c>SIGKILL</c> …), or
/// <paramref name="Lost"/> when the agent cannot know (the process ended while the agent was away, or never started).
/// <paramref name="Stopped"/> when the agent stopped it because its order said so.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.run-end")]
public sealed record RunEnd(string JobId, int Attempt, int? ExitCode, string? Signal, bool Stopped, bool Lost, string Detail, DateTimeOffset At)
{
    public bool Succeeded => !Lost && Signal is null && ExitCode == 0;
}
