using System.Collections.Immutable;
using System.Globalization;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>
/// Turns raw nodes and jobs into a <see cref="PreparedWorkload"/>, deterministically for a seed:
/// <list type="number">
/// <item>jobs longer than <see cref="WorkloadOptions.MaxDuration"/> (services) are left out and counted;</item>
/// <item><see cref="WorkloadOptions.FleetScale"/> keeps a seeded fraction of each pool's nodes (at least one per pool);</item>
/// <item>jobs no kept node could ever host are left out and counted; acceptable models that cannot host a job are dropped from its list;
/// a job that accepts any model gets a preferred model drawn (seeded, weighted by pool GPUs) among those that can host it, then the others by size;</item>
/// <item>CPU-only pods (no GPU) are not training jobs of a GPU pool and are left out and counted, unless
/// <see cref="WorkloadOptions.KeepCpuOnlyJobs"/> and the fleet has CPU-only nodes: then they are jobs of the <c>cpu</c> pool (0 GPUs,
/// prepared like the GPU jobs but apart from them, so the GPU jobs are the same either way), their arrivals compressed on their own
/// (<see cref="WorkloadOptions.CpuOfferedLoad"/>); CPU and memory requests of 0 become 1;</item>
/// <item>departments come from a seeded hash of the job name with Zipf (s = 1) weights; GPU utilization from Philly's shape, capped at
/// the request (gpu_milli / 1000); CPU utilization uniform on 25–75 % of the request;</item>
/// <item><see cref="WorkloadOptions.OfferedLoad"/> scales the arrival times so GPU-seconds / (fleet GPUs × arrival window) equals it;</item>
/// <item>quotas: every GPU of a pool is owned, by largest remainder of the ownership shares (equal, or proportional to GPU demand)
/// among the departments whose jobs prefer that pool (<see cref="QuotaApportionment"/>);</item>
/// <item>a gpu_spec naming a model twice keeps it once (counted in <see cref="PreparedWorkload.RepeatedModelJobs"/>);</item>
/// <item>a seeded share of jobs repeat a template (<see cref="TemplateAssigner"/>, <see cref="WorkloadOptions.Recurrence"/>): the runs of a
/// template share its department, its drawn model order and its utilization (each run × 1 ± the jitter);</item>
/// <item>each job declares its run time as its duration × a seeded factor uniform on [1, <see cref="WorkloadOptions.DeclaredOverestimate"/>]
/// (what backfilling trusts; the replay still runs it for its duration).</item>
/// </list>
/// </summary>
public static class WorkloadPreparer
{
    public static PreparedWorkload Prepare(string source, IReadOnlyList<SimNode> nodes, IReadOnlyList<SimJob> jobs, WorkloadOptions options)
    {
        Validate(options);
        var maxDuration = options.MaxDuration ?? WorkloadOptions.DefaultMaxDuration;

        var totalGpuSeconds = jobs.Sum(j => j.GpuSeconds);
        var longJobs = jobs.Where(j => j.Duration > maxDuration).ToList();
        var longGpuSeconds = longJobs.Sum(j => j.GpuSeconds);
        var kept = jobs.Where(j => j.Duration <= maxDuration).ToList();

        var fleet = ScaleFleet(nodes, options.FleetScale, options.Seed);
        var pools = fleet.GroupBy(n => n.Pool)
            .Select(g => (Pool: g.Key, Gpus: g.Sum(n => n.Gpus)))
            .OrderByDescending(p => p.Gpus)
            .ThenBy(p => p.Pool, StringComparer.Ordinal)
            .ToList();
        var poolNames = pools.Select(p => p.Pool).ToImmutableArray();
        var departments = Enumerable.Range(1, options.Departments).Select(DepartmentName).ToImmutableArray();

        var shapes = fleet.GroupBy(n => n.Pool).ToDictionary(
            g => g.Key,
            g => g.Select(n => (n.Gpus, n.CpuMilli, n.MemoryMib)).Distinct().ToArray(),
            StringComparer.Ordinal);
        var prepared = new List<SimJob>(kept.Count);
        var cpuOnly = kept.Count(j => j.Gpus == 0);
        var cpuPool = Domain.Validation.Validate.CpuPool;
        var cpuPods = options.KeepCpuOnlyJobs && shapes.ContainsKey(cpuPool) ? kept.Where(j => j.Gpus == 0).ToList() : [];
        kept = kept.Where(j => j.Gpus > 0).ToList();
        var recurrence = options.Recurrence;
        var templates = TemplateAssigner.Assign(kept, recurrence, options.Seed);
        var unplaceable = 0;
        var anyModel = 0;
        var repeated = 0;
        foreach (var job in kept)
        {
            // The runs of a template draw what the template decides (department, preferred model, usage) from its id.
            var template = templates.GetValueOrDefault(job.Id);
            var key = template ?? job.Id;
            var hosts = poolNames.Where(p => CanHost(shapes[p], job)).ToList();
            List<string> models;
            if (job.GpuModels.IsDefaultOrEmpty)
            {
                anyModel++;
                if (hosts.Count == 0)
                {
                    unplaceable++;
                    continue;
                }

                var weights = hosts.Select(h => (double)pools.First(p => p.Pool == h).Gpus).ToArray();
                var preferred = hosts[Pick(weights, SeededHash.Unit(options.Seed, "model", key))];
                models = [preferred, .. hosts.Where(h => h != preferred)];
            }
            else
            {
                // A gpu_spec may name a model twice (25 pods of openb_pod_list_gpuspec33.csv, e.g. V100M16|V100M32|V100M32);
                // the platform refuses a repeated model, so the list keeps each model once, in order, and the job is counted.
                var distinct = job.GpuModels.Distinct(StringComparer.Ordinal).ToList();
                repeated += distinct.Count < job.GpuModels.Length ? 1 : 0;
                models = distinct.Where(hosts.Contains).ToList();
                if (models.Count == 0)
                {
                    unplaceable++;
                    continue;
                }
            }

            prepared.Add(Finish(job, key, template, models, options, departments));
        }

        // CPU jobs (only when kept): the cpu pool must host them; their templates are drawn among them alone.
        var cpuPrepared = new List<SimJob>(cpuPods.Count);
        var cpuTemplates = TemplateAssigner.Assign(cpuPods, recurrence, options.Seed);
        foreach (var job in cpuPods)
        {
            if (!CanHost(shapes[cpuPool], job))
            {
                unplaceable++;
                continue;
            }

            var template = cpuTemplates.GetValueOrDefault(job.Id);
            cpuPrepared.Add(Finish(job, template ?? job.Id, template, [cpuPool], options, departments));
        }

        var fleetGpus = fleet.Sum(n => n.Gpus);
        var natural = OfferedLoad(prepared, fleetGpus);
        var compression = 1.0;
        if (options.OfferedLoad is { } target && natural > 0)
        {
            compression = natural / target;
            prepared = Compress(prepared, compression);
        }

        var cpuCores = fleet.Where(n => n.Pool == cpuPool).Sum(n => n.CpuMilli / 1000);
        var cpuNatural = CpuOfferedLoad(cpuPrepared, cpuCores);
        var cpuCompression = 1.0;
        if (options.CpuOfferedLoad is { } cpuTarget && cpuNatural > 0)
        {
            cpuCompression = cpuNatural / cpuTarget;
            cpuPrepared = Compress(cpuPrepared, cpuCompression);
        }

        var gpuOrdered = prepared.OrderBy(j => j.Submit).ThenBy(j => j.Id, StringComparer.Ordinal).ToImmutableArray();
        var ordered = cpuPrepared.Count == 0 ? gpuOrdered : [.. prepared.Concat(cpuPrepared).OrderBy(j => j.Submit).ThenBy(j => j.Id, StringComparer.Ordinal)];
        var quotas = Quotas(pools, departments, ordered, options.QuotaMode);
        return new PreparedWorkload(
            source,
            [.. fleet],
            ordered,
            poolNames,
            departments,
            quotas,
            longJobs.Count,
            totalGpuSeconds > 0 ? longGpuSeconds / totalGpuSeconds : 0,
            cpuOnly - cpuPods.Count,
            unplaceable,
            anyModel,
            natural,
            OfferedLoad(gpuOrdered, fleetGpus),
            compression)
        {
            CpuNaturalOfferedLoad = cpuNatural,
            CpuOfferedLoad = CpuOfferedLoad(cpuPrepared, cpuCores),
            CpuTimeCompression = cpuCompression,
            RepeatedModelJobs = repeated,
            Recurrence = recurrence,
            DeclaredOverestimate = options.DeclaredOverestimate,
            TemplatedJobs = ordered.Count(j => j.Template is not null),
            Templates = ordered.Where(j => j.Template is not null).Select(j => j.Template).Distinct(StringComparer.Ordinal).Count(),
        };
    }

