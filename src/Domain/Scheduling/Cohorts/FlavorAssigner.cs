namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// Kueue's flavor assignment (<c>pkg/scheduler/flavorassigner</c>, classical quota, no fair sharing) for ClusterQueues
/// with one resource group and a flat cohort, read from Kueue's documentation and source and rewritten here. For each pod
/// set, the flavors are tried in the queue's order; a flavor the pod set cannot use is skipped (no match); for every
/// resource asked, with <c>val</c> = what earlier pod sets of the workload took in that flavor + this request:
/// <list type="bullet">
/// <item><c>NoFit</c> when <c>val</c> exceeds the most the queue could ever get (its local quota + the cohort's lendable
/// quota, capped at nominal + borrowing limit);</item>
/// <item><c>Fit</c> when <c>val</c> fits what is unused now (guaranteed quota left + the cohort's unused lendable quota up
/// to the borrowing limit), borrowing when the queue's usage + <c>val</c> exceeds its nominal quota;</item>
/// <item>otherwise preemption is simulated (the <c>oracle</c>) when <c>val</c> is within nominal quota, when the queue
/// would not borrow (it may reclaim), or when it may preempt while borrowing; else <c>NoFit</c>.</item>
/// </list>
/// A flavor's mode is the worst of its resources'. The search stops at a flavor that fits without borrowing, at one that
/// borrows under <c>whenCanBorrow: MayStopSearch</c>, and at one that preempts (with candidates) under
/// <c>whenCanPreempt: MayStopSearch</c>; otherwise the best flavor seen is taken (<c>BorrowingOverPreemption</c>: better
/// mode first, then less borrowing; a flavor without preemption candidates ranks below every viable one).
/// Not modelled: several resource groups, hierarchical cohorts, fair sharing, topology-aware scheduling, the
/// <c>pods</c> resource, partial admission, and resuming the search at the flavor tried last time.
/// </summary>
public static class FlavorAssigner
{
    private static readonly QuotaResource[] Kinds = [QuotaResource.Gpus, QuotaResource.Cpu, QuotaResource.Memory];

    private readonly record struct Granular(FlavorMode Mode, bool Borrows);

    public static ImmutableArray<PodSetFlavor> Assign(
        IReadOnlyList<PodSetRequest> podSets,
        FlavoredClusterQueue queue,
        IReadOnlyCollection<FlavoredClusterQueue> cohort,
        IReadOnlyCollection<FlavorUsage> usage,
        Func<string, QuotaResource, PreemptionSimulation>? oracle = null)
    {
        ArgumentNullException.ThrowIfNull(podSets);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(usage);
        oracle ??= (_, _) => PreemptionSimulation.Preempt;
        var fungibility = queue.Fungibility ?? FlavorFungibility.Default;
        var quotas = new Quotas(queue, cohort, usage);
        var assumed = new Dictionary<string, Resources>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<PodSetFlavor>(podSets.Count);
        foreach (var podSet in podSets)
        {
            var attempts = ImmutableArray.CreateBuilder<FlavorAttempt>();
            string? best = null;
            var bestMode = new Granular(FlavorMode.NoFit, Borrows: true);
            foreach (var flavor in queue.Flavors)
            {
                if (podSet.Eligible is { } eligible && !eligible.Contains(flavor.Flavor))
                {
                    attempts.Add(new FlavorAttempt(flavor.Flavor, FlavorMode.NoFit, Borrows: false));
                    continue;
                }

                var mode = new Granular(FlavorMode.Fit, Borrows: false);
                foreach (var kind in Kinds)
                {
                    var request = Get(podSet.Request, kind);
                    if (request == 0)
                    {
                        continue;
                    }

                    var val = Get(assumed.GetValueOrDefault(flavor.Flavor) ?? Resources.None, kind) + request;
                    var resourceMode = quotas.Fits(flavor, kind, val, oracle);
                    if (IsPreferred(mode, resourceMode))
                    {
                        mode = resourceMode;
                    }

                    if (mode.Mode == FlavorMode.NoFit)
                    {
                        break;
                    }
                }

                attempts.Add(new FlavorAttempt(flavor.Flavor, mode.Mode, mode.Borrows));
                if (!ShouldTryNextFlavor(mode, fungibility))
                {
                    (best, bestMode) = (flavor.Flavor, mode);
                    break;
                }

                if (IsPreferred(mode, bestMode))
                {
                    (best, bestMode) = (flavor.Flavor, mode);
                }
            }

            if (best is not null)
            {
                assumed[best] = (assumed.GetValueOrDefault(best) ?? Resources.None).Add(podSet.Request);
            }

            result.Add(new PodSetFlavor(podSet.Name, best, best is null ? FlavorMode.NoFit : bestMode.Mode, best is not null && bestMode.Borrows, attempts.ToImmutable()));
        }

        return result.MoveToImmutable();
    }

