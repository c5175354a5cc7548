using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Simulation;
using WPAI.Simulation.Reporting;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>Runs <see cref="SimulationCommand"/> in-process (no cluster needed) with a progress bar, then prints a summary table.</summary>
public sealed class SimulateCommand(IAnsiConsole console) : AsyncCommand<SimulateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SimulateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.ToOptions();
        var log = new StringWriter(CultureInfo.InvariantCulture);
        SimulationReport? report = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("simulating", maxValue: 100);
                var progress = new Progress<double>(f => task.Value = Math.Clamp(f, 0, 1) * 100);
                report = await SimulationCommand.RunAsync(options, progress, log, cancellationToken);
                task.Value = 100;
            });

        var table = new Table().Title("WPAI simulation").AddColumns("policy", "load", "GPU util", "GPU alloc", "CPU util", "wait p50", "wait p95", "JCT p50", "done", "preempt", "fallback", "backlog GPU-h", "events/s");
        foreach (var r in report!.Runs.OrderBy(r => r.OfferedLoad).ThenBy(r => r.Policy, StringComparer.Ordinal))
        {
            table.AddRow(
                r.Policy,
                r.OfferedLoad.ToString("0.00", CultureInfo.InvariantCulture),
                r.GpuUtilization.ToString("P1", CultureInfo.InvariantCulture),
                r.GpuAllocation.ToString("P1", CultureInfo.InvariantCulture),
                r.CpuUtilization.ToString("P1", CultureInfo.InvariantCulture),
                ReportWriter.Duration(r.WaitP50Seconds),
                ReportWriter.Duration(r.WaitP95Seconds),
                ReportWriter.Duration(r.JctP50Seconds),
                r.JobsCompleted.ToString("N0", CultureInfo.InvariantCulture),
                r.Preemptions.ToString("N0", CultureInfo.InvariantCulture),
                r.FallbackPlacements.ToString("N0", CultureInfo.InvariantCulture),
                r.BacklogGpuHours.ToString("N0", CultureInfo.InvariantCulture),
                r.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        console.MarkupLine(Markup.Escape(ReportWriter.TargetVerdict(report.Runs).Replace("**", string.Empty, StringComparison.Ordinal)));
        console.MarkupLine($"Report: [bold]{Markup.Escape(Path.GetFullPath(options.Out))}[/] (report.json, report.md, PNG plots)");
        return 0;
    }
}
