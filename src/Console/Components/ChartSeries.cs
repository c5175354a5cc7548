namespace WPAI.WebConsole.Components;

/// <summary>One line of a <see cref="LineChart"/>.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points);