    /// <summary>A workload's mode: <c>NoFit</c> when a pod set has no flavor, else the worst pod set's.</summary>
    public static FlavorMode RepresentativeMode(IReadOnlyCollection<PodSetFlavor> podSets) =>
        podSets.Count == 0 ? FlavorMode.Fit : podSets.Min(p => p.Mode);

    private static bool ShouldTryNextFlavor(Granular mode, FlavorFungibility fungibility) =>
        mode.Mode is FlavorMode.NoFit or FlavorMode.NoCandidates
        || (mode.Mode is FlavorMode.Preempt or FlavorMode.Reclaim && fungibility.WhenCanPreempt == FungibilityPolicy.TryNextFlavor)
        || (mode.Borrows && fungibility.WhenCanBorrow == FungibilityPolicy.TryNextFlavor);

    // BorrowingOverPreemption: a better mode first, then less borrowing; a mode without preemption candidates loses to every viable one.
    private static bool IsPreferred(Granular a, Granular b)
    {
        if (a.Mode == FlavorMode.NoFit)
        {
            return false;
        }

        if (b.Mode == FlavorMode.NoFit)
        {
            return true;
        }

        if ((a.Mode == FlavorMode.NoCandidates) != (b.Mode == FlavorMode.NoCandidates))
        {
            return a.Mode != FlavorMode.NoCandidates;
        }

        return a.Mode != b.Mode ? a.Mode > b.Mode : !a.Borrows && b.Borrows;
    }

    private static long Get(Resources r, QuotaResource kind) => kind switch
    {
        QuotaResource.Gpus => r.Gpus,
        QuotaResource.Cpu => r.CpuMilli,
        _ => r.MemoryMib,
    };

    private static long? Limit(Resources? r, QuotaResource kind) => r is null ? null : Get(r, kind);

    /// <summary>The quota arithmetic of a ClusterQueue in a flat cohort (Kueue's <c>available</c> and <c>potentialAvailable</c>).</summary>
    private sealed class Quotas(FlavoredClusterQueue queue, IReadOnlyCollection<FlavoredClusterQueue> cohort, IReadOnlyCollection<FlavorUsage> usage)
    {
        public Granular Fits(FlavorQuota quota, QuotaResource kind, long val, Func<string, QuotaResource, PreemptionSimulation> oracle)
        {
            var nominal = Get(quota.Nominal, kind);
            var used = Used(queue.Name, quota.Flavor, kind);
            long available;
            long potential;
            var borrows = false;
            if (!queue.InCohort)
            {
                available = nominal - used;
                potential = nominal;
            }
            else
            {
                var local = Local(quota, kind);
                var members = cohort.Where(q => q.InCohort).ToList();
                if (!members.Any(q => q.Name == queue.Name))
                {
                    members.Add(queue);
                }

                var subtree = members.Sum(q => q.Quota(quota.Flavor) is { } f ? Get(f.Nominal, kind) - Local(f, kind) : 0);
                var cohortUsed = members.Sum(q => q.Quota(quota.Flavor) is { } f
                    ? Math.Max(0, Used(q.Name, f.Flavor, kind) - Local(f, kind))
                    : Used(q.Name, quota.Flavor, kind));
                var fromCohort = subtree - cohortUsed;
                potential = local + subtree;
                if (Limit(quota.BorrowingLimit, kind) is { } limit)
                {
                    fromCohort = Math.Min(nominal - local - Math.Max(0, used - local) + limit, fromCohort);
                    potential = Math.Min(nominal + limit, potential);
                }

                available = Math.Max(0, local - used) + fromCohort;
                borrows = used + val > nominal;
            }

            if (val > potential)
            {
                return new Granular(FlavorMode.NoFit, borrows);
            }

            if (val <= available)
            {
                return new Granular(FlavorMode.Fit, borrows);
            }

            var mayReclaim = queue.InCohort && !borrows;
            if (nominal >= val || mayReclaim || queue.PreemptWhileBorrowing)
            {
                var simulation = oracle(quota.Flavor, kind);
                return new Granular(simulation.Possibility switch
                {
                    PreemptionPossibility.NoCandidates => FlavorMode.NoCandidates,
                    PreemptionPossibility.Reclaim => FlavorMode.Reclaim,
                    _ => FlavorMode.Preempt,
                }, simulation.BorrowsAfter);
            }

            return new Granular(FlavorMode.NoFit, borrows);
        }

        // Guaranteed quota: the part of nominal quota the lending limit keeps from the cohort.
        private static long Local(FlavorQuota quota, QuotaResource kind) =>
            Limit(quota.LendingLimit, kind) is { } lending ? Math.Max(0, Get(quota.Nominal, kind) - lending) : 0;

        private long Used(string queueName, string flavor, QuotaResource kind) =>
            usage.Where(u => u.Queue == queueName && u.Flavor == flavor).Sum(u => Get(u.Used, kind));
    }
}
