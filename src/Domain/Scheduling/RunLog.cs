using WPAI.Abstractions.Contracts.Agent;
using WPAI.Domain.Common;

namespace WPAI.Domain.Scheduling;

/// <summary>
/// A job's attempts as they ran, newest last and bounded: an attempt is opened when placed, filled in when its
/// process starts, and closed once with how it ended. Pure: the job grain persists the list.
/// </summary>
public static class RunLog
{
    public const int MaxRuns = 20;

    /// <summary>Opens the record of a placed attempt (a repeated open of the same attempt changes nothing).</summary>
    public static void Open(List<RunRecord> runs, int attempt, string node, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Any(r => r.Attempt == attempt))
        {
            return;
        }

        BoundedList.AddNewestLast(runs, new RunRecord(attempt, node, [], at), MaxRuns);
    }

    /// <summary>Records the process of an attempt: its id, GPU indices and log file.</summary>
    public static void Started(List<RunRecord> runs, RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(started);
        var i = runs.FindIndex(r => r.Attempt == started.Attempt);
        if (i >= 0)
        {
            runs[i] = runs[i] with { Pid = started.Pid, GpuIndices = started.GpuIndices, LogFile = started.LogFile };
        }
    }

    /// <summary>Closes an attempt's record once (a later close of the same attempt only adds what was unknown).</summary>
    public static void Close(List<RunRecord> runs, int attempt, DateTimeOffset at, string end, int? exitCode = null, string? signal = null, string? preemptor = null, double? cpuAverage = null, double? cpuPeak = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var i = runs.FindIndex(r => r.Attempt == attempt);
        if (i < 0)
        {
            return;
        }

        var r = runs[i];
        runs[i] = r.EndedAt is null
            ? r with { EndedAt = at, End = end, ExitCode = exitCode, Signal = signal, Preemptor = preemptor, CpuAverageMilli = cpuAverage, CpuPeakMilli = cpuPeak }
            : r with { ExitCode = r.ExitCode ?? exitCode, Signal = r.Signal ?? signal };
    }

    /// <summary>The words for a run's end: "exit code 3", "killed by SIGKILL", "lost: …".</summary>
    public static string Describe(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        return end.Lost ? $"lost: {end.Detail}"
            : end.Signal is { } signal ? $"killed by {signal}"
            : end.ExitCode is { } code ? $"exit code {code}"
            : end.Detail;
    }
}
