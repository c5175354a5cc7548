using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts;

namespace WPAI.Cli.Rendering;

/// <summary>A job's runs (attempts as they ran): node, GPU indices, start, end, how it ended, measured CPU, log file.</summary>
public static class RunRendering
{
    public static void Runs(IAnsiConsole console, JobView job)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(job);
        var runs = job.Runs.IsDefault ? [] : job.Runs;
        if (runs.IsEmpty)
        {
            return;
        }

        var table = Tables.List("ATTEMPT", "NODE", "GPUS", "STARTED", "ENDED", "END", "CPU AVG/PEAK", "LOG");
        foreach (var r in runs)
        {
            table.AddRow(
                r.Attempt.ToString(CultureInfo.InvariantCulture),
                r.Node,
                r.GpuIndices.IsDefaultOrEmpty ? "-" : string.Join(',', r.GpuIndices),
                Format.Time(r.StartedAt),
                r.EndedAt is { } ended ? Format.Time(ended) : "running",
                r.End ?? "-",
                r.CpuAverageMilli is { } avg ? string.Create(CultureInfo.InvariantCulture, $"{avg:0}m/{r.CpuPeakMilli ?? avg:0}m") : "-",
                r.LogFile ?? "-");
        }

        Tables.Section(console, "Runs", table);
    }
}
