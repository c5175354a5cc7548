using System.Collections.Immutable;
using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts;

namespace WPAI.Cli.Rendering;

/// <summary>Tables for pools.</summary>
public static class PoolRendering
{
    public static void List(IAnsiConsole console, ImmutableArray<PoolView> pools)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (pools.IsDefaultOrEmpty)
        {
            console.WriteLine("No pools. A pool appears when its first node is registered (./wpai node add ...).");
            return;
        }

        var table = Tables.List("POOL", "NODES", "FREE GPUS", "FREE CPU", "FREE MEMORY", "QUEUED", "PLACEMENTS", "PREEMPTIONS");
        foreach (var p in pools)
        {
            table.AddRow(
                p.Pool,
                p.Nodes.ToString(CultureInfo.InvariantCulture),
                Format.UsedOf(p.Free.Gpus, p.Capacity.Gpus),
                $"{Format.Cpu(p.Free.CpuMilli)}/{Format.Cpu(p.Capacity.CpuMilli)}",
                $"{Format.Memory(p.Free.MemoryMib)}/{Format.Memory(p.Capacity.MemoryMib)}",
                (p.Queue.IsDefault ? 0 : p.Queue.Length).ToString(CultureInfo.InvariantCulture),
                p.Placements.ToString(CultureInfo.InvariantCulture),
                p.Preemptions.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    public static void Show(IAnsiConsole console, PoolView pool)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(pool);
        var queue = pool.Queue.IsDefault ? [] : pool.Queue;
        console.Write(Tables.Details(
        [
            ("Pool", pool.Pool),
            ("Nodes", pool.Nodes.ToString(CultureInfo.InvariantCulture)),
            ("Capacity", Format.Resources(pool.Capacity)),
            ("Free", Format.Resources(pool.Free)),
            ("Queued", queue.Length.ToString(CultureInfo.InvariantCulture)),
            ("Placements", pool.Placements.ToString(CultureInfo.InvariantCulture)),
            ("Preemptions", pool.Preemptions.ToString(CultureInfo.InvariantCulture)),
        ]));

        var quota = pool.Quota ?? ImmutableDictionary<string, int>.Empty;
        var usage = pool.Usage ?? ImmutableDictionary<string, PoolUsage>.Empty;
        var departments = quota.Keys.Concat(usage.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (departments.Count > 0)
        {
            var table = Tables.List("DEPARTMENT", "QUOTA", "OWN", "BORROWED");
            foreach (var department in departments)
            {
                var u = usage.GetValueOrDefault(department) ?? PoolUsage.Empty;
                table.AddRow(
                    department,
                    quota.GetValueOrDefault(department).ToString(CultureInfo.InvariantCulture),
                    u.OwnGpus.ToString(CultureInfo.InvariantCulture),
                    u.BorrowedGpus.ToString(CultureInfo.InvariantCulture));
            }

            Tables.Section(console, "Departments", table);
        }

        if (!queue.IsEmpty)
        {
            var table = Tables.List("POS", "JOB", "DEPARTMENT", "GPUS", "TIER", "SCORE", "WAITED", "REASON");
            foreach (var q in queue.OrderBy(q => q.Position))
            {
                table.AddRow(
                    q.Position.ToString(CultureInfo.InvariantCulture),
                    q.JobId,
                    q.Department,
                    q.Request.Gpus.ToString(CultureInfo.InvariantCulture),
                    Format.Tier(q.Tier),
                    Format.Score(q.Score),
                    Format.Duration(q.Waited),
                    q.Reason);
            }

            Tables.Section(console, "Queue", table);
        }
    }
}
