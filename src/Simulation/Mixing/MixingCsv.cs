using System.Collections.Immutable;
using System.Globalization;
using nietras.SeparatedValues;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// The per-job and per-tick CSV files of a mixing report, beside <c>report.json</c>. <c>jobs-POLICY.csv</c>: one row per run
/// of each training job (a job never started has one row with empty run fields): the job, the pools it accepts ('|'-separated;
/// <c>any</c> when it names none), GPUs, submit, expected and true run time, the run's number, start, node, pool, whether
/// the node is <c>lent</c> (it started online) or <c>fixed</c>, its end and how it ended (<c>completed</c>, <c>killed</c> by
/// a reclaim, <c>preempted</c> by the scheduler, <c>cancelled</c>, or empty while still running at the replay's end), and
/// the job's completion. <c>pools-POLICY.csv</c>: <see cref="MixingPoolSample"/> per GPU pool per tick. Times in seconds of
/// virtual time since the replay's origin.
/// </summary>
public static class MixingCsv
{
    public static string JobsFileName(string policy) => $"jobs-{policy}.csv";

    public static string PoolsFileName(string policy) => $"pools-{policy}.csv";

    public static void WriteJobs(MixingScenario scenario, MixingRunResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        // Each reclaim kill marks one stop: the job's first preempted stop at the decision's time (a killed job may start
        // again at once elsewhere and be preempted there at the same instant).
        var killed = result.Decisions
            .SelectMany(d => d.KilledJobs.Select(j => (j, Seconds(d.Decision.At - GrainReplayEngine.Origin))))
            .GroupBy(k => k)
            .ToDictionary(g => g.Key, g => g.Count());
        var runs = new Dictionary<string, List<(RunEvent Start, RunEvent? Stop)>>(StringComparer.Ordinal);
        var completed = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var e in result.Log.Events)
        {
            if (e.Kind == RunEventKind.Started)
            {
                if (!runs.TryGetValue(e.JobId, out var list))
                {
                    list = [];
                    runs[e.JobId] = list;
                }

                list.Add((e, null));
            }
            else if (e.Kind == RunEventKind.Stopped)
            {
                if (runs.TryGetValue(e.JobId, out var list) && list[^1].Stop is null)
                {
                    list[^1] = (list[^1].Start, e);
                }

                if (e.Reason == StopReason.Completed)
                {
                    completed[e.JobId] = e.At;
                }
            }
        }

        using var writer = Sep.New(',').Writer().ToFile(path);
        foreach (var job in scenario.Workload.Jobs)
        {
            var jobRuns = runs.GetValueOrDefault(job.Id) ?? [];
            for (var i = 0; i < Math.Max(1, jobRuns.Count); i++)
            {
                using var row = writer.NewRow();
                row["job"].Set(job.Id);
                row["pools"].Set(job.GpuModels.IsDefaultOrEmpty ? "any" : string.Join('|', job.GpuModels));
                row["gpus"].Format(job.Gpus);
                row["cpu_milli"].Format(job.CpuMilli);
                row["submit_s"].Set(Seconds(job.Submit));
                row["expected_s"].Set(Seconds(job.Declared));
                row["duration_s"].Set(Seconds(job.Duration));
                var run = i < jobRuns.Count ? jobRuns[i] : default;
                var started = i < jobRuns.Count;
                row["run"].Set(started ? (i + 1).ToString(CultureInfo.InvariantCulture) : string.Empty);
                row["start_s"].Set(started ? Seconds(run.Start.At) : string.Empty);
                row["node"].Set(started ? run.Start.Node ?? string.Empty : string.Empty);
                row["pool"].Set(started ? run.Start.Pool ?? string.Empty : string.Empty);
                row["on"].Set(!started ? string.Empty : scenario.OnlineNodes.Contains(run.Start.Node!) ? "lent" : "fixed");
                row["end_s"].Set(run.Stop is { } stop ? Seconds(stop.At) : string.Empty);
                row["ended"].Set(run.Stop is { } s ? Ended(s, killed) : string.Empty);
                row["completed_s"].Set(completed.TryGetValue(job.Id, out var c) ? Seconds(c) : string.Empty);
            }
        }
    }

    public static void WritePools(ImmutableArray<MixingPoolSample> samples, string path)
    {
        using var writer = Sep.New(',').Writer().ToFile(path);
        foreach (var s in samples)
        {
            using var row = writer.NewRow();
            row["at_s"].Set(Seconds(s.At));
            row["pool"].Set(s.Pool);
            row["fixed_gpus"].Format(s.FixedGpus);
            row["fixed_busy_gpus"].Format(s.FixedBusyGpus);
            row["lent_nodes"].Format(s.LentNodes);
            row["lent_gpus"].Format(s.LentGpus);
            row["lent_busy_gpus"].Format(s.LentBusyGpus);
            row["lent_idle_gpus"].Format(s.LentIdleGpus);
            row["inference_gpus"].Format(s.InferenceGpus);
            row["queued_jobs"].Format(s.QueuedJobs);
            row["queued_gpus"].Format(s.QueuedGpus);
            row["queued_fit_lent"].Format(s.QueuedFitLent);
            row["queued_fit_fixed"].Format(s.QueuedFitFixed);
        }
    }

    private static string Ended(RunEvent stop, Dictionary<(string, string), int> killed)
    {
        if (stop.Reason != StopReason.Preempted)
        {
            return stop.Reason == StopReason.Completed ? "completed" : stop.Reason.ToString().ToLowerInvariant();
        }

        var key = (stop.JobId, Seconds(stop.At));
        if (killed.GetValueOrDefault(key) == 0)
        {
            return "preempted";
        }

        killed[key]--;
        return "killed";
    }

    private static string Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 1).ToString(CultureInfo.InvariantCulture);
}
