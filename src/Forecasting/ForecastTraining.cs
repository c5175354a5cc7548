namespace WPAI.Forecasting;

/// <summary>
/// The outcome of <see cref="LoadForecaster.Train"/>: a model, or null with the reason the service stays reactive.
/// </summary>
public sealed record ForecastTraining(LoadForecastModel? Model, string? FallbackReason, int TrainingPoints, TimeSpan TrainingTime)
{
    public bool HasModel => Model is not null;
}
