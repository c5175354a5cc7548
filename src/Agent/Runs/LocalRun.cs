namespace WPAI.Agent.Runs;

/// <summary>
/// One run as the agent's state file records it: written before the process starts (so an attempt is never started
/// twice, even across an agent restart), then its pid and start time (to re-adopt it), its stop, and its end until the
/// silo has acknowledged it.
/// </summary>
public sealed class LocalRun
{
    public string JobId { get; set; } = string.Empty;

    public int Attempt { get; set; }

    public int[] GpuIndices { get; set; } = [];

    public string RunDirectory { get; set; } = string.Empty;

    public string LogFile { get; set; } = string.Empty;

    public string ExitFile { get; set; } = string.Empty;

    public int? Pid { get; set; }

    /// <summary>Field 22 of /proc/PID/stat: with the pid it identifies the process across pid reuse.</summary>
    public long? StartTicks { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public bool StartReported { get; set; }

    public double GraceSeconds { get; set; }

    public string? StopReason { get; set; }

    public DateTimeOffset? TermSentAt { get; set; }

    public bool KillSent { get; set; }

    /// <summary>How the run ended, kept until the silo acknowledged it.</summary>
    public RunEnd? End { get; set; }

    /// <summary>For a model-server replica: the address it serves on and the file its load is written to.</summary>
    public string? Url { get; set; }

    public string? LoadFile { get; set; }

    /// <summary>For a model-server replica: the address it serves gRPC on (HTTP/2).</summary>
    public string? GrpcUrl { get; set; }

    /// <summary>The replica answered ready once: the readiness timeout no longer applies (a busy server may miss a probe).</summary>
    public bool WasReady { get; set; }

    public string Key => RunKey(JobId, Attempt);

    public static string RunKey(string jobId, int attempt) => $"{jobId}/{attempt}";
}
