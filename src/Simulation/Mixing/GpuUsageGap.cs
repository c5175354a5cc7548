using System.Collections.Immutable;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Where the GPUs of a run go over the training arrival window, against the ceiling of any schedule, in GPU-hours (pure, from
/// the per-tick pool samples, <see cref="MixingPoolSample"/>). Every GPU of every GPU pool at every tick of the window falls in
/// exactly one <see cref="GpuUse"/> state, so each row adds up to the pool's GPUs × the window; the states name why an idle GPU
/// is idle: on a Fixed node while a queued job that accepts the pool fits its free room (held back: a reservation, a quota, a
/// job waiting for its first pool), while queued jobs accept the pool but none fits the free room of one node (too big:
/// fragmentation), or with nothing queued for the pool; on a lent node while a queued short job fits it by GPUs (refused: it
/// would end after the node's expected reclaim), while queued jobs accept the pool but none is short and fits, or with nothing
/// queued; on an online node not lent, split by whether the pool's own replicas use that room within the
/// <see cref="Horizon"/> (hindsight: the most GPUs its replicas held over the next <see cref="Horizon"/>) — room free of
/// inference for that long could have been lent without any reclaim — and whether jobs were queued for the pool.
/// <see cref="CeilingGpus"/> is the training of every job started at its submit on unlimited GPUs, its true run time inside
/// the window, plus this run's inference GPUs: no schedule holds more (except re-runs of killed work).
/// <see cref="LostToKillsGpuHours"/> is the run time reclaim kills threw away, part of <see cref="GpuUse.TrainingOnLent"/>
/// and <see cref="GpuUse.TrainingFixed"/>.
/// </summary>
public sealed record GpuUsageGap(
    double WindowHours,
    int FleetGpus,
    double CeilingGpus,
    double LostToKillsGpuHours,
    ImmutableArray<GpuUsageGap.Row> Pools,
    ImmutableArray<GpuUsageGap.Row> Hours)
{
    /// <summary>How far ahead the room of an online node not lent is checked against the pool's replicas (hindsight).</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(3);

    /// <summary>The states a GPU is in at a tick, in the order of <see cref="Row.GpuHours"/>.</summary>
    public enum GpuUse
    {
        Inference,
        TrainingFixed,
        TrainingOnLent,
        FixedIdleJobFits,
        FixedIdleNoneFits,
        FixedIdleNothingQueued,
        LentIdleShortJobFits,
        LentIdleNoneFits,
        LentIdleNothingQueued,
        OnlineIdleFreeOverHorizonQueued,
        OnlineIdleNeededWithinHorizonQueued,
        OnlineIdleNothingQueued,
    }

    /// <summary>The states' names as report.json writes them, in <see cref="GpuUse"/> order.</summary>
    public static ImmutableArray<string> StateNames { get; } =
    [
        "inference", "trainingFixed", "trainingOnLent", "fixedIdleJobFits", "fixedIdleNoneFits", "fixedIdleNothingQueued",
        "lentIdleShortJobFits", "lentIdleNoneFits", "lentIdleNothingQueued", "onlineIdleFreeOverHorizonQueued",
        "onlineIdleNeededWithinHorizonQueued", "onlineIdleNothingQueued",
    ];

    /// <summary>Mean GPUs held over the window (inference and training).</summary>
    public double UsedGpus => Pools.Sum(r => r.Used) / Math.Max(WindowHours, 1e-9);

    /// <summary>The ceiling less what the run held, in GPU-hours over the window.</summary>
    public double GapGpuHours => (CeilingGpus * WindowHours) - Pools.Sum(r => r.Used);

    /// <summary>
    /// One pool (or one hour of the day, UTC, over all pools): its GPUs and, per <see cref="GpuUse"/>, the GPU-hours over the
    /// window spent in that state.
    /// </summary>
    public sealed record Row(string Key, int Gpus, ImmutableArray<double> GpuHours)
    {
        public double this[GpuUse state] => GpuHours[(int)state];

        /// <summary>GPU-hours held by inference or training.</summary>
        public double Used => this[GpuUse.Inference] + this[GpuUse.TrainingFixed] + this[GpuUse.TrainingOnLent];

        /// <summary>GPU-hours idle.</summary>
        public double Idle => GpuHours.Sum() - Used;
    }

    /// <summary>
    /// Classifies every GPU of <paramref name="samples"/> at the ticks inside [<paramref name="from"/>, <paramref name="to"/>]
    /// (each tick stands for <paramref name="tick"/> of time); <paramref name="onlineGpus"/> gives each pool's GPUs on nodes
    /// that start online; <paramref name="jobs"/> give the ceiling.
    /// </summary>
    public static GpuUsageGap Compute(
        IReadOnlyList<MixingPoolSample> samples,
        IReadOnlyDictionary<string, int> onlineGpus,
        IReadOnlyCollection<SimJob> jobs,
        TimeSpan from,
        TimeSpan to,
        TimeSpan tick,
        int fleetGpus,
        double lostGpuHours)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(onlineGpus);
        ArgumentNullException.ThrowIfNull(jobs);
        var h = tick.TotalHours;
        var states = Enum.GetValues<GpuUse>().Length;
        var byPool = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        var poolGpus = new Dictionary<string, int>(StringComparer.Ordinal);
        var byHour = Enumerable.Range(0, 24).Select(_ => new double[states]).ToArray();
        var hourTicks = new int[24];
        var inferenceAhead = InferenceAhead(samples);
        var ticks = new SortedSet<TimeSpan>();
        var inferenceAt = new Dictionary<TimeSpan, int>();
        foreach (var s in samples)
        {
            if (s.At < from || s.At > to)
            {
                continue;
            }

            ticks.Add(s.At);
            inferenceAt[s.At] = inferenceAt.GetValueOrDefault(s.At) + s.InferenceGpus;
            var online = onlineGpus.GetValueOrDefault(s.Pool);
            poolGpus[s.Pool] = s.FixedGpus + online;
            if (!byPool.TryGetValue(s.Pool, out var row))
            {
                byPool[s.Pool] = row = new double[states];
            }

            var hour = (int)Math.Floor(s.At.TotalHours % 24);
            foreach (var (state, gpus) in Classify(s, online, inferenceAhead[(s.Pool, s.At)]))
            {
                row[(int)state] += gpus * h;
                byHour[hour][(int)state] += gpus * h;
            }
        }

        foreach (var at in ticks)
        {
            hourTicks[(int)Math.Floor(at.TotalHours % 24)]++;
        }

        var windowHours = ticks.Count * h;
        var training = TrainingOnUnlimitedGpus(jobs, ticks);
        var ceiling = ticks.Count == 0 ? 0 : ticks.Average(at => inferenceAt[at] + training[at]);
        var total = poolGpus.Values.Sum();
        return new GpuUsageGap(
            windowHours,
            fleetGpus,
            ceiling,
            lostGpuHours,
            [.. byPool.Select(kv => new Row(kv.Key, poolGpus[kv.Key], [.. kv.Value]))],
            [.. byHour.Select((v, i) => new Row(i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), total, [.. v]))]);
    }

    /// <summary>
    /// At each of <paramref name="ticks"/> (ascending), the GPUs of the jobs running if each started at its submit and ran its
    /// true run time: those with <c>Submit ≤ at &lt; Submit + Duration</c>. One sweep over the jobs' starts and ends.
    /// </summary>
    private static Dictionary<TimeSpan, int> TrainingOnUnlimitedGpus(IReadOnlyCollection<SimJob> jobs, SortedSet<TimeSpan> ticks)
    {
        var starts = jobs.Where(j => j.Gpus > 0).Select(j => (At: j.Submit, j.Gpus)).OrderBy(e => e.At).ToArray();
        var ends = jobs.Where(j => j.Gpus > 0).Select(j => (At: j.Submit + j.Duration, j.Gpus)).OrderBy(e => e.At).ToArray();
        var running = new Dictionary<TimeSpan, int>(ticks.Count);
        int gpus = 0, s = 0, e = 0;
        foreach (var at in ticks)
        {
            for (; s < starts.Length && starts[s].At <= at; s++)
            {
                gpus += starts[s].Gpus;
            }

            for (; e < ends.Length && ends[e].At <= at; e++)
            {
                gpus -= ends[e].Gpus;
            }

            running[at] = gpus;
        }

        return running;
    }

    /// <summary>The GPUs of one pool sample by state; they add up to the pool's Fixed and online GPUs.</summary>
    public static IEnumerable<(GpuUse State, int Gpus)> Classify(MixingPoolSample s, int onlineGpus, int inferenceMaxAhead)
    {
        ArgumentNullException.ThrowIfNull(s);
        var queued = s.QueuedJobs > 0;
        var fixedIdle = Math.Max(0, s.FixedGpus - s.FixedBusyGpus);
        yield return (GpuUse.Inference, s.InferenceGpus);
        yield return (GpuUse.TrainingFixed, s.FixedBusyGpus);
        yield return (GpuUse.TrainingOnLent, s.LentBusyGpus);
        yield return (!queued ? GpuUse.FixedIdleNothingQueued : s.QueuedFitFixed > 0 ? GpuUse.FixedIdleJobFits : GpuUse.FixedIdleNoneFits, fixedIdle);
        yield return (!queued ? GpuUse.LentIdleNothingQueued : s.QueuedFitLent > 0 ? GpuUse.LentIdleShortJobFits : GpuUse.LentIdleNoneFits, s.LentIdleGpus);

        // Online, not lent: what neither replicas nor training (on a node being taken back) hold.
        var lentBusy = s.LentGpus - s.LentIdleGpus;
        var reclaimingBusy = Math.Max(0, s.LentBusyGpus - lentBusy);
        var onlineIdle = Math.Max(0, onlineGpus - s.LentGpus - s.InferenceGpus - reclaimingBusy);
        if (!queued)
        {
            yield return (GpuUse.OnlineIdleNothingQueued, onlineIdle);
            yield break;
        }

        var needed = Math.Clamp(inferenceMaxAhead - s.InferenceGpus, 0, onlineIdle);
        yield return (GpuUse.OnlineIdleNeededWithinHorizonQueued, needed);
        yield return (GpuUse.OnlineIdleFreeOverHorizonQueued, onlineIdle - needed);
    }

    /// <summary>For each (pool, tick): the most GPUs the pool's replicas hold from that tick to <see cref="Horizon"/> later.</summary>
    private static Dictionary<(string Pool, TimeSpan At), int> InferenceAhead(IReadOnlyList<MixingPoolSample> samples)
    {
        var result = new Dictionary<(string, TimeSpan), int>();
        foreach (var pool in samples.GroupBy(s => s.Pool, StringComparer.Ordinal))
        {
            var list = pool.OrderBy(s => s.At).ToList();
            var window = new LinkedList<int>(); // sliding maximum: indices from the latest (front) back, inference GPUs decreasing
            for (var i = list.Count - 1; i >= 0; i--)
            {
                while (window.Count > 0 && list[window.Last!.Value].InferenceGpus <= list[i].InferenceGpus)
                {
                    window.RemoveLast();
                }

                window.AddLast(i);
                while (list[window.First!.Value].At > list[i].At + Horizon)
                {
                    window.RemoveFirst();
                }

                result[(pool.Key, list[i].At)] = list[window.First!.Value].InferenceGpus;
            }
        }

        return result;
    }
}
