namespace WPAI.Simulation.Workload;

/// <summary>
/// How long a run takes on the GPUs it was given, keeping its work constant. A job uses
/// <c>GPUs asked × its GPU utilization</c> GPUs' worth of compute; given at least that (a right-sized run), it keeps its
/// trace duration and its GPUs are busier; given fewer, it stretches proportionally (duration × used ÷ given) and runs
/// its GPUs at 100 %. A run given all it asked for is never changed.
/// </summary>
public static class RunTimeModel
{
    /// <summary>GPUs' worth of compute the job uses (asked × utilization).</summary>
    public static double UsedGpus(SimJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Gpus * Math.Clamp(job.GpuUtilization, 0, 1);
    }

    /// <summary>The run's duration on <paramref name="givenGpus"/> GPUs.</summary>
    public static TimeSpan Duration(SimJob job, int givenGpus)
    {
        var stretch = Stretch(job, givenGpus);
        return stretch <= 1 ? job.Duration : TimeSpan.FromTicks((long)Math.Ceiling(job.Duration.Ticks * stretch));
    }

    /// <summary>Duration factor on <paramref name="givenGpus"/> GPUs: 1 when they cover the used GPUs, else used ÷ given.</summary>
    public static double Stretch(SimJob job, int givenGpus)
    {
        var used = UsedGpus(job);
        return givenGpus <= 0 || givenGpus >= job.Gpus || used <= givenGpus ? 1 : used / givenGpus;
    }

    /// <summary>Mean utilization of the <paramref name="givenGpus"/> GPUs the run holds (what its usage samples report).</summary>
    public static double GpuUtilizationOn(SimJob job, int givenGpus) =>
        givenGpus <= 0 || givenGpus >= job.Gpus ? Math.Clamp(job.GpuUtilization, 0, 1) : Math.Min(1, UsedGpus(job) / givenGpus);
}
