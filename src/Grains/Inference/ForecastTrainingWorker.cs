using WPAI.Forecasting;

namespace WPAI.Grains.Inference;

/// <summary>
/// Trains forecasters on the thread pool, outside any grain turn, at most
/// <see cref="InferenceScalingOptions.MaxConcurrentTrainings"/> at a time. A grain starts a training and keeps the
/// task; it adopts the model on a later turn once the task has completed, so no grain turn waits for training.
/// </summary>
public sealed partial class ForecastTrainingWorker(IOptions<InferenceScalingOptions> options, ILogger<ForecastTrainingWorker> logger) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentTrainings);

    public Task<ForecastTraining> TrainAsync(string service, LoadSeries history, CancellationToken cancellationToken = default) =>
        Task.Run(
            async () =>
            {
                await _slots.WaitAsync(cancellationToken);
                try
                {
                    var result = LoadForecaster.Train(history, options.Value.Forecaster);
                    if (result.Model is null)
                    {
                        LogFallback(logger, service, result.FallbackReason ?? "unknown");
                    }
                    else
                    {
                        LogTrained(logger, service, result.TrainingPoints, result.TrainingTime.TotalSeconds);
                    }

                    return result;
                }
                finally
                {
                    _slots.Release();
                }
            },
            cancellationToken);

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Forecaster of {Service} trained on {Points} points in {Seconds:0.00} s")]
    private static partial void LogTrained(ILogger logger, string service, int points, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forecaster of {Service} not trained, scaling stays reactive: {Reason}")]
    private static partial void LogFallback(ILogger logger, string service, string reason);
}
