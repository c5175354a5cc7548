using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Sizing when only the first stretch of the training arrivals is replayed (<c>--arrivals</c>): the whole trace is compressed
/// so that the arrivals <em>kept</em> offer the asked load, not the whole trace. The trace's arrival rate varies, so a
/// stretch cut from a trace sized as a whole offers more or less than asked (the first 2 days of the openb trace at 1.5 ×
/// the Fixed GPUs offer about 1.2 ×). Pure: the jobs come compressed to some load, offsets from their first arrival
/// (which the preparer puts at 0); compressing the trace to load <c>o</c> instead divides every offset by <c>o / at</c>.
/// </summary>
public static class KeptArrivals
{
    private const int Steps = 200;

    /// <summary>The jobs submitted within <paramref name="stretch"/> of the first one (all of them without a stretch).</summary>
    public static IReadOnlyList<SimJob> Keep(IReadOnlyList<SimJob> jobs, TimeSpan? stretch)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return stretch is not { } s || jobs.Count == 0 ? jobs : [.. jobs.Where(j => j.Submit <= jobs[0].Submit + s)];
    }

    /// <summary>
    /// The load to compress the whole trace to so that the arrivals within <paramref name="stretch"/> of time 0 offer
    /// <paramref name="target"/> (work / (capacity × their arrival window), <see cref="WorkloadPreparer.OfferedLoad"/>'s
    /// definition). <paramref name="jobs"/>: (offset from the first arrival, work) of every job of the kind when the trace
    /// is compressed to load <paramref name="at"/>. Returns <paramref name="at"/> when there is nothing to size. The kept
    /// load grows with the compression (more jobs fall in the stretch, and the kept ones arrive closer together), so a
    /// bisection on the logarithm of the load finds it; within the bounds, the nearest it gets.
    /// </summary>
    public static double WholeTraceLoad(IReadOnlyList<(TimeSpan Offset, double Work)> jobs, double at, TimeSpan stretch, double capacity, double target)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count < 2 || !(at > 0) || !(capacity > 0) || !(target > 0) || stretch <= TimeSpan.Zero)
        {
            return at;
        }

        double lo = Math.Log(at / 64), hi = Math.Log(at * 64);
        for (var i = 0; i < Steps && hi - lo > 1e-9; i++)
        {
            var mid = (lo + hi) / 2;
            if (KeptLoad(jobs, at, Math.Exp(mid), stretch, capacity) < target)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Exp(hi);
    }

    /// <summary>The load the kept arrivals offer when the trace (given compressed to <paramref name="at"/>) is compressed to <paramref name="load"/>.</summary>
    public static double KeptLoad(IReadOnlyList<(TimeSpan Offset, double Work)> jobs, double at, double load, TimeSpan stretch, double capacity)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var scale = at / load;
        double work = 0, last = 0;
        var kept = 0;
        foreach (var (offset, w) in jobs)
        {
            var seconds = offset.TotalSeconds * scale;
            if (seconds <= stretch.TotalSeconds)
            {
                work += w;
                last = Math.Max(last, seconds);
                kept++;
            }
        }

        return kept < 2 || last <= 0 ? 0 : work / (capacity * last);
    }
}
