using System.Collections.Immutable;
using System.Globalization;

namespace WPAI.Simulation.Workload;

/// <summary>
/// Puts a seeded share of jobs into recurring templates, deterministically for a seed. A job recurs when its seeded draw
/// is below <see cref="Recurrence.Share"/>; recurring jobs with the same request (GPUs, GPU share, CPU, memory and GPU
/// models as the trace gives them) are taken in submission order and cut into consecutive templates whose run counts
/// are drawn from the repetition distribution (<see cref="Recurrence.MinRuns"/> + geometric); the last template of a
/// request may be shorter, and a template of one run is no template. A template's id is its first run's job id.
/// </summary>
public static class TemplateAssigner
{
    /// <summary>Job id → template id for every job that repeats a template.</summary>
    public static ImmutableDictionary<string, string> Assign(IReadOnlyList<SimJob> jobs, Recurrence recurrence, int seed)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(recurrence);
        var result = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (recurrence.Share <= 0)
        {
            return result.ToImmutable();
        }

        var groups = jobs
            .Where(j => SeededHash.Unit(seed, "recurring", j.Id) < recurrence.Share)
            .GroupBy(Signature, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var runs = group.OrderBy(j => j.Submit).ThenBy(j => j.Id, StringComparer.Ordinal).ToArray();
            var i = 0;
            while (i < runs.Length)
            {
                var size = Math.Min(Runs(recurrence, SeededHash.Unit(seed, "template-runs", runs[i].Id)), runs.Length - i);
                if (size >= 2)
                {
                    for (var k = i; k < i + size; k++)
                    {
                        result[runs[k].Id] = runs[i].Id;
                    }
                }

                i += size;
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Runs of a template at uniform quantile <paramref name="u"/>: MinRuns + a geometric count (mean MeanRuns − MinRuns).</summary>
    public static int Runs(Recurrence recurrence, double u)
    {
        ArgumentNullException.ThrowIfNull(recurrence);
        var extraMean = recurrence.MeanRuns - recurrence.MinRuns;
        if (extraMean <= 0)
        {
            return recurrence.MinRuns;
        }

        // Geometric on {0, 1, …} with P(k) = p (1 − p)^k, mean (1 − p) / p = extraMean; inverse of its CDF.
        var p = 1 / (1 + extraMean);
        var extra = Math.Floor(Math.Log(1 - Math.Clamp(u, 0, 1 - 1e-12)) / Math.Log(1 - p));
        return recurrence.MinRuns + (int)Math.Min(extra, 1_000_000);
    }

    /// <summary>What makes two jobs runs of the same template: the same request as the trace gives it.</summary>
    public static string Signature(SimJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var models = job.GpuModels.IsDefaultOrEmpty ? "*" : string.Join('|', job.GpuModels);
        return string.Create(CultureInfo.InvariantCulture, $"{job.Gpus}/{job.GpuMilli}/{job.CpuMilli}/{job.MemoryMib}/{models}");
    }
}
