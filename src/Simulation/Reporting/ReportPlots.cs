using ScottPlot;
using WPAI.Simulation.Metrics;

namespace WPAI.Simulation.Reporting;

/// <summary>PNG plots of a report (ScottPlot on SkiaSharp): allocation over time, wait CDF, per-pool utilization, gains versus load.</summary>
public static class ReportPlots
{
    public const string Allocation = "gpu-allocation.png";
    public const string WaitCdf = "wait-cdf.png";
    public const string PoolUtilization = "pool-utilization.png";
    public const string Gains = "gains-vs-load.png";
    private const int Width = 1000;
    private const int Height = 560;

    public static IReadOnlyList<string> Names(SimulationReport report) =>
        Loads(report).Count > 1 ? [Allocation, WaitCdf, PoolUtilization, Gains] : [Allocation, WaitCdf, PoolUtilization];

    public static IReadOnlyList<string> Write(SimulationReport report, string directory)
    {
        var runs = RunsAtFocusLoad(report);
        var written = new List<string>
        {
            AllocationPlot(runs, Path.Combine(directory, Allocation)),
            WaitCdfPlot(runs, Path.Combine(directory, WaitCdf)),
            PoolPlot(runs, Path.Combine(directory, PoolUtilization)),
        };
        if (Loads(report).Count > 1)
        {
            written.Add(GainsPlot(report.Runs, Path.Combine(directory, Gains)));
        }

        return written;
    }

    /// <summary>The runs at the load closest to 0.9 (the headline load), for the per-load plots.</summary>
    public static IReadOnlyList<RunMetrics> RunsAtFocusLoad(SimulationReport report)
    {
        var loads = Loads(report);
        if (loads.Count == 0)
        {
            return [];
        }

        var focus = loads.OrderBy(l => Math.Abs(l - 0.9)).First();
        return report.Runs.Where(r => Math.Round(r.OfferedLoad, 3) == focus).ToList();
    }

    private static List<double> Loads(SimulationReport report) => report.Runs.Select(r => Math.Round(r.OfferedLoad, 3)).Distinct().Order().ToList();

    private static string AllocationPlot(IReadOnlyList<RunMetrics> runs, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var line = plot.Add.Scatter(r.GpuAllocationSeries.Select(p => p.Hours).ToArray(), r.GpuAllocationSeries.Select(p => p.Value * 100).ToArray());
            line.LegendText = r.Policy;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = palette.GetColor(i);
        }

        plot.Title(Title("GPU allocation over the arrival window", runs));
        plot.XLabel("hours since first arrival");
        plot.YLabel("GPUs allocated (% of fleet)");
        plot.Axes.SetLimitsY(0, 105);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string WaitCdfPlot(IReadOnlyList<RunMetrics> runs, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var ys = Enumerable.Range(0, 101).Select(q => (double)q).ToArray();
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var xs = r.WaitQuantilesSeconds.Select(s => Math.Log10(Math.Max(s, 1))).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = r.Policy;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = palette.GetColor(i);
        }

        double[] positions = [0, 1, Math.Log10(60), Math.Log10(600), Math.Log10(3600), Math.Log10(36000), Math.Log10(86400), Math.Log10(864000)];
        string[] labels = ["1 s", "10 s", "1 min", "10 min", "1 h", "10 h", "1 d", "10 d"];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Title(Title("Wait time CDF", runs));
        plot.XLabel("wait before first start (log scale)");
        plot.YLabel("% of jobs");
        plot.Axes.SetLimits(0, Math.Max(6, runs.SelectMany(r => r.WaitQuantilesSeconds).Select(s => Math.Log10(Math.Max(s, 1))).DefaultIfEmpty(0).Max() + 0.2), 0, 101);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string PoolPlot(IReadOnlyList<RunMetrics> runs, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var pools = runs.SelectMany(r => r.Pools.Select(p => p.Pool)).Distinct().ToList();
        var groupWidth = runs.Count + 1;
        var bars = new List<Bar>();
        for (var i = 0; i < runs.Count; i++)
        {
            foreach (var pm in runs[i].Pools)
            {
                var g = pools.IndexOf(pm.Pool);
                bars.Add(new Bar { Position = (g * groupWidth) + i, Value = pm.GpuUtilization * 100, FillColor = palette.GetColor(i), LineWidth = 0 });
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = runs[i].Policy, FillColor = palette.GetColor(i) });
        }

        plot.Add.Bars(bars);
        var ticks = pools.Select((p, g) => (g * groupWidth) + ((runs.Count - 1) / 2.0)).ToArray();
        var poolLabels = pools.Select(p => p + " (" + runs[0].Pools.First(x => x.Pool == p).Gpus + ")").ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, poolLabels);
        plot.Title(Title("GPU utilization per pool (allocated × job utilization)", runs));
        plot.XLabel("pool (GPUs)");
        plot.YLabel("GPU utilization (% of pool)");
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string GainsPlot(IReadOnlyList<RunMetrics> runs, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var baselines = runs.Where(r => r.Policy == ReportWriter.Baseline).ToDictionary(r => Math.Round(r.OfferedLoad, 3));
        var policies = runs.Select(r => r.Policy).Where(p => p != ReportWriter.Baseline).Distinct().ToList();
        for (var i = 0; i < policies.Count; i++)
        {
            var points = runs.Where(r => r.Policy == policies[i] && baselines.TryGetValue(Math.Round(r.OfferedLoad, 3), out var b) && b.GpuUtilization > 0)
                .OrderBy(r => r.OfferedLoad)
                .Select(r => (r.OfferedLoad, Gpu: r.GpuUtilization / baselines[Math.Round(r.OfferedLoad, 3)].GpuUtilization, Cpu: baselines[Math.Round(r.OfferedLoad, 3)].CpuUtilization > 0 ? r.CpuUtilization / baselines[Math.Round(r.OfferedLoad, 3)].CpuUtilization : 0))
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var gpu = plot.Add.Scatter(points.Select(p => p.OfferedLoad).ToArray(), points.Select(p => p.Gpu).ToArray());
            gpu.LegendText = policies[i] + " GPU util";
            gpu.Color = palette.GetColor(i);
            gpu.LineWidth = 2;
            if (policies[i] == "wpai")
            {
                var cpu = plot.Add.Scatter(points.Select(p => p.OfferedLoad).ToArray(), points.Select(p => p.Cpu).ToArray());
                cpu.LegendText = "wpai CPU util";
                cpu.Color = palette.GetColor(i);
                cpu.LinePattern = LinePattern.Dashed;
                cpu.LineWidth = 2;
            }
        }

        var target = plot.Add.HorizontalLine(1.51);
        target.LegendText = "reference +51 % GPU";
        target.Color = Colors.Gray;
        target.LinePattern = LinePattern.Dotted;
        var one = plot.Add.HorizontalLine(1.0);
        one.Color = Colors.Black;
        plot.Title("Utilization relative to static-quota vs offered load");
        plot.XLabel("offered load (GPU demand / fleet GPU capacity)");
        plot.YLabel("× static-quota");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Title(string what, IReadOnlyList<RunMetrics> runs) =>
        runs.Count == 0 ? what : FormattableString.Invariant($"{what} (offered load {runs[0].OfferedLoad:0.00})");
}
