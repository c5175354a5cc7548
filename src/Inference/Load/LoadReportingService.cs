using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WPAI.Inference.Hosting;

namespace WPAI.Inference.Load;

/// <summary>Every <see cref="InferenceServerOptions.LoadReportInterval"/>, collects a load snapshot and hands it to the <see cref="ILoadReporter"/>.</summary>
public sealed partial class LoadReportingService(LoadSnapshotCollector collector, ILoadReporter reporter, IOptions<InferenceServerOptions> options, TimeProvider timeProvider, ILogger<LoadReportingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LoadReportInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var snapshot = collector.Collect();
                try
                {
                    await reporter.ReportAsync(snapshot, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogReportFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the server's load")]
    private static partial void LogReportFailed(ILogger logger, Exception exception);
}
