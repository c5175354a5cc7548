using System.Collections.Immutable;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Policies;

/// <summary>The policies a simulation can compare: WPAI, the two baselines it replaced, and three ablations.</summary>
public static class PolicyPresets
{
    public static PolicyPreset Wpai { get; } = new(
        "wpai", "all of WPAI's policies: score order, quotas with borrowing, preemption of borrowed work, model fallback, right-sizing, best fit",
        Quotas: true, Borrowing: true, QueueOrderKind.Score, HeadOfLineBlocking: false, Fallback: true, RightSizing: true, Preemption: true, PlacementKind.BestFit);

    public static PolicyPreset StaticQuota { get; } = new(
        "static-quota", "status quo: each department only on its own quota, FIFO, preferred model only, no right-sizing, no preemption",
        Quotas: true, Borrowing: false, QueueOrderKind.Fifo, HeadOfLineBlocking: false, Fallback: false, RightSizing: false, Preemption: false, PlacementKind.BestFit);

    public static PolicyPreset Fifo { get; } = new(
        "fifo", "one global FIFO queue per pool with head-of-line blocking, first fit, no quotas, preferred model only",
        Quotas: false, Borrowing: false, QueueOrderKind.Fifo, HeadOfLineBlocking: true, Fallback: false, RightSizing: false, Preemption: false, PlacementKind.FirstFit);

    public static PolicyPreset WpaiNoBorrow { get; } = Wpai with { Name = "wpai-no-borrow", Description = "wpai without borrowing other departments' idle quota", Borrowing = false };

    public static PolicyPreset WpaiNoFallback { get; } = Wpai with { Name = "wpai-no-fallback", Description = "wpai without heterogeneous model fallback", Fallback = false };

    public static PolicyPreset WpaiNoRightSize { get; } = Wpai with { Name = "wpai-no-rightsize", Description = "wpai without right-sizing", RightSizing = false };

    public static ImmutableArray<PolicyPreset> All { get; } = [Wpai, StaticQuota, Fifo, WpaiNoBorrow, WpaiNoFallback, WpaiNoRightSize];

    public static PolicyPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new WpaiValidationException("--policies", $"'{name}' is not a known policy", $"Use one or more of {string.Join(", ", All.Select(p => p.Name))}.");

    public static ImmutableArray<PolicyPreset> Parse(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Get)];
}
