using Spectre.Console;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Client;

namespace WPAI.Cli.Commands.Job;

/// <summary>
/// <c>wpai job logs JOB [--follow] [--attempt N]</c>: prints a run's stdout/stderr, read through the node agent of the
/// node it ran on; with --follow it keeps reading until the run ends.
/// </summary>
public sealed class JobLogsCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<JobLogsSettings>(console, connector)
{
    private static readonly TimeSpan FollowPeriod = TimeSpan.FromSeconds(1);

    protected override async Task<int> RunAsync(IWpaiClient client, JobLogsSettings settings, CancellationToken cancellationToken)
    {
        var jobId = settings.JobId.Trim();
        var job = await client.GetJobAsync(jobId, cancellationToken);
        var runs = job.Runs.IsDefault ? [] : job.Runs;
        var run = settings.AttemptNumber is { } n ? runs.FirstOrDefault(r => r.Attempt == n) : runs.IsEmpty ? null : runs[^1];
        if (run is null)
        {
            throw new WpaiNotFoundException(settings.AttemptNumber is { } a
                ? $"job {jobId} has no run of attempt {a} (runs: {string.Join(", ", runs.Select(r => r.Attempt))})"
                : $"job {jobId} has not run yet ({job.Explanation})");
        }

        var writer = Console.Profile.Out.Writer;
        long offset = 0;
        while (true)
        {
            var chunk = await client.ReadJobLogAsync(jobId, run.Attempt, offset, cancellationToken: cancellationToken);
            await writer.WriteAsync(chunk.Text);
            await writer.FlushAsync(cancellationToken);
            offset = chunk.NextOffset;
            if (chunk.NextOffset > chunk.Offset)
            {
                continue; // more may be there already
            }

            if (!settings.Follow || chunk.Ended)
            {
                return ExitCodes.Success;
            }

            await Task.Delay(FollowPeriod, cancellationToken);
        }
    }
}
