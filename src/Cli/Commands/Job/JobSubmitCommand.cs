using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

public sealed class JobSubmitCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobSubmitSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, JobSubmitSettings settings, CancellationToken cancellationToken)
    {
        if (settings.File is { } file)
        {
            var results = await client.SubmitManyAsync(JobFile.Read(file), cancellationToken);
            return Print(settings, results, (console, all) => console.WriteLine(
                $"{all.Count(r => r.Created)} jobs submitted, {all.Count(r => !r.Created)} already existed (same ids), from {file}"));
        }

        var result = await client.SubmitJobAsync(settings.ToSpec(), cancellationToken);
        return Print(settings, result, JobRendering.Submitted);
    }
}
