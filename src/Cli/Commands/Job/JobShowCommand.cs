using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

public sealed class JobShowCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobIdSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, JobIdSettings settings, CancellationToken cancellationToken)
    {
        var details = await client.GetJobDetailsAsync(settings.JobId.Trim(), cancellationToken);
        return Print(settings, details, JobRendering.Show);
    }
}
