namespace WPAI.Abstractions.Contracts;

/// <summary>
/// One silo's unfinished recovery work: runs that ended but whose completion could not be recorded yet
/// (<paramref name="UncompletedRuns"/>, retried with back-off) and whether its start-up could not re-attach the running
/// jobs (<paramref name="ReattachFailed"/>, retried with back-off; <paramref name="ReattachAttempts"/> so far).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.run-health")]
public sealed record RunHealth(string Silo, int UncompletedRuns, bool ReattachFailed, int ReattachAttempts, string? LastError, DateTimeOffset At)
{
    public bool Healthy => UncompletedRuns == 0 && !ReattachFailed;

    /// <summary>One sentence: "ok", or what could not be completed/re-attached.</summary>
    public string Describe()
    {
        if (Healthy)
        {
            return "every ended run completed; running jobs re-attached";
        }

        var parts = new List<string>();
        if (UncompletedRuns > 0)
        {
            parts.Add($"{UncompletedRuns} run{(UncompletedRuns == 1 ? string.Empty : "s")} could not be completed (their GPUs stay held until the retry succeeds)");
        }

        if (ReattachFailed)
        {
            parts.Add($"running jobs could not be re-attached at start-up ({ReattachAttempts} attempt{(ReattachAttempts == 1 ? string.Empty : "s")})");
        }

        return string.Join("; ", parts) + (LastError is null ? string.Empty : $"; last error: {LastError}") + "; retrying with back-off";
    }
}
