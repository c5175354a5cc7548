namespace WPAI.WebConsole.Components;

/// <summary>A value at a time.</summary>
public readonly record struct ChartPoint(DateTimeOffset At, double Value);
