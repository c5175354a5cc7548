using System.Collections.Immutable;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Metrics;

/// <summary>
/// Computes <see cref="FairnessMetrics"/> from a run's event log. A department's demand in a pool at a moment = the GPUs
/// its jobs that prefer that pool (their first acceptable model) need: a running job the GPUs it holds (a right-sized run
/// needs no more than it was given), a pending job the GPUs it asked; its entitlement =
/// Σ over pools of min(its quota there, that demand); what it received = min(GPUs allocated to it anywhere, entitlement).
/// Both are integrated over the arrival window.
/// </summary>
public static class FairnessCalculator
{
    public static FairnessMetrics Compute(PreparedWorkload workload, EventLog log)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(log);
        var departments = workload.Departments;
        var index = departments.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i, StringComparer.Ordinal);
        var pools = workload.Pools.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var jobs = workload.Jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);
        var n = departments.Length;
        var owned = new int[n, pools.Count];
        foreach (var (pool, byDepartment) in workload.Quotas)
        {
            foreach (var (department, gpus) in byDepartment)
            {
                if (index.TryGetValue(department, out var d) && pools.TryGetValue(pool, out var p))
                {
                    owned[d, p] = gpus;
                }
            }
        }

        var demand = new int[n, pools.Count];
        var allocated = new int[n];
        var running = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        var entitled = new double[n];
        var received = new double[n];
        var given = new double[n];
        var w0 = workload.WindowStart.TotalSeconds;
        var w1 = workload.WindowEnd.TotalSeconds;
        var last = w0;

        void Advance(double to)
        {
            var from = Math.Max(last, w0);
            var until = Math.Min(to, w1);
            if (until > from)
            {
                var dt = (until - from) / 3600;
                for (var d = 0; d < n; d++)
                {
                    var e = 0;
                    for (var p = 0; p < pools.Count; p++)
                    {
                        e += Math.Min(owned[d, p], demand[d, p]);
                    }

                    entitled[d] += e * dt;
                    received[d] += Math.Min(allocated[d], e) * dt;
                    given[d] += allocated[d] * dt;
                }
            }

            last = Math.Max(last, to);
        }

        foreach (var e in log.Events)
        {
            Advance(e.At.TotalSeconds);
            if (!jobs.TryGetValue(e.JobId, out var job) || !index.TryGetValue(job.Department, out var d) || !pools.TryGetValue(job.GpuModels[0], out var p))
            {
                continue;
            }

            switch (e.Kind)
            {
                case RunEventKind.Submitted when pending.Add(e.JobId):
                    demand[d, p] += job.Gpus;
                    break;
                case RunEventKind.Started when pending.Remove(e.JobId):
                    running[e.JobId] = e.Gpus;
                    allocated[d] += e.Gpus;
                    demand[d, p] += e.Gpus - job.Gpus;
                    break;
                case RunEventKind.Stopped:
                    if (running.Remove(e.JobId, out var gpus))
                    {
                        allocated[d] -= gpus;
                        demand[d, p] += job.Gpus - gpus;
                        if (e.Reason == StopReason.Preempted)
                        {
                            pending.Add(e.JobId);
                            break;
                        }
                    }
                    else if (!pending.Remove(e.JobId))
                    {
                        break;
                    }

                    demand[d, p] -= job.Gpus;
                    break;
            }
        }

        Advance(w1);
        var fleet = Math.Max(1, workload.FleetGpus);
        var totalGiven = given.Sum();
        var shares = departments.Select((name, d) =>
        {
            var ownedGpus = Enumerable.Range(0, pools.Count).Sum(p => owned[d, p]);
            return new DepartmentShare(
                name,
                ownedGpus,
                (double)ownedGpus / fleet,
                totalGiven > 0 ? given[d] / totalGiven : 0,
                entitled[d],
                received[d],
                entitled[d] > 0 ? received[d] / entitled[d] : 1);
        }).ToImmutableArray();
        var ratios = shares.Where(s => s.EntitledGpuHours > 0).Select(s => s.EntitlementMet).ToList();
        var sum = ratios.Sum();
        var squares = ratios.Sum(x => x * x);
        var jain = ratios.Count == 0 || squares == 0 ? 1 : sum * sum / (ratios.Count * squares);
        return new FairnessMetrics(shares, jain, ratios.Count == 0 ? 1 : ratios.Min());
    }
}
