using System.Globalization;
using nietras.SeparatedValues;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Reporting;

/// <summary>
/// One row per job of a run (<c>jobs-POLICY-LOAD.csv</c> beside the report): what it asked, when it was submitted, when
/// it first started (wait = first start − submit, as in the report; a job never started waits until the end of the
/// replay), where and on how many GPUs, how often it started and was preempted, and when it completed; then every start
/// with its node and every preemption ('|'-separated), so a preemption can be matched with the start on its node at that
/// moment (the job that took the GPUs). Times in seconds of virtual time since the simulation's origin. For reading a
/// run's tail: which jobs wait longest and why.
/// </summary>
public static class JobOutcomes
{
    public static string FileName(string policy, double? load) =>
        string.Create(CultureInfo.InvariantCulture, $"jobs-{policy}-{(load is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "natural")}.csv");

    public static void Write(PreparedWorkload workload, EventLog log, string path)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(log);
        var first = new Dictionary<string, RunEvent>(StringComparer.Ordinal);
        var starts = new Dictionary<string, List<RunEvent>>(StringComparer.Ordinal);
        var preemptions = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var completed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in log.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Started:
                    first.TryAdd(e.JobId, e);
                    Add(starts, e.JobId, e);
                    break;
                case RunEventKind.Stopped when e.Reason == StopReason.Preempted:
                    Add(preemptions, e.JobId, e.At.TotalSeconds);
                    break;
                case RunEventKind.Stopped when e.Reason == StopReason.Completed:
                    completed[e.JobId] = e.At.TotalSeconds;
                    break;
                default:
                    break;
            }
        }

        var endOfRun = log.Events.Count == 0 ? 0 : log.Events[^1].At.TotalSeconds;
        using var writer = Sep.New(',').Writer().ToFile(path);
        foreach (var job in workload.Jobs)
        {
            using var row = writer.NewRow();
            var started = first.TryGetValue(job.Id, out var s) ? s : null;
            var submit = job.Submit.TotalSeconds;
            row["job"].Set(job.Id);
            row["department"].Set(job.Department);
            row["template"].Set(job.Template ?? string.Empty);
            row["submit_s"].Format(Math.Round(submit, 1));
            row["duration_s"].Format(Math.Round(job.Duration.TotalSeconds, 1));
            row["gpus"].Format(job.Gpus);
            row["gpu_utilization"].Format(Math.Round(job.GpuUtilization, 3));
            row["models"].Set(job.GpuModels.IsDefaultOrEmpty ? string.Empty : string.Join('|', job.GpuModels));
            row["first_start_s"].Set(started is null ? string.Empty : Math.Round(started.At.TotalSeconds, 1).ToString(CultureInfo.InvariantCulture));
            row["wait_s"].Format(Math.Round((started?.At.TotalSeconds ?? endOfRun) - submit, 1));
            row["first_pool"].Set(started?.Pool ?? string.Empty);
            row["first_gpus"].Format(started?.Gpus ?? 0);
            var jobStarts = starts.GetValueOrDefault(job.Id) ?? [];
            var jobPreemptions = preemptions.GetValueOrDefault(job.Id) ?? [];
            row["starts"].Format(jobStarts.Count);
            row["preemptions"].Format(jobPreemptions.Count);
            row["completed_s"].Set(completed.TryGetValue(job.Id, out var c) ? Seconds(c) : string.Empty);
            row["started_s"].Set(string.Join('|', jobStarts.Select(e => Seconds(e.At.TotalSeconds))));
            row["nodes"].Set(string.Join('|', jobStarts.Select(e => e.Node ?? string.Empty)));
            row["preempted_s"].Set(string.Join('|', jobPreemptions.Select(Seconds)));
        }
    }

    private static string Seconds(double s) => Math.Round(s, 1).ToString(CultureInfo.InvariantCulture);

    private static void Add<T>(Dictionary<string, List<T>> lists, string jobId, T item)
    {
        if (!lists.TryGetValue(jobId, out var list))
        {
            list = [];
            lists[jobId] = list;
        }

        list.Add(item);
    }
}
