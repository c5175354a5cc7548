using ScottPlot;

namespace WPAI.Simulation.Inference;

/// <summary>Demand, ready capacity and forecast over time (ScottPlot).</summary>
public static class InferencePlot
{
    public static void Save(string path, string title, IReadOnlyList<TimelinePoint> timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var plot = new Plot();
        try
        {
            var xs = timeline.Select(p => p.At.UtcDateTime.ToOADate()).ToArray();
            var demand = plot.Add.ScatterLine(xs, timeline.Select(p => p.Demand).ToArray());
            demand.LegendText = "demand (QPS)";
            demand.LineWidth = 1;
            var capacity = plot.Add.ScatterLine(xs, timeline.Select(p => p.ReadyCapacity).ToArray());
            capacity.LegendText = "ready capacity (QPS)";
            capacity.LineWidth = 1;
            if (timeline.Any(p => p.Forecast is not null))
            {
                var withForecast = timeline.Where(p => p.Forecast is not null).ToList();
                var forecast = plot.Add.ScatterLine(
                    withForecast.Select(p => p.At.UtcDateTime.ToOADate()).ToArray(),
                    withForecast.Select(p => p.Forecast!.Value).ToArray());
                forecast.LegendText = "provisioned forecast (QPS)";
                forecast.LineWidth = 1;
                forecast.LinePattern = LinePattern.Dashed;
            }

            plot.Axes.DateTimeTicksBottom();
            plot.Title(title);
            plot.YLabel("QPS");
            plot.ShowLegend(Alignment.UpperRight);
            plot.SavePng(path, 1600, 500);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
