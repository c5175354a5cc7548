namespace WPAI.Simulation.Inference;

/// <summary>One plotted point: demand, ready capacity and the forecast in use (QPS) at a time.</summary>
public sealed record TimelinePoint(DateTimeOffset At, double Demand, double ReadyCapacity, double? Forecast);
