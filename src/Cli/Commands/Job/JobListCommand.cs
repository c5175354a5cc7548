using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

public sealed class JobListCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobListSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, JobListSettings settings, CancellationToken cancellationToken)
    {
        var department = string.IsNullOrWhiteSpace(settings.Department) ? null : settings.Department.Trim();
        var jobs = await client.ListJobsAsync(department, settings.ToStatus(), settings.ToLimit(), settings.ToAfter(), cancellationToken);
        return Print(settings, jobs, JobRendering.List);
    }
}
