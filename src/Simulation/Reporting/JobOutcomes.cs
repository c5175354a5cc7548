using System.Globalization;
using nietras.SeparatedValues;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Reporting;

/// <summary>
/// One row per job of a run (<c>jobs-POLICY-LOAD.csv</c> beside the report): what it asked, when it was submitted, when
/// it first started (wait = first start − submit, as in the report; a job never started waits until the end of the
/// replay), where and on how many GPUs, how often it started and was preempted, and when it completed. Times in
/// seconds of virtual time since the simulation's origin. For reading a run's tail: which jobs wait longest and why.
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
        var starts = new Dictionary<string, int>(StringComparer.Ordinal);
        var preemptions = new Dictionary<string, int>(StringComparer.Ordinal);
        var completed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in log.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Started:
                    first.TryAdd(e.JobId, e);
                    starts[e.JobId] = starts.GetValueOrDefault(e.JobId) + 1;
                    break;
                case RunEventKind.Stopped when e.Reason == StopReason.Preempted:
                    preemptions[e.JobId] = preemptions.GetValueOrDefault(e.JobId) + 1;
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
            row["starts"].Format(starts.GetValueOrDefault(job.Id));
            row["preemptions"].Format(preemptions.GetValueOrDefault(job.Id));
            row["completed_s"].Set(completed.TryGetValue(job.Id, out var c) ? Math.Round(c, 1).ToString(CultureInfo.InvariantCulture) : string.Empty);
        }
    }
}