    /// <summary>
    /// The run time a job declares: <paramref name="duration"/> × a seeded factor uniform on [1, the over-estimate], whole
    /// seconds, at most the platform's longest run time; null (its true duration) when the over-estimate is 1.
    /// </summary>
    public static TimeSpan? Declared(TimeSpan duration, WorkloadOptions options, string jobId)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DeclaredOverestimate <= 1)
        {
            return null;
        }

        var factor = 1 + ((options.DeclaredOverestimate - 1) * SeededHash.Unit(options.Seed, "declared", jobId));
        var seconds = Math.Ceiling(duration.TotalSeconds * factor);
        return TimeSpan.FromSeconds(Math.Min(seconds, Domain.Validation.Validate.MaxDuration.TotalSeconds));
    }

    /// <summary>
    /// A kept job as replayed: its acceptable <paramref name="models"/>, department, usage (GPU utilization from Philly's shape,
    /// capped at its GPU share; CPU utilization uniform on 25–75 % of the request; a template's runs jittered around the
    /// template's), and declared run time. <paramref name="key"/> (the template, else the job) draws what a template shares.
    /// </summary>
    private static SimJob Finish(SimJob job, string key, string? template, List<string> models, WorkloadOptions options, ImmutableArray<string> departments)
    {
        var recurrence = options.Recurrence;
        var cap = job.GpuMilli / 1000.0;
        var gpuUtilization = PhillyShape.GpuUtilization(SeededHash.Unit(options.Seed, "gpu-util", key), cap);
        var cpuUtilization = 0.25 + (0.5 * SeededHash.Unit(options.Seed, "cpu-util", key));
        if (template is not null)
        {
            gpuUtilization = Math.Clamp(gpuUtilization * Jitter(recurrence, options.Seed, "gpu-jitter", job.Id), 0, Math.Clamp(cap, 0, 1));
            cpuUtilization = Math.Clamp(cpuUtilization * Jitter(recurrence, options.Seed, "cpu-jitter", job.Id), 0, 1);
        }

        return job with
        {
            CpuMilli = Math.Max(1, job.CpuMilli),
            MemoryMib = Math.Max(1, job.MemoryMib),
            GpuModels = [.. models],
            Duration = job.Duration < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : job.Duration,
            Department = departments[Zipf(options.Departments, SeededHash.Unit(options.Seed, "department", key))],
            GpuUtilization = gpuUtilization,
            CpuUtilization = cpuUtilization,
            Template = template,
            DeclaredDuration = Declared(job.Duration < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : job.Duration, options, job.Id),
        };
    }

    /// <summary>Shifts the jobs to start at 0 and multiplies their offsets from the first arrival by <paramref name="compression"/>.</summary>
    private static List<SimJob> Compress(List<SimJob> jobs, double compression)
    {
        var origin = jobs.Count == 0 ? TimeSpan.Zero : jobs.Min(j => j.Submit);
        return jobs
            .Select(j => j with { Submit = TimeSpan.FromTicks((long)Math.Round((j.Submit - origin).Ticks * compression)) })
            .ToList();
    }

    /// <summary>CPU core-seconds / (<paramref name="cores"/> × the arrival window); 0 when the window is empty.</summary>
    public static double CpuOfferedLoad(IReadOnlyList<SimJob> jobs, int cores)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return Load(jobs, cores, j => j.CoreSeconds);
    }

    /// <summary>A run's factor on its template's usage: uniform on 1 ± the jitter.</summary>
    private static double Jitter(Recurrence recurrence, int seed, string purpose, string jobId) =>
        1 + (recurrence.Jitter * ((2 * SeededHash.Unit(seed, purpose, jobId)) - 1));

    /// <summary>GPU-seconds / (fleet GPUs × arrival window); 0 when the window is empty.</summary>
    public static double OfferedLoad(IReadOnlyList<SimJob> jobs, int fleetGpus) => Load(jobs, fleetGpus, j => j.GpuSeconds);

    /// <summary>Σ <paramref name="work"/> / (<paramref name="capacity"/> × the arrival window); 0 with fewer than two jobs, no capacity or an empty window.</summary>
    private static double Load(IReadOnlyList<SimJob> jobs, int capacity, Func<SimJob, double> work)
    {
        if (jobs.Count < 2 || capacity <= 0)
        {
            return 0;
        }

        var window = (jobs.Max(j => j.Submit) - jobs.Min(j => j.Submit)).TotalSeconds;
        return window <= 0 ? 0 : jobs.Sum(work) / (capacity * window);
    }

    public static string DepartmentName(int index) => "dept-" + index.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The 0-based department of uniform quantile <paramref name="u"/> under Zipf (s = 1) weights 1/k.</summary>
    public static int Zipf(int count, double u)
    {
        var weights = Enumerable.Range(1, count).Select(k => 1.0 / k).ToArray();
        return Pick(weights, u);
    }

    /// <summary>Keeps max(1, round(F × n)) nodes of each pool, chosen by a seeded hash of their names.</summary>
    public static IReadOnlyList<SimNode> ScaleFleet(IReadOnlyList<SimNode> nodes, double scale, int seed)
    {
        if (scale >= 1.0)
        {
            return nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        }

        var result = new List<SimNode>();
        foreach (var pool in nodes.GroupBy(n => n.Pool).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var keep = Math.Max(1, (int)Math.Round(pool.Count() * scale, MidpointRounding.AwayFromZero));
            result.AddRange(pool.OrderBy(n => SeededHash.Hash(seed, "fleet", n.Name)).ThenBy(n => n.Name, StringComparer.Ordinal).Take(keep));
        }

        return result.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
    }

    private static bool CanHost((int Gpus, int CpuMilli, long MemoryMib)[] shapes, SimJob job) =>
        shapes.Any(n => n.Gpus >= job.Gpus && n.CpuMilli >= job.CpuMilli && n.MemoryMib >= job.MemoryMib);

    private static int Pick(double[] weights, double u)
    {
        var total = weights.Sum();
        var acc = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            acc += weights[i] / total;
            if (u < acc)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static ImmutableDictionary<string, ImmutableDictionary<string, int>> Quotas(
        List<(string Pool, int Gpus)> pools, ImmutableArray<string> departments, ImmutableArray<SimJob> jobs, QuotaMode mode)
    {
        var demand = departments.ToDictionary(d => d, d => 0.0, StringComparer.Ordinal);
        var prefers = new HashSet<(string Pool, string Department)>();
        foreach (var job in jobs)
        {
            demand[job.Department] += job.GpuSeconds;
            prefers.Add((job.GpuModels[0], job.Department));
        }

        var totalDemand = demand.Values.Sum();
        var shares = departments
            .Select(d => mode == QuotaMode.Proportional && totalDemand > 0 ? demand[d] / totalDemand : 1.0 / departments.Length)
            .ToArray();
        var result = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, int>>(StringComparer.Ordinal);
        for (var p = 0; p < pools.Count; p++)
        {
            var (pool, gpus) = pools[p];
            var quota = QuotaApportionment.Apportion(gpus, shares, [.. departments.Select(d => prefers.Contains((pool, d)))], p);
            result[pool] = departments.Select((d, i) => (d, i)).ToImmutableDictionary(x => x.d, x => quota[x.i], StringComparer.Ordinal);
        }

        return result.ToImmutable();
    }

    private static void Validate(WorkloadOptions options)
    {
        if (!(options.FleetScale > 0 && options.FleetScale <= 1))
        {
            throw new WpaiValidationException("--fleet-scale", $"{options.FleetScale} is not in (0, 1]", "Keep a fraction of the fleet between 0 (exclusive) and 1, e.g. 0.02.");
        }

        if (options.OfferedLoad is { } load && !(load > 0))
        {
            throw new WpaiValidationException("--offered-load", $"{load} is not positive", "Ask for an offered load above 0, e.g. 0.9.");
        }

        if (options.CpuOfferedLoad is { } cpuLoad && !(cpuLoad > 0))
        {
            throw new WpaiValidationException("--training-load", $"the CPU jobs' offered load {cpuLoad} is not positive", "Size CPU training above 0, e.g. --training-load 1.5.");
        }

        if (options.MaxDuration is { } max && max <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("--max-duration", $"{max} is not positive", "Give a positive duration such as 7d.");
        }

        options.Recurrence.Validate();
        WorkloadOptions.ValidateOverestimate(options.DeclaredOverestimate);

        if (options.Departments < 1)
        {
            throw new WpaiValidationException("departments", $"{options.Departments} is not positive", "Use at least one department.");
        }
    }
}
