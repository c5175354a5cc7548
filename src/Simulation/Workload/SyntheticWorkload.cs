using System.Collections.Immutable;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>
/// Generates a workload with no input file: a fleet of three GPU pools and jobs whose run times, sizes and GPU
/// utilization follow Philly's published shapes (<see cref="PhillyShape"/>), arriving as a Poisson process over
/// <c>days</c>. Deterministic for a seed.
/// </summary>
public static class SyntheticWorkload
{
    private static readonly (string Model, int Gpus, int CpuMilli, long MemoryMib, double Share)[] NodeKinds =
    [
        ("A100", 8, 96_000, 786_432, 0.25),
        ("V100", 8, 64_000, 393_216, 0.35),
        ("T4", 4, 48_000, 196_608, 0.40),
    ];

    public static IReadOnlyList<SimNode> Nodes(int nodeCount)
    {
        if (nodeCount < NodeKinds.Length)
        {
            throw new WpaiValidationException("--node-count", $"{nodeCount} is fewer than the {NodeKinds.Length} pools", $"Use at least {NodeKinds.Length} nodes.");
        }

        var nodes = new List<SimNode>(nodeCount);
        var assigned = 0;
        for (var k = 0; k < NodeKinds.Length; k++)
        {
            var kind = NodeKinds[k];
            var count = k == NodeKinds.Length - 1 ? nodeCount - assigned : Math.Max(1, (int)Math.Round(nodeCount * kind.Share));
            assigned += count;
            for (var i = 0; i < count; i++)
            {
                nodes.Add(new SimNode($"syn-{kind.Model.ToLowerInvariant()}-{i:D5}", kind.Model, kind.Gpus, kind.CpuMilli, kind.MemoryMib));
            }
        }

        return nodes;
    }

    public static IReadOnlyList<SimJob> Jobs(int jobCount, double days, int seed)
    {
        if (jobCount < 1)
        {
            throw new WpaiValidationException("--jobs", $"{jobCount} is not positive", "Generate at least one job.");
        }

        if (!(days > 0))
        {
            throw new WpaiValidationException("--days", $"{days} is not positive", "Spread the jobs over a positive number of days.");
        }

        var random = new Random(seed);
        var window = TimeSpan.FromDays(days).TotalSeconds;
        var models = NodeKinds.Select(k => k.Model).ToArray();
        var jobs = new List<SimJob>(jobCount);
        var t = 0.0;
        var meanGap = window / jobCount;
        for (var i = 0; i < jobCount; i++)
        {
            t += -Math.Log(1 - random.NextDouble()) * meanGap;
            var gpus = PhillyShape.Gpus(random.NextDouble());
            var duration = PhillyShape.Runtime(random.NextDouble());
            if (duration < TimeSpan.FromSeconds(1))
            {
                duration = TimeSpan.FromSeconds(1);
            }

            var cpuPerGpu = 4000 * (1 + random.Next(3));
            var specDraw = random.NextDouble();
            var eligible = models.Where(m => NodeKinds.First(k => k.Model == m).Gpus >= gpus).ToArray();
            ImmutableArray<string> spec;
            if (specDraw < 0.6)
            {
                spec = [];
            }
            else if (specDraw < 0.85 || eligible.Length < 2)
            {
                spec = [eligible[random.Next(eligible.Length)]];
            }
            else
            {
                var first = random.Next(eligible.Length);
                var second = (first + 1 + random.Next(eligible.Length - 1)) % eligible.Length;
                spec = [eligible[first], eligible[second]];
            }

            jobs.Add(new SimJob(
                $"syn-job-{i:D6}",
                TimeSpan.FromSeconds(Math.Round(t)),
                duration,
                gpus,
                1000,
                cpuPerGpu * gpus,
                32_768L * gpus,
                spec,
                "BE"));
        }

        return jobs;
    }
}
