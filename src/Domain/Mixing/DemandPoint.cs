namespace WPAI.Domain.Mixing;

/// <summary>Forecast inference demand of a pool at one time, in GPUs of desired replicas.</summary>
public sealed record DemandPoint(DateTimeOffset At, double DemandGpus);
