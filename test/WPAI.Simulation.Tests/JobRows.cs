using WPAI.Simulation.Metrics;
using WPAI.Simulation.Reporting;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>The per-job rows of a run as the report writes them (<c>jobs-POLICY-LOAD.csv</c>), for comparing two runs.</summary>
internal static class JobRows
{
    public static string Of(PreparedWorkload workload, EventLog log, string dir, string name)
    {
        var path = Path.Combine(dir, name + ".csv");
        JobOutcomes.Write(workload, log, path);
        return File.ReadAllText(path);
    }
}
