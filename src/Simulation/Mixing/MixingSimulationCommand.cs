using System.Globalization;
using WPAI.Abstractions.Errors;
using WPAI.Simulation.Inference;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// <c>wpai simulate --mixing</c> as a library call: builds the combined scenario, replays it through the real grains once
/// per policy, prints the table and the targets' verdicts, and writes <c>report.json</c>, <c>report.md</c> and plots into
/// the output folder.
/// </summary>
public static class MixingSimulationCommand
{
    /// <summary>
    /// Prepares the scenario of <paramref name="options"/> and runs every policy. Bad options or files throw
    /// <see cref="WpaiValidationException"/> or <see cref="LoadFileException"/> (naming the file, line and column) before
    /// anything runs.
    /// </summary>
    public static Task<IReadOnlyList<MixingRunMetrics>> RunAsync(MixingSimulationOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RunAsync(options, MixingScenario.Prepare(options), output, cancellationToken);
    }

    /// <summary>Runs every policy of a prepared scenario and writes the report; returns the metrics in policy order.</summary>
    public static async Task<IReadOnlyList<MixingRunMetrics>> RunAsync(
        MixingSimulationOptions options, MixingScenario scenario, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(output);
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c,
            $"mixing: {scenario.GpuJobs:N0} training jobs (offered load {scenario.Workload.OfferedLoad:0.###} of all GPUs) on {scenario.GpuNodes} nodes / {scenario.Workload.FleetGpus} GPUs ({scenario.OnlineGpuNodes} nodes / {scenario.OnlineGpus} GPUs start online, {scenario.FixedGpus} GPUs Fixed), {scenario.Services.Count(v => !v.IsCpu)} inference services, ticks every {scenario.Tick.TotalMinutes:0} min to day {scenario.End.TotalDays:0.#}"));
        if (scenario.HasCpuPool)
        {
            await output.WriteLineAsync(string.Create(c,
                $"cpu pool: {scenario.CpuJobs:N0} CPU training jobs (offered load {scenario.Workload.CpuOfferedLoad:0.###} of its cores) on {scenario.CpuNodes} nodes / {scenario.CpuCores} cores ({scenario.OnlineCpuCores} start online, {scenario.FixedCpuCores} Fixed), {scenario.Services.Count(v => v.IsCpu)} CPU inference services; the GPU figures below count GPU jobs only"));
        }

        var runs = new List<(MixingRunMetrics, MixingRunResult)>();
        foreach (var policy in options.Policies)
        {
            await output.WriteAsync($"{policy.Name,-26}");
            var last = -1;
            var progress = new SyncProgress(f =>
            {
                var tenth = (int)(f * 10);
                if (tenth > last)
                {
                    last = tenth;
                    output.Write(tenth == 0 ? "." : string.Create(c, $" {tenth * 10}%"));
                }
            });
            var result = await new MixingReplayEngine().RunAsync(scenario, policy, progress, cancellationToken);
            var metrics = MixingMetricsCalculator.Compute(scenario, policy, result);
            runs.Add((metrics, result));
            await MixingReportWriter.WriteAsync(options, scenario, runs, cancellationToken); // a report after every policy, so a failure later loses none
            await output.WriteLineAsync(metrics.Unavailable is not null
                ? "  not run: " + metrics.Unavailable
                : string.Create(c, $"  lentShare {metrics.LentShare:P1}  killRate {metrics.KillRate:P2} ({metrics.Kills}/{metrics.StartsOnLent}, {metrics.LostGpuHours:0.#} GPU-h lost)  SLO-violation {metrics.SloViolationMinutes:0} min  queue delay {metrics.QueueDelayMeanSeconds / 3600:0.0} h  cluster GPU usage {metrics.ClusterGpuUsage:P1}  ({metrics.Ticks:N0} ticks, {metrics.WallSeconds:0} s)"));
            if (metrics.Cpu is { } cpu)
            {
                await output.WriteLineAsync(string.Create(c,
                    $"{"  cpu pool",-26}  lentShare {cpu.LentShare:P1}  killRate {cpu.KillRate:P2} ({cpu.Kills}/{cpu.StartsOnLent}, {cpu.LostCoreHours:0.#} core-h lost)  queue delay {cpu.QueueDelayMeanSeconds / 3600:0.0} h  cluster CPU usage {cpu.ClusterCpuUsage:P1}"));
            }

        }

        var list = runs.Select(r => r.Item1).ToList();
        await output.WriteLineAsync();
        await output.WriteAsync(MixingReportWriter.Table(list));
        await output.WriteLineAsync();
        await output.WriteAsync(MixingReportWriter.BreakdownTable(list));
        if (list.Any(r => r.Cpu is not null))
        {
            await output.WriteLineAsync();
            await output.WriteAsync(MixingReportWriter.CpuTable(list));
        }

        foreach (var (policy, target, met, measured) in MixingTargets.Verdicts(list))
        {
            await output.WriteLineAsync(string.Create(c, $"target {policy}: {target}: {(met switch { true => "met", false => "MISSED", null => "not measured" })} ({measured})"));
        }

        var noMixing = list.FirstOrDefault(r => r.Policy == MixingPolicies.NoMixing.Name && r.Unavailable is null);
        foreach (var r in list.Where(r => r.Cpu is not null && noMixing?.Cpu is not null && r != noMixing))
        {
            var gain = MixingTargets.ClusterCpuUsageGain(r, noMixing!);
            await output.WriteLineAsync(string.Create(c,
                $"compare {r.Policy}: cluster CPU usage {r.Cpu!.ClusterCpuUsage:P1} vs no-mixing's {noMixing!.Cpu!.ClusterCpuUsage:P1}: {(gain is { } g ? string.Create(c, $"{g - 1:+0.0%;-0.0%}") : "n/a")} (the reference reports +38 % CPU utilization; a figure to compare with, not a target)"));
        }

        var written = await MixingReportWriter.WriteAsync(options, scenario, runs, cancellationToken);
        await output.WriteLineAsync($"Report written: {string.Join(", ", written)}");
        return list;
    }

    /// <summary>Reports progress on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
