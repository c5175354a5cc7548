using System.Diagnostics;
using System.Globalization;
using WPAI.Forecasting;

namespace WPAI.Benchmarks;

/// <summary>
/// Forecaster training on a month of 1-minute data (43,200 points of a synthetic daily and weekly load with noise,
/// seeded; 5 horizon steps): the default (one shared model over the horizons) against the per-step models of the
/// earlier default (100 trees, up to 20,000 rows per step), measured in the same run, with wall time, process CPU and
/// the error of each on the held-out last day (MAPE at +5 minutes). Prints the ratio.
/// </summary>
internal static class ForecasterBenchmark
{
    public static Task<int> RunAsync(bool quick)
    {
        var c = CultureInfo.InvariantCulture;
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(11);
        var values = new double[43_200];
        for (var i = 0; i < values.Length; i++)
        {
            var t = start.AddMinutes(i);
            var daily = Math.Sin(2 * Math.PI * (t.TimeOfDay.TotalMinutes - 360) / 1440);
            var weekend = t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.6 : 1.0;
            values[i] = Math.Max(0, ((400 + (300 * daily)) * weekend) + (random.NextDouble() * 60) - 30);
        }

        var series = new LoadSeries("synthetic-month", start, TimeSpan.FromMinutes(1), values);
        var train = series.Slice(0, values.Length - 1440);
        var runs = quick ? 1 : 3;
        var defaults = new ForecasterOptions();
        var earlier = new ForecasterOptions { SharedModel = false };
        Console.WriteLine(string.Create(c, $"forecaster training: {train.Count} points of 1-minute data, {defaults.HorizonSteps(series.Step)} horizon steps, {Environment.ProcessorCount} cores, best of {runs}"));
        var (sharedWall, sharedCpu, sharedMape) = Measure(series, train, defaults, runs);
        var (perStepWall, perStepCpu, perStepMape) = Measure(series, train, earlier, runs);
        Console.WriteLine(string.Create(c, $"  shared model (default)      {sharedWall.TotalSeconds,6:0.00} s wall  {sharedCpu.TotalSeconds,6:0.00} s CPU  MAPE +5 min on the last day {sharedMape,6:0.00} %"));
        Console.WriteLine(string.Create(c, $"  one model per step (before) {perStepWall.TotalSeconds,6:0.00} s wall  {perStepCpu.TotalSeconds,6:0.00} s CPU  MAPE +5 min on the last day {perStepMape,6:0.00} %"));
        Console.WriteLine(string.Create(c, $"  ratio (shared / per step): wall {sharedWall / perStepWall:0.00}x, MAPE {sharedMape / perStepMape:0.00}x; target < 5 s wall: {(sharedWall.TotalSeconds < 5 ? "met" : "MISSED")}"));
        return Task.FromResult(0);
    }

    private static (TimeSpan Wall, TimeSpan Cpu, double Mape) Measure(LoadSeries series, LoadSeries train, ForecasterOptions options, int runs)
    {
        var best = (Wall: TimeSpan.MaxValue, Cpu: TimeSpan.MaxValue);
        LoadForecastModel? model = null;
        for (var i = 0; i < runs; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.GetTimestamp();
            var result = LoadForecaster.Train(train, options);
            var elapsed = Stopwatch.GetElapsedTime(wall);
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            model = result.Model ?? throw new InvalidOperationException(result.FallbackReason);
            if (elapsed < best.Wall)
            {
                best = (elapsed, used);
            }
        }

        var forecasts = model!.PredictRange(series, train.Count - 5, series.Count - 5);
        var errors = new List<double>();
        for (var k = 0; k < forecasts.Length; k++)
        {
            var actual = series.Values[train.Count - 5 + k + 5];
            if (actual > 0)
            {
                errors.Add(Math.Abs(forecasts[k][4] - actual) / actual * 100);
            }
        }

        return (best.Wall, best.Cpu, errors.Average());
    }
}
