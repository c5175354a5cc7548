using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;
using WPAI.Forecasting;

namespace WPAI.Grains.Inference;

/// <summary>
/// The life cycle of one service's forecaster: restored from its persisted bytes, trained when due on the service's
/// history by <see cref="ForecastTrainingWorker"/> (off the grain's turn), adopted on a later turn once the training
/// has completed, asked for the peak load over its horizon (times the quantile uplift when one is set), and its error
/// measured online with <see cref="ForecastAccuracy"/>. Lives in the grain's activation; the grain persists the view and
/// the model bytes it returns.
/// </summary>
public sealed class ServiceForecaster(ForecastTrainingWorker trainer, InferenceScalingOptions options)
{
    /// <summary>A history whose newest minute is older than this is stale: forecasting from it would be a guess.</summary>
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromMinutes(5);
    private Task<ForecastTraining>? _training;
    private LoadForecastModel? _model;
    private (DateTimeOffset? Last, int Realized, double Multiplier) _uplift = (null, -1, 1.0);
    private (long Version, LoadOutlook? Outlook) _cached = (-1, null);

    /// <summary>Loads a persisted model; returns why it cannot be read, or null.</summary>
    public string? Restore(byte[]? bytes)
    {
        try
        {
            _model = bytes is null ? null : LoadForecastModel.FromBytes(bytes);
            return null;
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
    }

    /// <summary>Starts a training when one is due and none runs; returns the view to record.</summary>
    public ForecasterView StartIfDue(string service, ServiceLoadHistory history, ForecasterView view, DateTimeOffset now)
    {
        var due = view.TrainedAt is not { } at || now - at >= options.RetrainInterval;
        if (_training is not null || history.Start is not { } start || !due || history.Count < LoadForecastModel.MinHistoryPoints)
        {
            return view;
        }

        _training = trainer.TrainAsync(service, new LoadSeries(service, start, TimeSpan.FromMinutes(1), [.. history.Values]));
        return view with { Status = view.Active ? "retraining" : "training" };
    }

    /// <summary>Adopts a completed training: the view to record and, for a new model, its bytes to persist.</summary>
    public async Task<(ForecasterView View, byte[]? Model)> AdoptAsync(ServiceLoadHistory history, ForecasterView view, DateTimeOffset now)
    {
        if (_training is not { IsCompleted: true } done)
        {
            return (view, null);
        }

        _training = null;
        if (!done.IsCompletedSuccessfully)
        {
            return (view with { TrainedAt = now, Status = $"training failed: {done.Exception?.GetBaseException().Message}; scaling stays reactive" }, null);
        }

        var result = await done; // completed: does not wait
        if (result.Model is not { } model)
        {
            return (view with { TrainedAt = now, TrainingPoints = result.TrainingPoints, TrainingTime = result.TrainingTime, Status = result.FallbackReason ?? "no model" }, null);
        }

        _model = model;
        var lastValue = history.LastValuePairs(model.Horizon);
        return (new ForecasterView(true, now, result.TrainingPoints, OnlineMape(history), Mape(lastValue.Forecasts, lastValue.Actuals), result.TrainingTime, "active"), model.ToBytes());
    }

    /// <summary>The forecast QPS over the horizon with the uplift to apply, or null without a model or a recent enough history.</summary>
    public LoadOutlook? Forecast(ServiceLoadHistory history, DateTimeOffset now)
    {
        if (_model is null || history.Count < LoadForecastModel.MinHistoryPoints || history.IsStale(now, MaxStaleness))
        {
            return null;
        }

        if (_cached.Version != history.Version || _cached.Outlook is null)
        {
            // The same history gives the same forecast: predict once per change of the history.
            var forecast = _model.Predict(history.Values, history.Last!.Value);
            history.Expect(forecast.Length, forecast[^1]);
            _cached = (history.Version, new LoadOutlook([.. forecast], 1.0));
        }

        return _cached.Outlook with { Uplift = Uplift(history) };
    }

    /// <summary>The view with the online error of an active forecaster.</summary>
    public static ForecasterView Current(ForecasterView view, ServiceLoadHistory history) =>
        view.Active ? view with { Mape = OnlineMape(history) ?? view.Mape } : view;

    private static double? OnlineMape(ServiceLoadHistory history) =>
        Mape([.. history.Realized.Select(p => p.Key)], [.. history.Realized.Select(p => p.Value)]);

    private static double? Mape(IReadOnlyList<double> forecasts, IReadOnlyList<double> actuals)
    {
        var mape = ForecastAccuracy.Of(forecasts, actuals).Mape;
        return double.IsNaN(mape) ? null : mape;
    }

    private double Uplift(ServiceLoadHistory history)
    {
        if (options.ForecastQuantile is not { } q)
        {
            return 1.0;
        }

        if (_uplift.Last != history.Last || _uplift.Realized != history.Realized.Count)
        {
            _uplift = (history.Last, history.Realized.Count, ForecastUplift.Multiplier(history.RealizedPairs(), q));
        }

        return _uplift.Multiplier;
    }
}
