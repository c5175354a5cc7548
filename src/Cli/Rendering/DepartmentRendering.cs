using System.Collections.Immutable;
using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts;

namespace WPAI.Cli.Rendering;

/// <summary>Tables for departments.</summary>
public static class DepartmentRendering
{
    public static void List(IAnsiConsole console, ImmutableArray<DepartmentView> departments)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (departments.IsDefaultOrEmpty)
        {
            console.WriteLine("No departments. Give one a quota with: ./wpai dept set-quota NAME T4=8");
            return;
        }

        var table = Tables.List("DEPARTMENT", "QUOTA", "OWN", "BORROWED", "RUNNING", "UTILIZATION", "ADVICE");
        foreach (var d in departments)
        {
            var usage = d.Usage ?? ImmutableDictionary<string, PoolUsage>.Empty;
            table.AddRow(
                d.Name,
                Format.PoolCounts(d.Quota),
                usage.Values.Sum(u => u.OwnGpus).ToString(CultureInfo.InvariantCulture),
                usage.Values.Sum(u => u.BorrowedGpus).ToString(CultureInfo.InvariantCulture),
                (d.Running.IsDefault ? 0 : d.Running.Length).ToString(CultureInfo.InvariantCulture),
                Format.Percent(d.RecentUtilization),
                Format.PoolCounts(d.QuotaAdvice));
        }

        console.Write(table);
    }

    public static void Show(IAnsiConsole console, DepartmentView department)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(department);
        console.Write(Tables.Details(
        [
            ("Department", department.Name),
            ("Quota", Format.PoolCounts(department.Quota)),
            ("Utilization", Format.Percent(department.RecentUtilization)),
            ("Quota advice", Format.PoolCounts(department.QuotaAdvice)),
        ]));

        var quota = department.Quota ?? ImmutableDictionary<string, int>.Empty;
        var usage = department.Usage ?? ImmutableDictionary<string, PoolUsage>.Empty;
        var advice = department.QuotaAdvice ?? ImmutableDictionary<string, int>.Empty;
        var pools = quota.Keys.Concat(usage.Keys).Concat(advice.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (pools.Count > 0)
        {
            var table = Tables.List("POOL", "QUOTA", "OWN", "BORROWED", "ADVICE");
            foreach (var pool in pools)
            {
                var u = usage.GetValueOrDefault(pool) ?? PoolUsage.Empty;
                table.AddRow(
                    pool,
                    quota.TryGetValue(pool, out var q) ? q.ToString(CultureInfo.InvariantCulture) : "0",
                    u.OwnGpus.ToString(CultureInfo.InvariantCulture),
                    u.BorrowedGpus.ToString(CultureInfo.InvariantCulture),
                    advice.TryGetValue(pool, out var a) ? a.ToString(CultureInfo.InvariantCulture) : "-");
            }

            Tables.Section(console, "Pools", table);
        }

        var running = department.Running.IsDefault ? [] : department.Running;
        if (!running.IsEmpty)
        {
            var table = Tables.List("JOB", "POOL", "NODE", "GPUS", "TIER", "STARTED");
            foreach (var r in running.OrderBy(r => r.StartedAt))
            {
                table.AddRow(r.JobId, r.Pool, r.Node, r.Resources.Gpus.ToString(CultureInfo.InvariantCulture), Format.Tier(r.Tier), Format.Time(r.StartedAt));
            }

            Tables.Section(console, "Running", table);
        }
    }

    /// <summary>
    /// A warning per pool of <paramref name="pools"/> where the department now uses more GPUs than its quota, naming the
    /// running jobs beyond it (the newest placements: the part that counts as borrowed under the new quota).
    /// </summary>
    public static IEnumerable<string> BeyondQuota(DepartmentView department, IEnumerable<string> pools)
    {
        ArgumentNullException.ThrowIfNull(department);
        ArgumentNullException.ThrowIfNull(pools);
        var running = department.Running.IsDefault ? [] : department.Running;
        foreach (var pool in pools.Order(StringComparer.Ordinal))
        {
            var quota = department.Quota.TryGetValue(pool, out var q) ? q : 0;
            var inPool = running.Where(r => string.Equals(r.Pool, pool, StringComparison.Ordinal)).OrderBy(r => r.StartedAt).ThenBy(r => r.JobId, StringComparer.Ordinal).ToList();
            var used = inPool.Sum(r => r.Resources.Gpus);
            if (used <= quota)
            {
                continue;
            }

            var within = 0;
            var beyond = new List<string>();
            foreach (var job in inPool)
            {
                within += job.Resources.Gpus;
                if (within > quota)
                {
                    beyond.Add(job.JobId);
                }
            }

            yield return $"warning: {department.Name} uses {used} GPUs in {pool}, {used - quota} above its new quota of {quota}; running beyond it (the borrowed part under the new quota): {string.Join(", ", beyond)}";
        }
    }
}
