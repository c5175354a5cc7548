namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// Kueue's classical preemption (its <c>pkg/scheduler/preemption</c>, without fair sharing) for one resource flavor and a
/// flat cohort, read from its documentation and source and rewritten here:
/// <list type="number">
/// <item>the resources needing preemption are those the incoming workload asks for beyond what its ClusterQueue can
/// use now (nominal − usage alone, or the cohort's unused quota up to the borrowing limit in a cohort);</item>
/// <item>candidates: workloads of the same ClusterQueue allowed by <c>withinClusterQueue</c>, and workloads of the other
/// ClusterQueues of the cohort that are borrowing (usage above nominal) allowed by <c>reclaimWithinCohort</c>; each must
/// use a resource needing preemption. Cohort candidates are preemptible while the incoming workload borrows when it
/// would fit its own nominal quota ("hierarchical advantage"), otherwise only if it ends up not borrowing;</item>
/// <item>order: cohort candidates before same-queue ones, lower priority first, most recently admitted first, then id;</item>
/// <item>candidates are removed one by one (a cohort candidate whose queue is no longer above nominal is skipped) until
/// the incoming workload fits; then, in reverse, every target but the last is put back when it still fits.</item>
/// </list>
/// Not modelled: lending limits, hierarchical cohorts, <c>borrowWithinCohort</c>, fair sharing, evicted-first ordering.
/// <paramref name="candidate"/> narrows the candidates and <paramref name="alsoFits"/> adds a condition on the targets
/// (the pool scheduler uses both to require one node that holds the job, as topology-aware scheduling does).
/// </summary>
public static class CohortPreemption
{
    private const int Dimensions = 3;

    public static ImmutableArray<CohortWorkload> Targets(
        CohortWorkload incoming,
        IReadOnlyCollection<CohortQueue> queues,
        IReadOnlyCollection<CohortWorkload> admitted,
        Func<CohortWorkload, bool>? candidate = null,
        Func<IReadOnlyCollection<CohortWorkload>, bool>? alsoFits = null)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(admitted);
        var byName = queues.ToDictionary(q => q.Name, StringComparer.Ordinal);
        var cq = byName.TryGetValue(incoming.Queue, out var own)
            ? own
            : throw new ArgumentException($"unknown ClusterQueue '{incoming.Queue}'", nameof(incoming));
        var state = new Usage(byName, admitted);
        var needs = Enumerable.Range(0, Dimensions).Where(d => Get(incoming.Usage, d) > state.Available(cq, d)).ToArray();
        if (needs.Length == 0 && alsoFits is not null)
        {
            needs = [.. Enumerable.Range(0, Dimensions).Where(d => Get(incoming.Usage, d) > 0)];
        }

        bool UsesNeeded(CohortWorkload w) => needs.Any(d => Get(w.Usage, d) > 0);
        bool Allowed(CohortWorkload w) => (candidate?.Invoke(w) ?? true) && UsesNeeded(w);

        var sameQueue = cq.WithinClusterQueue == CohortPolicy.Never
            ? []
            : admitted.Where(w => w.Queue == cq.Name && Satisfies(cq.WithinClusterQueue, incoming, w) && Allowed(w)).ToList();
        var hierarchy = new List<CohortWorkload>();
        var priority = new List<CohortWorkload>();
        if (cq.InCohort && cq.ReclaimWithinCohort != CohortPolicy.Never)
        {
            var advantage = Enumerable.Range(0, Dimensions).All(d => Get(state.Of(cq.Name), d) + Get(incoming.Usage, d) <= Get(cq.Nominal, d) || Get(incoming.Usage, d) == 0);
            foreach (var w in admitted)
            {
                var queue = byName[w.Queue];
                if (w.Queue == cq.Name || !queue.InCohort || state.WithinNominal(queue, needs) || !Satisfies(cq.ReclaimWithinCohort, incoming, w) || !Allowed(w))
                {
                    continue;
                }

                (advantage ? hierarchy : priority).Add(w);
            }
        }

        var ordered = Order(hierarchy, cq.Name).Concat(Order(priority, cq.Name)).Concat(Order(sameQueue, cq.Name)).ToList();
        var withoutBorrowingOnly = priority.ToHashSet();
        var underNominal = needs.All(d => Get(cq.Nominal, d) > Get(state.Of(cq.Name), d));
        bool[] attempts = hierarchy.Count == 0 && priority.Count == 0 || !underNominal
            ? [true]
            : hierarchy.Count == 0 ? [false, true] : [true, false];

