using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

public sealed class JobSubmitCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobSubmitSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, JobSubmitSettings settings, CancellationToken cancellationToken)
    {
        var result = await client.SubmitJobAsync(settings.ToSpec(), cancellationToken);
        return Print(settings, result, JobRendering.Submitted);
    }
}
