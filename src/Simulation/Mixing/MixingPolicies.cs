using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// The mixing policies a combined simulation compares. Every one is the real <c>IMixingControllerGrain</c> with other
/// settings (the controller's defaults otherwise), ticked by the replay loop on virtual time (<c>TickInterval</c> zero).
/// </summary>
public static class MixingPolicies
{
    private static readonly MixingSettings Base = MixingSettings.Default with { TickInterval = TimeSpan.Zero };

    public static MixingPolicy NoMixing { get; } = new(
        "no-mixing", "the controller is off: online nodes serve inference only, training uses the Fixed nodes", Base with { Policy = MixingPolicyKind.Off });

    public static MixingPolicy TimeWindow { get; } = new(
        "time-window", "lends online nodes from 00:00 to 08:00 UTC whatever the load; reclaims outside it or when replicas are pending",
        Base with { Policy = MixingPolicyKind.TimeWindow, WindowStart = new TimeOnly(0, 0), WindowEnd = new TimeOnly(8, 0) });

    public static MixingPolicy WpaiMixing { get; } = new(
        "wpai-mixing", "threshold controller: lends below minRate, reclaims above maxRate or when replicas are pending; no look-ahead",
        Base with { Policy = MixingPolicyKind.Threshold });

    public static MixingPolicy WpaiMixingLookAhead { get; } = new(
        "wpai-mixing-lookahead", "wpai-mixing plus both look-ahead parts: reclaim before the forecast peak, no short job on a node forecast to be reclaimed before its end",
        WpaiMixing.Settings with { ReclaimAhead = true, AvoidDoomedPlacement = true });

    public static MixingPolicy WpaiMixingReclaimAhead { get; } = new(
        "wpai-mixing-reclaim-ahead", "wpai-mixing plus look-ahead (a) only: reclaim before the forecast peak",
        WpaiMixing.Settings with { ReclaimAhead = true });

    public static MixingPolicy WpaiMixingAvoidDoomed { get; } = new(
        "wpai-mixing-avoid-doomed", "wpai-mixing plus look-ahead (b) only: no short job on a lent node forecast to be reclaimed before its end",
        WpaiMixing.Settings with { AvoidDoomedPlacement = true });

    public static MixingPolicy WpaiMixingMatch { get; } = new(
        "wpai-mixing-match", "wpai-mixing-lookahead plus run-time matching: a short job goes to the lent node expected back soonest after its expected end, before Fixed nodes",
        WpaiMixingLookAhead.Settings, MatchRunTime: true);

    public static MixingPolicy WpaiMixingValley { get; } = new(
        "wpai-mixing-valley", "wpai-mixing-lookahead plus valley lending: lends when the 3-hour forecast keeps usage after lending under the band's midpoint, not only below minRate",
        WpaiMixingLookAhead.Settings with { LendOnValley = true });

    public static MixingPolicy WpaiMixingSoonest { get; } = new(
        "wpai-mixing-soonest", "wpai-mixing-lookahead plus soonest-ending reclaims: takes back the lent nodes whose jobs are expected to end soonest first",
        WpaiMixingLookAhead.Settings with { ReclaimSoonestEnding = true });

    public static MixingPolicy WpaiMixingDrain { get; } = new(
        "wpai-mixing-drain", "wpai-mixing-lookahead plus forecast drains: a node being taken back drains until the forecast needs it, not 30 minutes",
        WpaiMixingLookAhead.Settings with { DrainOnForecast = true });

    public static MixingPolicy WpaiMixingForecast { get; } = new(
        "wpai-mixing-forecast", "wpai-mixing-lookahead plus forecast-sized lending: keeps online only the nodes the 3-hour forecast peak needs at usage 0.7, lends the rest",
        WpaiMixingLookAhead.Settings with { LendToForecast = true });

    public static MixingPolicy WpaiMixingKillForRoom { get; } = new(
        "wpai-mixing-kill-for-room", "wpai-mixing-lookahead plus kills only for room: a reclaim kills at once only while pending replicas find no room on the serving nodes",
        WpaiMixingLookAhead.Settings with { KillOnlyForRoom = true });

    public static MixingPolicy WpaiMixingPlaceOnReclaim { get; } = new(
        "wpai-mixing-place-on-reclaim", "wpai-mixing-lookahead plus placing on reclaim: pending replicas are placed in the tick their node comes back",
        WpaiMixingLookAhead.Settings with { PlaceOnReclaim = true });

    public static MixingPolicy WpaiMixingAllFive { get; } = new(
        "wpai-mixing-all-five", "wpai-mixing-lookahead with the five lending mechanisms: run-time matching, valley lending, forecast-sized lending, soonest-ending reclaims, forecast drains",
        WpaiMixingLookAhead.Settings with { LendOnValley = true, LendToForecast = true, ReclaimSoonestEnding = true, DrainOnForecast = true }, MatchRunTime: true);

    public static MixingPolicy WpaiMixingCrossPool { get; } = new(
        "wpai-mixing-cross-pool", "wpai-mixing-match plus cross-pool lent-first placement: a short job that accepts several pools is queued first where lent room outlasts it",
        WpaiMixingMatch.Settings, MatchRunTime: true, LentFirstAcrossPools: true);

    public static MixingPolicy WpaiMixingAll { get; } = new(
        "wpai-mixing-all",
        "wpai-mixing-all-five plus kills only for room, placing on reclaim, cross-pool lent-first placement, reclaim times on the busiest recent day, reclaims that kill fewest runs, and the band read above the services' minimum replicas keeping room above them",
        WpaiMixingAllFive.Settings with
        {
            KillOnlyForRoom = true, PlaceOnReclaim = true, BusiestDayReclaimTimes = true, ReclaimFewestKills = true, BandAboveMinimum = true, KeepRoomAboveMinimum = true,
        },
        MatchRunTime: true,
        LentFirstAcrossPools: true);

