using System.Collections.Immutable;
using System.Text.Json;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Reporting;

namespace WPAI.Simulation.Tests;

public sealed class ReportTests
{
    internal static RunMetrics Run(string policy, double load, double gpu, double cpu, double p95) => new(
        policy, load, gpu, gpu * 1.5, cpu, cpu * 1.5, 10, p95, p95 * 2, 20, 600, 100, 90, 100, 0, 1, 2, 3600, 5, 0.5, 0.01, 41, 0.84, 1.5, 1000, 1500,
        [new PoolMetrics("T4", 8, gpu, gpu * 1.5), new PoolMetrics("V100", 16, gpu / 2, gpu)],
        [.. Enumerable.Range(0, 20).Select(i => new SeriesPoint(i, gpu * 1.5 * (i % 5) / 4))],
        [.. Enumerable.Range(0, 101).Select(q => q * p95 / 95.0)]);

    internal static SimulationReport Report() => new(
        SimulationReport.CurrentSchemaVersion,
        new WorkloadSummary("test", 1, 0.02, "equal", 604800, 100, 3, 24, 100_000, [new PoolSummary("T4", 2, 8), new PoolSummary("V100", 1, 16)], ["dept-01"], ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty.Add("T4", ImmutableDictionary<string, int>.Empty.Add("dept-01", 8)), 41, 0.84, 0, 0, 10, 0.003, 3500),
        ["an assumption"],
        [Run("wpai", 0.9, 0.6, 0.5, 100), Run("static-quota", 0.9, 0.3, 0.4, 400), Run("wpai", 0.5, 0.4, 0.3, 10), Run("static-quota", 0.5, 0.3, 0.3, 50)]);

    [Fact]
    public void Json_HasTheFieldsScriptsDependOn()
    {
        using var doc = JsonDocument.Parse(ReportWriter.ToJson(Report()));

        var run = doc.RootElement.GetProperty("runs")[0];
        foreach (var field in new[] { "policy", "offeredLoad", "gpuUtilization", "gpuAllocation", "cpuUtilization", "cpuAllocation", "waitP50Seconds", "waitP95Seconds", "waitP99Seconds", "jctP50Seconds", "jobsCompleted", "preemptions", "fallbackPlacements", "backlogGpuHours", "excludedJobs", "wallSeconds", "eventsPerSecond" })
        {
            Assert.True(run.TryGetProperty(field, out _), $"report.json runs[] lacks '{field}'");
        }

        Assert.Equal(0.6, run.GetProperty("gpuUtilization").GetDouble());
    }

    [Fact]
    public void Markdown_StatesTargetVerdictWithNumbers()
    {
        var md = ReportWriter.ToMarkdown(Report());

        Assert.Contains("**not met**", md, StringComparison.Ordinal);
        Assert.Contains("GPU utilization 2.00×, CPU utilization 1.25×", md, StringComparison.Ordinal);
        Assert.Contains("41 jobs holding 84.0 %", md.Replace("84.0%", "84.0 %", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ProducesJsonMarkdownAndPngs()
    {
        using var dir = new TempDir();

        var written = ReportWriter.Write(Report(), dir.Path);

        Assert.Equal(6, written.Count);
        foreach (var png in written.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5000, $"{png} is suspiciously small");
            Assert.Equal(0x89, bytes[0]);
            Assert.Equal((byte)'P', bytes[1]);
        }

        var back = ReportWriter.FromJson(File.ReadAllText(Path.Combine(dir.Path, "report.json")));
        Assert.NotNull(back);
        Assert.Equal(4, back.Runs.Length);
    }

    [Fact]
    public async Task WriteAsync_TextsBesideThePlots_WritesTheSameBytesAsWrite()
    {
        using var sequential = new TempDir();
        using var overlapped = new TempDir();

        var first = ReportWriter.Write(Report(), sequential.Path);
        var second = await ReportWriter.WriteAsync(Report(), overlapped.Path);

        Assert.Equal(first.Select(Path.GetFileName), second.Select(Path.GetFileName));
        Assert.Equal(first.Select(Path.GetFileName).Order(StringComparer.Ordinal), Directory.GetFiles(overlapped.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in first.Select(Path.GetFileName))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(sequential.Path, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(overlapped.Path, name!))), $"{name} differs");
        }
    }
}
