using ScottPlot;

namespace WPAI.Simulation.Mixing;

/// <summary>Lent nodes (right axis) and online usage (left axis: services' demand / GPUs serving inference) over virtual time.</summary>
public static class MixingPlot
{
    public static void Save(string path, string title, IReadOnlyList<MixingSample> timeline, DateTimeOffset origin)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var plot = new Plot();
        try
        {
            var xs = timeline.Select(s => (origin + s.At).UtcDateTime.ToOADate()).ToArray();
            var usage = plot.Add.ScatterLine(xs, timeline.Select(s => s.OnlineGpus == 0 ? 0 : s.DemandGpus / s.OnlineGpus).ToArray());
            usage.LegendText = "online usage (demand GPUs / online GPUs)";
            usage.LineWidth = 1;
            var training = plot.Add.ScatterLine(xs, timeline.Select(s => s.TrainingGpus / (double)Math.Max(1, timeline.Max(t => t.TrainingGpus))).ToArray());
            training.LegendText = "training GPUs held (fraction of the run's peak)";
            training.LineWidth = 1;
            training.LinePattern = LinePattern.Dotted;
            var lent = plot.Add.ScatterLine(xs, timeline.Select(s => (double)s.LentNodes).ToArray());
            lent.LegendText = "lent nodes (right axis)";
            lent.LineWidth = 2;
            lent.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "lent nodes";
            plot.Axes.DateTimeTicksBottom();
            plot.Title(title);
            plot.YLabel("fraction");
            plot.ShowLegend(Alignment.UpperRight);
            plot.SavePng(path, 1600, 500);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
