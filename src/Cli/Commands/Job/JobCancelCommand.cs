using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

public sealed class JobCancelCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobCancelSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, JobCancelSettings settings, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(settings.Reason) ? "cancelled by user" : settings.Reason.Trim();
        var job = await client.CancelJobAsync(settings.JobId.Trim(), reason, cancellationToken);
        return Print(settings, job, JobRendering.Cancelled);
    }
}