        foreach (var borrow in attempts)
        {
            var targets = new List<CohortWorkload>();
            foreach (var w in ordered)
            {
                if (w.Queue != cq.Name && ((borrow && withoutBorrowingOnly.Contains(w)) || state.WithinNominal(byName[w.Queue], needs)))
                {
                    continue;
                }

                state.Remove(w);
                targets.Add(w);
                if (Fits(incoming, cq, state, borrow, targets, alsoFits))
                {
                    for (var i = targets.Count - 2; i >= 0; i--)
                    {
                        var back = targets[i];
                        state.Add(back);
                        targets.RemoveAt(i);
                        if (!Fits(incoming, cq, state, borrow, targets, alsoFits))
                        {
                            state.Remove(back);
                            targets.Insert(i, back);
                        }
                    }

                    return [.. targets];
                }
            }

            foreach (var w in targets)
            {
                state.Add(w);
            }
        }

        return [];
    }

    /// <summary>Kueue's candidate order: other ClusterQueues first, lower priority first, newest admission first, then id.</summary>
    public static IEnumerable<CohortWorkload> Order(IEnumerable<CohortWorkload> candidates, string queue) =>
        candidates
            .OrderBy(w => w.Queue == queue ? 1 : 0)
            .ThenBy(w => w.Priority)
            .ThenByDescending(w => w.AdmittedAt)
            .ThenBy(w => w.Id, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="policy"/> lets <paramref name="incoming"/> preempt <paramref name="candidate"/>.</summary>
    public static bool Satisfies(CohortPolicy policy, CohortWorkload incoming, CohortWorkload candidate) => policy switch
    {
        CohortPolicy.Any => true,
        CohortPolicy.LowerPriority => candidate.Priority < incoming.Priority,
        CohortPolicy.LowerOrNewerEqualPriority => candidate.Priority < incoming.Priority
            || (candidate.Priority == incoming.Priority && incoming.CreatedAt < candidate.CreatedAt),
        _ => false,
    };

    private static bool Fits(CohortWorkload incoming, CohortQueue cq, Usage state, bool allowBorrowing, List<CohortWorkload> targets, Func<IReadOnlyCollection<CohortWorkload>, bool>? alsoFits)
    {
        for (var d = 0; d < Dimensions; d++)
        {
            var v = Get(incoming.Usage, d);
            if (v == 0)
            {
                continue;
            }

            if (!allowBorrowing && cq.InCohort && Get(state.Of(cq.Name), d) + v > Get(cq.Nominal, d))
            {
                return false;
            }

            if (v > state.Available(cq, d))
            {
                return false;
            }
        }

        return alsoFits?.Invoke(targets) ?? true;
    }

    private static long Get(Resources r, int d) => d switch
    {
        0 => r.Gpus,
        1 => r.CpuMilli,
        _ => r.MemoryMib,
    };

    /// <summary>The usage of every ClusterQueue as targets are removed and put back.</summary>
    private sealed class Usage
    {
        private readonly Dictionary<string, Resources> _used = new(StringComparer.Ordinal);
        private readonly IReadOnlyDictionary<string, CohortQueue> _queues;
        private readonly Resources _cohortNominal;

        public Usage(IReadOnlyDictionary<string, CohortQueue> queues, IEnumerable<CohortWorkload> admitted)
        {
            _queues = queues;
            foreach (var q in queues.Values)
            {
                _used[q.Name] = Resources.None;
            }

            foreach (var w in admitted)
            {
                Add(w);
            }

            _cohortNominal = queues.Values.Where(q => q.InCohort).Aggregate(Resources.None, (s, q) => s.Add(q.Nominal));
        }

        public Resources Of(string queue) => _used[queue];

        public void Add(CohortWorkload w) => _used[w.Queue] = _used[w.Queue].Add(w.Usage);

        public void Remove(CohortWorkload w) => _used[w.Queue] = _used[w.Queue].Subtract(w.Usage);

        public bool WithinNominal(CohortQueue q, int[] dims) => dims.All(d => Get(_used[q.Name], d) <= Get(q.Nominal, d));

        /// <summary>What the queue can still use: nominal − usage alone; in the cohort, the cohort's unused quota, capped by the borrowing limit.</summary>
        public long Available(CohortQueue q, int d)
        {
            var used = Get(_used[q.Name], d);
            if (!q.InCohort)
            {
                return Get(q.Nominal, d) - used;
            }

            var cohortUsed = _queues.Values.Where(x => x.InCohort).Sum(x => Get(_used[x.Name], d));
            var available = Get(_cohortNominal, d) - cohortUsed;
            if (q.BorrowingLimit is { } limit)
            {
                available = Math.Min(available, Get(q.Nominal, d) + Get(limit, d) - used);
            }

            return available;
        }
    }
}
