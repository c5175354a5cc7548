using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Grains.Inference;

/// <summary>
/// What a service's evaluation reads, kept in its grain's activation: the rolling <see cref="MetricWindow"/>, the
/// per-minute <see cref="ServiceLoadHistory"/> (persisted in the state), the forecaster's life cycle
/// (<see cref="ServiceForecaster"/>: restore, train when due, adopt, forecast) and the rule
/// (<see cref="ServiceAutoscaler"/>, whose controller memory lives in the activation). Used inside the grain's turn only.
/// </summary>
internal sealed class ServiceSignals(ForecastTrainingWorker trainer, InferenceScalingOptions options, Func<InferenceServiceState> state)
{
    private readonly ServiceForecaster _forecaster = new(trainer, options);
    private ServiceLoadHistory? _history;
    private string? _aperiodic;
    private bool _periodicityKnown;

    public MetricWindow Window { get; } = new(options.MetricWindow);

    public ServiceAutoscaler Autoscaler { get; } = new(options.Policy, options.ScaleDownStabilization, options.Provisioning);

    public ServiceLoadHistory History => _history ??= new(S.HistoryStart, S.History, S.Realized, options.Forecaster.MaxHistory);

    /// <summary>The forecaster's view with its online error.</summary>
    public ForecasterView Forecaster => ServiceForecaster.Current(S.Forecaster, History);

    private InferenceServiceState S => state();

    /// <summary>Loads the persisted model; returns why it cannot be read (and forgets it), or null.</summary>
    public string? Restore()
    {
        var unreadable = _forecaster.Restore(S.ForecastModel);
        if (unreadable is not null)
        {
            S.ForecastModel = null;
        }

        return unreadable;
    }

    /// <summary>Admits a report to the window and the history.</summary>
    public void Add(ServiceMetrics metrics)
    {
        Window.Add(metrics);
        History.Add(metrics.At, metrics.TotalQps);
        S.HistoryStart = History.Start;
    }

    /// <summary>Adopts a completed training into the state.</summary>
    public async Task AdoptAsync(DateTimeOffset now)
    {
        var (view, model) = await _forecaster.AdoptAsync(History, S.Forecaster, now);
        S.Forecaster = view;
        S.ForecastModel = model ?? S.ForecastModel;
        _periodicityKnown &= model is null; // a new model: look at the history it was trained on again
    }

    /// <summary>
    /// Starts a training when one is due (for a rule that forecasts) and returns the outlook to scale on (none under a
    /// manual hold or without metrics) with why there is none.
    /// </summary>
    public (LoadOutlook? Outlook, string? ReactiveBecause) Outlook(string service, DateTimeOffset now, bool held)
    {
        if (!Autoscaler.UsesForecast)
        {
            return (null, null);
        }

        S.Forecaster = _forecaster.StartIfDue(service, History, S.Forecaster, now);
        var outlook = !Window.IsEmpty && !held ? _forecaster.Forecast(History, now) : null;
        if (outlook is not null && Aperiodic() is { } why)
        {
            return (null, why);
        }

        return (outlook, outlook is null && !S.Forecaster.Active ? S.Forecaster.Status : null);
    }

    /// <summary>
    /// With periodicity detection on: why the history has no daily or weekly pattern (the forecast is then not used),
    /// or null when it has one. Looked at once per adopted model.
    /// </summary>
    private string? Aperiodic()
    {
        var p = options.Provisioning;
        if (!p.Periodicity)
        {
            return null;
        }

        if (!_periodicityKnown)
        {
            var (daily, weekly) = LoadPeriodicity.Autocorrelations(History.Values, 1440);
            _aperiodic = daily >= p.MinAutocorrelation || weekly >= p.MinAutocorrelation ? null
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no daily or weekly pattern (autocorrelation {daily:0.00} / {weekly:0.00} < {p.MinAutocorrelation:0.00})");
            _periodicityKnown = true;
        }

        return _aperiodic;
    }

    /// <summary>Forgets the history (the state was cleared).</summary>
    public void Reset() => _history = null;
}
