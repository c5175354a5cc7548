namespace WPAI.Simulation.Metrics;

/// <summary>A time-weighted mean over one bucket of the arrival window (hours since its start).</summary>
public sealed record SeriesPoint(double Hours, double Value);
