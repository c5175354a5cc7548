using System.Collections.Immutable;
using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts;
using WPAI.Client;

namespace WPAI.Cli.Rendering;

/// <summary>Tables for jobs.</summary>
public static class JobRendering
{
    public static void List(IAnsiConsole console, ImmutableArray<JobView> jobs)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (jobs.IsDefaultOrEmpty)
        {
            console.WriteLine("No jobs.");
            return;
        }

        var table = Tables.List("JOB", "DEPARTMENT", "STATUS", "GPUS", "MODELS", "NODE", "TIER", "WAITED", "ATTEMPTS");
        foreach (var job in jobs)
        {
            table.AddRow(
                job.Spec.JobId,
                job.Spec.Department,
                job.Status.ToString(),
                job.Requested.Gpus.ToString(CultureInfo.InvariantCulture),
                string.Join(",", job.Spec.GpuModels.IsDefault ? [] : job.Spec.GpuModels),
                job.Placement?.Node ?? "-",
                job.Placement is { } p ? Format.Tier(p.Tier) : "-",
                Format.Duration(job.WaitTime),
                job.Attempts.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    public static void Show(IAnsiConsole console, JobDetails details)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(details);
        var job = details.Job;
        var spec = job.Spec;
        console.Write(Tables.Details(
        [
            ("Job", spec.JobId),
            ("Department", spec.Department),
            ("Status", job.Status.ToString()),
            ("Requested", Format.Resources(job.Requested)),
            ("Asked for", Format.Resources(spec.Request)),
            ("GPU models", spec.GpuModels.IsDefaultOrEmpty ? "-" : string.Join(", ", spec.GpuModels)),
            ("Duration", Format.Duration(spec.Duration)),
            ("Template", Format.OrDash(spec.Template)),
            ("Command", spec.HasCommand ? string.Join(' ', spec.Command) : "-"),
            ("Long-running", spec.LongRunning ? "yes" : "no"),
            ("Checkpointable", spec.Checkpointable ? $"yes, {Format.Duration(spec.CheckpointGrace ?? WPAI.Domain.Jobs.JobLifecycle.DefaultCheckpointGrace)} grace after a reclaim warning" : "no"),
            ("Submitted", Format.Time(job.SubmittedAt)),
            ("Waited", Format.Duration(job.WaitTime)),
            ("Attempts", job.Attempts.ToString(CultureInfo.InvariantCulture)),
            ("Placement", job.Placement is { } p
                ? $"{p.Node} ({p.Pool}), {Format.Tier(p.Tier)} tier, {Format.Resources(p.Resources)}, since {Format.Time(p.StartedAt)}"
                : "-"),
            ("Preempted by", Format.OrDash(job.PreemptedBy)),
            ("GPU utilization", Format.Percent(job.EffectiveGpuUtilization)),
        ]));

        var why = new Rows(JobExplanation.Lines(details).Select(line => new Text(line)));
        Tables.Section(console, "Why", new Padder(why, new Padding(2, 0, 0, 0)));

        RunRendering.Runs(console, job);

        var history = job.History.IsDefault ? [] : job.History;
        if (!history.IsEmpty)
        {
            var table = Tables.List("AT", "EVENT", "DETAIL");
            foreach (var e in history)
            {
                table.AddRow(Format.Time(e.At), e.Kind, e.Detail);
            }

            Tables.Section(console, "History", table);
        }
    }

    public static void Submitted(IAnsiConsole console, SubmitResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        var job = result.Job;
        var verb = result.Created ? "submitted" : "already exists (same id; nothing changed)";
        console.WriteLine($"Job {job.Spec.JobId} {verb}: {job.Status}, requests {Format.Resources(job.Requested)}.");
        foreach (var line in JobExplanation.Lines(new JobDetails(job, [])).Where(l => !l.StartsWith("Not in a pool queue", StringComparison.Ordinal)))
        {
            console.WriteLine("  " + line);
        }
    }

    public static void Cancelled(IAnsiConsole console, JobView job)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(job);
        console.WriteLine($"Job {job.Spec.JobId}: {job.Status}. {job.Explanation}".TrimEnd());
    }
}
