using Spectre.Console;
using WPAI.Abstractions.Contracts;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

public sealed class JobCancelCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobCancelSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, JobCancelSettings settings, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(settings.Reason) ? "cancelled by user" : settings.Reason.Trim();
        var before = await client.GetJobAsync(settings.JobId.Trim(), cancellationToken);
        if (before.Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled)
        {
            // Nothing to do is not an error: say so, exit 0.
            return Print(settings, before, (console, job) => console.WriteLine($"Job {job.Spec.JobId}: already {job.Status}; nothing cancelled."));
        }

        var cancelled = await client.CancelJobAsync(settings.JobId.Trim(), reason, cancellationToken);
        return Print(settings, cancelled, JobRendering.Cancelled);
    }
}