    public static MixingPolicy WpaiMixingAllNoRoom { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-room", Description = "wpai-mixing-all without kills only for room (ablation)", Settings = WpaiMixingAll.Settings with { KillOnlyForRoom = false },
    };

    public static MixingPolicy WpaiMixingAllNoPlace { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-place", Description = "wpai-mixing-all without placing on reclaim (ablation)", Settings = WpaiMixingAll.Settings with { PlaceOnReclaim = false },
    };

    public static MixingPolicy WpaiMixingAllNoCrossPool { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-cross-pool", Description = "wpai-mixing-all without cross-pool lent-first placement (ablation)", LentFirstAcrossPools = false,
    };

    public static MixingPolicy WpaiMixingAllNoValley { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-valley", Description = "wpai-mixing-all without valley lending (ablation)", Settings = WpaiMixingAll.Settings with { LendOnValley = false },
    };

    public static MixingPolicy WpaiMixingAllNoForecast { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-forecast", Description = "wpai-mixing-all without forecast-sized lending (ablation)", Settings = WpaiMixingAll.Settings with { LendToForecast = false },
    };

    public static MixingPolicy WpaiMixingAllNoSoonest { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-soonest", Description = "wpai-mixing-all without soonest-ending reclaims (ablation)", Settings = WpaiMixingAll.Settings with { ReclaimSoonestEnding = false },
    };

    public static MixingPolicy WpaiMixingAllNoDrain { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-drain", Description = "wpai-mixing-all without forecast drains (ablation)", Settings = WpaiMixingAll.Settings with { DrainOnForecast = false },
    };

    public static MixingPolicy WpaiMixingAllNoBusiest { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-busiest", Description = "wpai-mixing-all with reclaim times on the mean of the recent days, not the busiest (ablation)",
        Settings = WpaiMixingAll.Settings with { BusiestDayReclaimTimes = false },
    };

    public static MixingPolicy WpaiMixingAllNoFewest { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-no-fewest", Description = "wpai-mixing-all with reclaims that kill at once in the usual reclaim order, not fewest runs first (ablation)",
        Settings = WpaiMixingAll.Settings with { ReclaimFewestKills = false },
    };

    public static MixingPolicy WpaiMixingAllWholeBand { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-whole-band",
        Description = "wpai-mixing-all with the band read on the whole demand, minimum replicas included: wpai-mixing-all before the band above the minimum with room (ablation)",
        Settings = WpaiMixingAll.Settings with { BandAboveMinimum = false, KeepRoomAboveMinimum = false },
    };

    public static MixingPolicy WpaiMixingAllAboveMinimum { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-above-minimum",
        Description = "wpai-mixing-all without room kept above the services' minimum replicas: a pool may be lent down to exactly its minimum; lends more and kills more",
        Settings = WpaiMixingAll.Settings with { KeepRoomAboveMinimum = false },
    };

    public static MixingPolicy WpaiMixingAllAboveMinimumRoom { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-above-minimum-room",
        Description = "the band read on the demand above the services' minimum replicas, keeping room above them: what wpai-mixing-all is, under the name it was chosen by",
    };

    public static MixingPolicy WpaiMixingAllLendWhileFull { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-lend-while-full",
        Description = "wpai-mixing-all plus demand-aware lending: while every lent node of a pool is full, forecast-sized lending sizes the online part to maxRate (0.8) instead of 0.7",
        Settings = WpaiMixingAll.Settings with { LendMoreWhileLentFull = true },
    };

    public static MixingPolicy WpaiMixingAllCheckpoint { get; } = WpaiMixingAll with
    {
        Name = "wpai-mixing-all-checkpoint", Checkpoint = true,
        Description = "wpai-mixing-all, and jobs that declared themselves checkpointable lose only the run time since their last checkpoint on a reclaim",
    };

    /// <summary>Every policy, in the order reports list them.</summary>
    public static ImmutableArray<MixingPolicy> All { get; } =
        [WpaiMixing, WpaiMixingLookAhead, NoMixing, TimeWindow, WpaiMixingReclaimAhead, WpaiMixingAvoidDoomed,
         WpaiMixingMatch, WpaiMixingValley, WpaiMixingForecast, WpaiMixingSoonest, WpaiMixingDrain, WpaiMixingKillForRoom, WpaiMixingPlaceOnReclaim, WpaiMixingCrossPool, WpaiMixingAllFive, WpaiMixingAll,
         WpaiMixingAllNoRoom, WpaiMixingAllNoPlace, WpaiMixingAllNoCrossPool, WpaiMixingAllNoValley, WpaiMixingAllNoForecast, WpaiMixingAllNoSoonest,
         WpaiMixingAllNoDrain, WpaiMixingAllNoBusiest, WpaiMixingAllNoFewest, WpaiMixingAllWholeBand, WpaiMixingAllAboveMinimum, WpaiMixingAllAboveMinimumRoom, WpaiMixingAllLendWhileFull, WpaiMixingAllCheckpoint];

    /// <summary>The policies run when <c>--policies</c> is not given.</summary>
    public static ImmutableArray<MixingPolicy> Default { get; } = [WpaiMixing, WpaiMixingLookAhead, NoMixing, TimeWindow, WpaiMixingAll];

    public static MixingPolicy Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new WpaiValidationException("--policies", $"'{name}' is not a mixing policy", $"Use one or more of {string.Join(", ", All.Select(p => p.Name))}.");

    public static ImmutableArray<MixingPolicy> Parse(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw new WpaiValidationException("--policies", "is empty", $"Name at least one of {string.Join(", ", All.Select(p => p.Name))}.");
        }

        return [.. names.Select(Get).Distinct()];
    }
}
