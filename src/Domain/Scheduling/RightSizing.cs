namespace WPAI.Domain.Scheduling;

/// <summary>
/// Right-sizing of recurring jobs (same template): the next run gets <c>ceil(GPUs × u)</c> GPUs from the effective
/// utilization u of earlier runs (never more than asked, at least one), a CPU request of average × headroom and a
/// CPU limit of peak × headroom (never more than asked).
/// </summary>
public static class RightSizing
{
    public static RightSizingAdvice? Advise(Resources request, IReadOnlyList<RunUsage> earlierRuns, SchedulingOptions options)
    {
        if (earlierRuns.Count == 0)
        {
            return null;
        }

        var runs = earlierRuns.Skip(Math.Max(0, earlierRuns.Count - options.RightSizingRuns)).ToArray();
        var usedGpus = runs.Average(r => r.Gpus * Math.Clamp(r.EffectiveGpuUtilization, 0, 1));
        var gpus = request.Gpus == 0 ? 0 : Math.Clamp((int)Math.Ceiling(usedGpus - 1e-9), 1, request.Gpus);
        var cpuAverage = runs.Average(r => r.CpuAverageMilli);
        var cpuPeak = runs.Max(r => r.CpuPeakMilli);
        var cpuRequest = Math.Clamp((int)Math.Ceiling(cpuAverage * options.CpuHeadroom), 1, Math.Max(1, request.CpuMilli));
        var cpuLimit = Math.Clamp((int)Math.Ceiling(cpuPeak * options.CpuHeadroom), cpuRequest, Math.Max(cpuRequest, request.CpuMilli));
        var reason = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"right-sized from {runs.Length} earlier run(s): {usedGpus:0.##} GPUs used of {runs.Average(r => r.Gpus):0.##}, CPU avg {cpuAverage:0}m × {options.CpuHeadroom}");
        return new RightSizingAdvice(gpus, cpuRequest, cpuLimit, reason);
    }
}
