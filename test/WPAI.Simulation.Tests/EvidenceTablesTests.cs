using WPAI.Simulation.Capacity;
using WPAI.Simulation.Reporting;

namespace WPAI.Simulation.Tests;

public sealed class EvidenceTablesTests
{
    private static SustainableLoad Found(string policy, double load) =>
        new(policy, load, load + 0.05, [new LoadProbe(load, 600, 0.001, true), new LoadProbe(load + 0.05, 7200, 0.2, false)]);

    [Fact]
    public void TargetsTable_PrintsEveryTargetWithItsMeasuredValue()
    {
        var report = ReportTests.Report() with
        {
            SustainableLoad = [Found("wpai", 0.7), Found("static-quota", 0.35), Found("kueue", 0.65), Found("yarn-capacity", 0.5)],
        };

        var table = EvidenceTables.TargetsTable(report);

        Assert.Contains("| sustainable load wpai ≥ 1.51× static-quota | 0.70 vs 0.35 = 2.00× | **met** |", table, StringComparison.Ordinal);
        Assert.Contains("| sustainable load wpai ≥ 1.2× kueue | 0.70 vs 0.65 = 1.08× | **missed** |", table, StringComparison.Ordinal);
        Assert.Contains("| sustainable load wpai ≥ 1.2× yarn-capacity | 0.70 vs 0.50 = 1.40× | **met** |", table, StringComparison.Ordinal);
        Assert.Contains("| at load 0.9: GPU util ≥ 1.51× static-quota | 60.0 % vs 30.0 % = 2.00× | **met** |", table.Replace("60.0%", "60.0 %", StringComparison.Ordinal).Replace("30.0%", "30.0 %", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("CPU util ≥ 1.38× static-quota", table, StringComparison.Ordinal);
        Assert.Contains("| at load 0.9: p95 wait lower than static-quota | 100s vs 6.7m | **met** |", table, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetsTable_SaysWhatWasNotMeasured()
    {
        var table = EvidenceTables.TargetsTable(ReportTests.Report());

        Assert.Contains("| sustainable load wpai ≥ 1.2× kueue | not measured (needs --sustainable with both policies) | – |", table, StringComparison.Ordinal);
    }
}
