using System.Globalization;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Domain.Mixing;

/// <summary>
/// The pure online/offline mixing policy of one pool (README, "Mixing"). The online usage rate is inference demand
/// (GPUs of the services' desired replicas, pending included) over online capacity (GPUs of OnlineNormal nodes, and of
/// nodes draining back to it).
/// <list type="bullet">
/// <item><b>Threshold</b>: below <c>MinRate</c> it lends the least-used online nodes (fewest replica GPUs first) while
/// the rate after lending stays under the band's midpoint; above <c>MaxRate</c>, or with pending replicas that fit on
/// no online node, it reclaims the lent nodes whose jobs lose the least work (Σ elapsed × GPUs; idle nodes first) until
/// the rate is back at or under <c>MaxRate</c> and the pending replicas fit. Between the two it does nothing (hysteresis).
/// "No room" has one definition, <see cref="InferenceHasNoRoom"/>: only the nodes serving now (OnlineNormal) count, since a
/// node draining back holds training until it is handed over.</item>
/// <item><b>TimeWindow</b> (baseline): inside the daily window it lends whatever the load, while the rate after lending
/// stays at or under <c>MaxRate</c>; outside it reclaims everything; pending replicas reclaim as above.</item>
/// <item><b>Off</b>: reclaims every lent node.</item>
/// </list>
/// <b>LendToForecast</b> (Threshold only, with a forecast over <c>ValleyHorizon</c>): between reclaims it keeps online only
/// the nodes that the larger of the current demand and the forecast peak over <c>ValleyHorizon</c> (and over the look-ahead
/// horizon with look-ahead a) needs at <c>LendTargetRate</c>, and lends the rest, least used first (their replicas move
/// to the nodes kept), whatever the current rate; without a forecast there it falls back to the thresholds.
/// A node whose mode changed less than <c>MinDwell</c> ago is neither lent nor reclaimed, unless replicas are pending,
/// the window closed or mixing is off. Look-ahead (a), <c>ReclaimAhead</c>: the demand used is the larger of the
/// current demand and the forecast peak over <c>LookAheadHorizon</c>, so nodes come back before the peak and are not
/// lent just before it. Look-ahead (b), <c>AvoidDoomedPlacement</c>: each lent node gets the time it is expected to be
/// reclaimed — with the forecast, the k-th node in reclaim order goes back at the first forecast time when the rate
/// with the k−1 before it reclaimed exceeds <c>MaxRate</c> (minus the horizon with look-ahead a); in the time window,
/// at the window's end; with a <c>ReclaimGrace</c>, the time is when the node's jobs must have ended (reclaim + grace);
/// with <c>BusiestDayReclaimTimes</c> the forecast read there is the busiest recent day's (<see cref="DemandPoint.Busiest"/>).
/// A node being taken back drains for <c>ReclaimGrace</c> before its jobs are killed (<see cref="KillsNow"/>). With
/// <c>ReclaimFewestKills</c> a reclaim that must kill at once (inference has no room without it) takes back the lent nodes
/// with the fewest training runs first. With <c>BandAboveMinimum</c> (Threshold) every rate the band reads — lending, forecast
/// sizing, reclaiming, the expected reclaim times — is <see cref="BandRate"/>: the demand above the services' minimum
/// replicas over the capacity those replicas leave, so a pool whose services idle at their minimum can lend down to the
/// nodes that hold it; with <c>KeepRoomAboveMinimum</c> as well, no room above the minimum counts as full, so it never lends
/// down to exactly its minimum. With <c>LendMoreWhileLentFull</c> forecast-sized lending sizes to <c>MaxRate</c> instead of
/// <c>LendTargetRate</c> while the lent room is full (<see cref="LentRoomFull"/>): demand-aware lending, read on the lent nodes.
/// </summary>
public static class MixingPolicy
{
    /// <summary>The usage rate reported when there is demand but no online capacity at all.</summary>
    public const double OverloadRate = 10;

    /// <summary>Demand over online capacity; 0 without demand, <see cref="OverloadRate"/> with demand but no capacity.</summary>
    public static double Rate(double demandGpus, int onlineGpus) =>
        onlineGpus > 0 ? demandGpus / onlineGpus : demandGpus > 0 ? OverloadRate : 0;

    /// <summary>
    /// The usage rate the band reads with <c>BandAboveMinimum</c>: the demand above the services' minimum replicas over the
    /// online capacity left once the minimum replicas have their GPUs; 0 when nothing is asked above the minimum and the
    /// minimum fits exactly, <see cref="OverloadRate"/> when the minimum does not fit or demand above it has no room at all.
    /// With <paramref name="keepRoom"/> (<c>KeepRoomAboveMinimum</c>) no room above the minimum is full whatever the demand:
    /// <see cref="OverloadRate"/>, so a pool is never lent down to exactly its minimum. Without a minimum
    /// (<paramref name="minimumGpus"/> ≤ 0) it is <see cref="Rate(double, int)"/>, and while the demand fits the capacity it
    /// is never above it, except at no room with <paramref name="keepRoom"/>.
    /// </summary>
    public static double BandRate(double demandGpus, int onlineGpus, double minimumGpus, bool keepRoom = false)
    {
        if (!(minimumGpus > 0))
        {
            return Rate(demandGpus, onlineGpus);
        }

        var room = onlineGpus - minimumGpus;
        var above = Math.Max(0, demandGpus - minimumGpus);
        return room > 0 ? above / room : above > 0 || room < 0 || keepRoom ? OverloadRate : 0;
    }

    /// <summary>Whether the UTC time of day of <paramref name="now"/> is inside [start, end) (the window may wrap midnight).</summary>
    public static bool InWindow(DateTimeOffset now, TimeOnly start, TimeOnly end)
    {
        var t = TimeOnly.FromTimeSpan(now.UtcDateTime.TimeOfDay);
        return start < end ? t >= start && t < end : t >= start || t < end;
    }

    /// <summary>The next time (after <paramref name="now"/>) the UTC clock shows <paramref name="end"/>.</summary>
    public static DateTimeOffset NextWindowEnd(DateTimeOffset now, TimeOnly end)
    {
        var utc = now.ToUniversalTime();
        var candidate = new DateTimeOffset(utc.Date, TimeSpan.Zero) + end.ToTimeSpan();
        return candidate > utc ? candidate : candidate.AddDays(1);
    }

    /// <summary>Throws <see cref="WpaiValidationException"/> naming the setting at fault unless the settings are sound.</summary>
    public static void Validate(MixingSettings? settings)
    {
        if (settings is null)
        {
            throw new WpaiValidationException("settings", "are missing", "Send mixing settings (start from MixingSettings.Default).");
        }

        if (!Enum.IsDefined(settings.Policy))
        {
            throw new WpaiValidationException("settings.policy", $"unknown policy {(int)settings.Policy}", "Use Off, Threshold or TimeWindow.");
        }

        if (!(settings.MinRate >= 0) || !(settings.MinRate < 1))
        {
            throw new WpaiValidationException("settings.minRate", Invariant($"must be within [0, 1), not {settings.MinRate}"), "Give the usage rate below which nodes are lent, e.g. 0.3.");
        }

        if (!(settings.MaxRate > settings.MinRate) || !(settings.MaxRate <= 1))
        {
            throw new WpaiValidationException(
                "settings.maxRate",
                Invariant($"must be above minRate ({settings.MinRate}) and at most 1, not {settings.MaxRate}"),
                "Give the usage rate above which lent nodes are taken back, e.g. 0.8.");
        }

        if (settings.MinDwell < TimeSpan.Zero)
        {
            throw new WpaiValidationException("settings.minDwell", $"must not be negative ({settings.MinDwell})", "Use 0 or a positive duration such as 30m.");
        }

        if (settings.LookAheadHorizon < TimeSpan.Zero || (settings.ReclaimAhead && settings.LookAheadHorizon == TimeSpan.Zero))
        {
            throw new WpaiValidationException(
                "settings.lookAheadHorizon",
                $"must be positive when reclaiming ahead, and never negative ({settings.LookAheadHorizon})",
                "Use a horizon such as 60m.");
        }

        if (settings.TickInterval < TimeSpan.Zero || (settings.TickInterval > TimeSpan.Zero && settings.TickInterval < TimeSpan.FromSeconds(1)))
        {
            throw new WpaiValidationException("settings.tickInterval", $"must be 0 (explicit ticks only) or at least 1 s ({settings.TickInterval})", "Use e.g. 1m, or 0 to tick only on request.");
        }

        if (settings.ReclaimGrace < TimeSpan.Zero)
        {
            throw new WpaiValidationException("settings.reclaimGrace", $"must not be negative ({settings.ReclaimGrace})", "Use 0 to kill at once, or a grace such as 30m.");
        }

        if (settings.ValleyHorizon < TimeSpan.Zero || ((settings.LendOnValley || settings.LendToForecast) && settings.ValleyHorizon == TimeSpan.Zero))
        {
            throw new WpaiValidationException(
                "settings.valleyHorizon",
                $"must be positive when lending on the forecast's valley or sizing to the forecast, and never negative ({settings.ValleyHorizon})",
                "Use a horizon such as 3h.");
        }

        if (settings.LendToForecast && !(settings.LendTargetRate > settings.MinRate && settings.LendTargetRate <= settings.MaxRate))
        {
            throw new WpaiValidationException(
                "settings.lendTargetRate",
                Invariant($"must be above minRate ({settings.MinRate}) and at most maxRate ({settings.MaxRate}) when sizing to the forecast, not {settings.LendTargetRate}"),
                "Give the usage rate the nodes kept online should reach at the forecast peak, e.g. 0.7.");
        }

        if (settings.KeepRoomAboveMinimum && !settings.BandAboveMinimum)
        {
            throw new WpaiValidationException(
                "settings.keepRoomAboveMinimum",
                "keeps room above the services' minimum replicas, but the band does not read above them (bandAboveMinimum is off)",
                "Turn both on (wpai pool mixing POOL --band-above-minimum with-room), or keepRoomAboveMinimum off.");
        }

        if (settings.LendMoreWhileLentFull && !settings.LendToForecast)
        {
            throw new WpaiValidationException(
                "settings.lendMoreWhileLentFull",
                "raises the target of forecast-sized lending, but forecast-sized lending (lendToForecast) is off",
                "Turn both on (wpai pool mixing POOL --lend-to-forecast on --lend-more-while-full on), or lendMoreWhileLentFull off.");
        }

        if (settings.Policy == MixingPolicyKind.TimeWindow && settings.WindowStart == settings.WindowEnd)
        {
            throw new WpaiValidationException("settings.windowEnd", $"the lending window is empty ({settings.WindowStart}–{settings.WindowEnd})", "Give different start and end times, e.g. 00:00–08:00.");
        }
    }

    /// <summary>Decides one tick: the handovers to start and, with look-ahead (b), each lent node's expected reclaim time.</summary>
    public static MixingPlan Decide(MixingSettings settings, MixingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(snapshot);
        var now = snapshot.Now;
        var nodes = snapshot.Nodes.IsDefault ? [] : snapshot.Nodes;
        var pending = snapshot.PendingReplicaGpus.IsDefault ? [] : snapshot.PendingReplicaGpus;
        var forecast = snapshot.Forecast.IsDefault ? [] : snapshot.Forecast;
        var online = nodes.Where(n => n.IsOnline).ToList();
        var cap = online.Sum(n => n.Gpus);
        var demand = snapshot.DemandGpus;
        var rate = Rate(demand, cap);
        double? peak = settings.ReclaimAhead && settings.Policy == MixingPolicyKind.Threshold ? ForecastPeak(forecast, now, settings.LookAheadHorizon) : null;
        double? forecastRate = peak is { } p ? Rate(p, cap) : null;
        var effective = Math.Max(demand, peak ?? 0);

        // The band reads the demand above the minimum replicas when asked to (Threshold only); the usage reported stays demand / capacity.
        var minimum = settings.BandAboveMinimum && settings.Policy == MixingPolicyKind.Threshold ? snapshot.MinimumGpus : 0;
        var keepRoom = settings.KeepRoomAboveMinimum;
        var band = BandRate(demand, cap, minimum, keepRoom);
        double? forecastBand = peak is { } pb ? BandRate(pb, cap, minimum, keepRoom) : null;

        // Valley lending and forecast sizing: the forecast peak over the valley horizon (null without a forecast there) bounds lending.
        double? valley = (settings.LendOnValley || settings.LendToForecast) && settings.Policy == MixingPolicyKind.Threshold ? ForecastPeak(forecast, now, settings.ValleyHorizon) : null;
        var free = ServingFree(nodes).ToList();
        var urgent = HasNoRoom(demand, nodes, pending, free);
        var measured = Invariant($"usage {rate:0.00}")
            + (minimum > 0 ? Invariant($", {band:0.00} above the minimum replicas") : string.Empty)
            + (forecastRate is { } fr ? Invariant($", forecast {fr:0.00}") : string.Empty)
            + (pending.Length > 0 ? Invariant($", {pending.Length} replicas pending") : string.Empty);
        var details = Invariant($"usage {rate:0.00} ({demand:0.##} of {cap} online {snapshot.Unit})")
            + (minimum > 0 ? Invariant($", {band:0.00} above the {minimum:0.##} {snapshot.Unit} of minimum replicas") : string.Empty)
            + (forecastRate is { } f2 ? Invariant($", forecast {f2:0.00} within {settings.LookAheadHorizon:g}") : string.Empty)
            + (pending.Length > 0 ? Invariant($", {pending.Length} replicas pending") : string.Empty);

        var handovers = ImmutableArray.CreateBuilder<Handover>();
        string verdict;
        switch (settings.Policy)
        {
            case MixingPolicyKind.Off:
                foreach (var n in nodes.Where(n => n.Mode == NodeMode.OfflineNormal).OrderBy(n => n.Name, StringComparer.Ordinal))
                {
                    handovers.Add(new Handover(n.Name, NodeMode.OnlineNormal, "mixing is off: lent nodes are taken back"));
                }

                verdict = "mixing off";
                break;

            case MixingPolicyKind.TimeWindow when !InWindow(now, settings.WindowStart, settings.WindowEnd):
                foreach (var n in nodes.Where(n => n.Mode == NodeMode.OfflineNormal).OrderBy(n => n.LostWork(now)).ThenBy(n => n.Name, StringComparer.Ordinal))
                {
                    handovers.Add(new Handover(n.Name, NodeMode.OnlineNormal, Invariant($"outside the lending window {settings.WindowStart:HH:mm}–{settings.WindowEnd:HH:mm}")));
                }

                verdict = "outside the lending window";
                break;

            case MixingPolicyKind.TimeWindow:
                if (urgent)
                {
                    Reclaim(handovers, nodes, now, settings, cap, free, pending, effective, minimum: 0, limit: 1.0, ignoreDwell: true, killsNow: true, $"{measured}: replicas pending, no room online", snapshot.Unit);
                    verdict = "reclaim: replicas pending";
                }
                else
                {
                    Lend(handovers, nodes, now, settings, cap, free, pending, effective, minimum: 0, r => r <= settings.MaxRate, Invariant($"{measured}, inside the lending window"), snapshot.Unit);
                    verdict = "inside the lending window";
                }

                break;

            default:
                var mid = (settings.MinRate + settings.MaxRate) / 2;
                if (urgent || band > settings.MaxRate || forecastBand > settings.MaxRate)
                {
                    var why = urgent ? "replicas pending, no room online"
                        : band > settings.MaxRate ? Invariant($"above max {settings.MaxRate:0.00}")
                        : Invariant($"forecast peak above max {settings.MaxRate:0.00}");
                    Reclaim(handovers, nodes, now, settings, cap, free, pending, effective, minimum, settings.MaxRate, ignoreDwell: urgent, killsNow: urgent, $"{measured}: {why}", snapshot.Unit);
                    verdict = $"reclaim: {why}";
                }
                else if (settings.LendToForecast && valley is { } sized)
                {
                    // Forecast-sized lending: keep online only what the forecast peak needs at the target rate, lend the rest;
                    // with the lent room full, to the top of the band.
                    var full = settings.LendMoreWhileLentFull && LentRoomFull(nodes);
                    var target = full ? settings.MaxRate : settings.LendTargetRate;
                    var low = Math.Max(effective, sized);
                    var why = Invariant($"{measured}, forecast peak {BandRate(low, cap, minimum, keepRoom):0.00} within {settings.ValleyHorizon:g}: online sized to {target:0.00}{(full ? " (the lent nodes are full)" : string.Empty)}");
                    Lend(handovers, nodes, now, settings, cap, free, pending, low, minimum, r => r <= target, why, snapshot.Unit);
                    verdict = Invariant($"sized to the forecast at {target:0.00}{(full ? ", the lent nodes full" : string.Empty)}");
                }
                else if (band < settings.MinRate || (settings.LendOnValley && valley is { } v && BandRate(Math.Max(v, demand), cap, minimum, keepRoom) < mid))
                {
                    var low = Math.Max(effective, valley ?? 0);
                    var why = band < settings.MinRate ? Invariant($"{measured} < min {settings.MinRate:0.00}") : Invariant($"{measured}, forecast valley {BandRate(low, cap, minimum, keepRoom):0.00} within {settings.ValleyHorizon:g}");
                    Lend(handovers, nodes, now, settings, cap, free, pending, low, minimum, r => r < mid, why, snapshot.Unit);
                    verdict = band < settings.MinRate ? Invariant($"below min {settings.MinRate:0.00}") : "forecast valley";
                }
                else
                {
                    verdict = "within the band: hold";
                }

                break;
        }

        var plan = handovers.ToImmutable();
        var reclaimBy = settings.AvoidDoomedPlacement ? ReclaimTimes(settings, nodes, plan, forecast, now, cap, minimum) : ImmutableDictionary<string, DateTimeOffset>.Empty;
        var lent = plan.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node).ToList();
        var back = plan.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node).ToList();
        var summary = $"{details}; {verdict}"
            + (lent.Count > 0 ? $"; lend {string.Join(", ", lent)}" : string.Empty)
            + (back.Count > 0 ? $"; reclaim {string.Join(", ", back)}" : string.Empty);
        return new MixingPlan(cap, demand, rate, forecastRate, plan, reclaimBy, summary);
    }

    /// <summary>
    /// How far ahead the controller asks the services for their demand: the longer of the look-ahead horizon and
    /// <paramref name="reclaimForecastSpan"/> when doomed placements are avoided, the look-ahead horizon when nodes are
    /// reclaimed ahead, otherwise (and for every policy but Threshold) none.
    /// </summary>
    public static TimeSpan DemandForecastSpan(MixingSettings settings, TimeSpan reclaimForecastSpan)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Policy != MixingPolicyKind.Threshold)
        {
            return TimeSpan.Zero;
        }

        var span = settings.AvoidDoomedPlacement || settings.DrainOnForecast ? reclaimForecastSpan : TimeSpan.Zero;
        span = settings.ReclaimAhead && settings.LookAheadHorizon > span ? settings.LookAheadHorizon : span;
        return (settings.LendOnValley || settings.LendToForecast) && settings.ValleyHorizon > span ? settings.ValleyHorizon : span;
    }

    /// <summary>
    /// Whether a reclaim in progress must kill the training jobs on its node now: when it is urgent (replicas pending,
    /// or demand above the capacity of the nodes that serve now) or the node has drained for <c>ReclaimGrace</c>.
    /// Until then the node only drains: nothing new lands on it, and jobs that end meanwhile are not killed.
    /// </summary>
    public static bool KillsNow(MixingSettings settings, DateTimeOffset drainingSince, DateTimeOffset now, bool urgent) =>
        KillsNow(settings, drainingSince, now, urgent, drainUntil: null);

    /// <summary>
    /// As <see cref="KillsNow(MixingSettings, DateTimeOffset, DateTimeOffset, bool)"/>, but with <c>DrainOnForecast</c> and a
    /// forecast (<paramref name="drainUntil"/>, from <see cref="DrainUntil"/>) the node drains until that time instead of
    /// for the grace: a forecast that leaves time lets the jobs end by themselves.
    /// </summary>
    public static bool KillsNow(MixingSettings settings, DateTimeOffset drainingSince, DateTimeOffset now, bool urgent, DateTimeOffset? drainUntil)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return urgent || (settings.DrainOnForecast && drainUntil is { } until ? now >= until : now - drainingSince >= settings.ReclaimGrace);
    }

    /// <summary>How long before the forecast need a draining node's jobs are killed, so replicas are placed and ready in time.</summary>
    public static readonly TimeSpan DrainMargin = TimeSpan.FromMinutes(10);

    /// <summary>
    /// With <c>DrainOnForecast</c>: until when nodes being taken back may drain. That is <see cref="DrainMargin"/> before
    /// the first forecast time when demand exceeds the GPUs serving now (<paramref name="servingGpus"/>, OnlineNormal only),
    /// or the forecast's last point when it foresees no such time. Null without a forecast (the grace applies) or when off.
    /// </summary>
    public static DateTimeOffset? DrainUntil(MixingSettings settings, ImmutableArray<DemandPoint> forecast, int servingGpus, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.DrainOnForecast || forecast.IsDefaultOrEmpty)
        {
            return null;
        }

        DateTimeOffset? last = null;
        foreach (var point in forecast.Where(p => p.At > now).OrderBy(p => p.At))
        {
            if (point.DemandGpus > servingGpus)
            {
                return point.At - DrainMargin;
            }

            last = point.At;
        }

        return last;
    }

    /// <summary>
    /// Whether inference needs capacity back at once: replicas are pending, or the demand exceeds the GPUs of the
    /// nodes serving now (OnlineNormal only: a node draining back serves nothing yet).
    /// </summary>
    public static bool ReclaimIsUrgent(double demandGpus, int servingGpus, int pendingReplicas) =>
        pendingReplicas > 0 || demandGpus > servingGpus;

    /// <summary>
    /// The GPUs (CPU cores in a CPU pool, <see cref="MixingUnit"/>) of the nodes serving now (OnlineNormal only: a node
    /// draining back serves nothing yet).
    /// </summary>
    public static int ServingGpus(IEnumerable<NodeView> views)
    {
        var all = views.ToList();
        return ServingGpus(all, MixingUnit.Of(all));
    }

    private static int ServingGpus(IEnumerable<NodeView> views, MixingUnit unit) =>
        views.Where(v => v.Mode == NodeMode.OnlineNormal).Sum(v => unit.Capacity(v.Spec));

    /// <summary>
    /// Whether a reclaim must kill now, from the pool's node views and its services' demand. Without <c>KillOnlyForRoom</c>,
    /// <see cref="ReclaimIsUrgent(double, int, int)"/>: any pending replica, or demand above the serving GPUs. With it, only
    /// while the demand exceeds the serving (OnlineNormal) nodes' GPUs or the pending replicas do not fit on those nodes' free
    /// GPUs: a pending replica that has room there is placed at its service's next evaluation, so killing jobs for it buys
    /// nothing. The caller asks again after each node it brings back, so only the nodes the replicas need are killed.
    /// </summary>
    public static bool ReclaimIsUrgent(MixingSettings settings, IEnumerable<NodeView> views, IReadOnlyList<ServiceDemand> demands)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(demands);
        var snapshot = MixingSnapshot.From(default, views, demands);
        return settings.KillOnlyForRoom
            ? InferenceHasNoRoom(snapshot)
            : ReclaimIsUrgent(snapshot.DemandGpus, ServingGpus(snapshot.Nodes), InferenceDemand.Pending(demands));
    }

    /// <summary>
    /// Whether inference has no room without a reclaim: the demand exceeds the GPUs of the nodes serving now (OnlineNormal
    /// only: a node draining back serves nothing yet, its GPUs are the training's until it is handed over), or the pending
    /// replicas do not fit on those nodes' free GPUs. The one definition behind the kills at once (with
    /// <c>KillOnlyForRoom</c>), the order of the reclaims in progress and the reclaims <see cref="Decide"/> starts.
    /// </summary>
    public static bool InferenceHasNoRoom(MixingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var nodes = snapshot.Nodes.IsDefault ? [] : snapshot.Nodes;
        return HasNoRoom(snapshot.DemandGpus, nodes, snapshot.PendingReplicaGpus.IsDefault ? [] : snapshot.PendingReplicaGpus, ServingFree(nodes));
    }

    /// <summary><see cref="InferenceHasNoRoom"/> over the serving nodes' free GPUs (<see cref="ServingFree"/>) already computed.</summary>
    private static bool HasNoRoom(double demandGpus, ImmutableArray<MixingNode> nodes, IEnumerable<int> pendingGpus, IEnumerable<int> servingFree) =>
        demandGpus > ServingGpus(nodes) || !FitsPending(pendingGpus, servingFree);

    /// <summary>The GPUs of the nodes serving now (OnlineNormal).</summary>
    private static int ServingGpus(ImmutableArray<MixingNode> nodes) =>
        nodes.Where(n => n.Mode == NodeMode.OnlineNormal).Sum(n => n.Gpus);

    /// <summary>The free GPUs of each node serving now (OnlineNormal), less its replicas and any training it still holds.</summary>
    private static IEnumerable<int> ServingFree(ImmutableArray<MixingNode> nodes) =>
        nodes.Where(n => n.Mode == NodeMode.OnlineNormal)
            .Select(n => Math.Max(0, n.UnheldGpus));

    /// <summary>
    /// The order in which the controller drives the handovers in progress: with <c>KillOnlyForRoom</c>, the nodes going back
    /// to inference in reclaim order (<see cref="ReclaimOrder(MixingSettings, IEnumerable{MixingNode}, DateTimeOffset)"/>),
    /// so the cheapest are killed first when only some must be, then the others; otherwise as listed.
    /// </summary>
    public static ImmutableArray<string> InProgressOrder(MixingSettings settings, MixingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(snapshot);
        var nodes = snapshot.Nodes.IsDefault ? [] : snapshot.Nodes;
        var inProgress = nodes.Where(n => n.Mode == NodeMode.Unnormal && n.Target is not null).ToList();
        if (!settings.KillOnlyForRoom)
        {
            return [.. inProgress.Select(n => n.Name)];
        }

        var back = ReclaimOrder(settings, inProgress.Where(n => n.Target == NodeMode.OnlineNormal), snapshot.Now, InferenceHasNoRoom(snapshot)).Select(n => n.Name);
        return [.. back, .. inProgress.Where(n => n.Target != NodeMode.OnlineNormal).Select(n => n.Name)];
    }

    /// <summary>
    /// Whether the lent room is full: at least one node is lent (OfflineNormal) and none of the lent nodes has a GPU (core) that
    /// neither training nor a replica holds. With <c>LendMoreWhileLentFull</c> forecast-sized lending then sizes to <c>MaxRate</c>.
    /// </summary>
    public static bool LentRoomFull(IEnumerable<MixingNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var lent = nodes.Where(n => n.Mode == NodeMode.OfflineNormal).ToList();
        return lent.Count > 0 && lent.All(n => n.UnheldGpus <= 0);
    }

    /// <summary>The highest forecast demand in (now, now + horizon], or null when the forecast has no point there.</summary>
    public static double? ForecastPeak(ImmutableArray<DemandPoint> forecast, DateTimeOffset now, TimeSpan horizon)
    {
        double? peak = null;
        foreach (var point in forecast)
        {
            if (point.At > now && point.At <= now + horizon && (peak is null || point.DemandGpus > peak))
            {
                peak = point.DemandGpus;
            }
        }

        return peak;
    }

    /// <summary>Whether every pending replica (GPUs each) fits on the free GPUs of the given nodes (best fit, largest first).</summary>
    public static bool FitsPending(IEnumerable<int> pendingGpus, IEnumerable<int> freeGpus)
    {
        var free = freeGpus.ToList();
        foreach (var need in pendingGpus.OrderByDescending(g => g))
        {
            var best = -1;
            for (var i = 0; i < free.Count; i++)
            {
                if (free[i] >= need && (best < 0 || free[i] < free[best]))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                return false;
            }

            free[best] -= need;
        }

        return true;
    }

    /// <summary>Reclaim order: least work lost first (idle nodes first), then fewer jobs, then name.</summary>
    public static IOrderedEnumerable<MixingNode> ReclaimOrder(IEnumerable<MixingNode> nodes, DateTimeOffset now) =>
        nodes.OrderBy(n => n.LostWork(now)).ThenBy(n => n.Jobs.IsDefault ? 0 : n.Jobs.Length).ThenBy(n => n.Name, StringComparer.Ordinal);

    /// <summary>
    /// Reclaim order of <paramref name="settings"/>: with <c>ReclaimSoonestEnding</c> the nodes expected to be free of
    /// training soonest first (idle nodes first; <see cref="MixingNode.FreeAt"/>), then least work lost; otherwise
    /// <see cref="ReclaimOrder(IEnumerable{MixingNode}, DateTimeOffset)"/>.
    /// </summary>
    public static IOrderedEnumerable<MixingNode> ReclaimOrder(MixingSettings settings, IEnumerable<MixingNode> nodes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.ReclaimSoonestEnding
            ? nodes.OrderBy(n => n.FreeAt(now)).ThenBy(n => n.LostWork(now)).ThenBy(n => n.Name, StringComparer.Ordinal)
            : ReclaimOrder(nodes, now);
    }

    /// <summary>
    /// Reclaim order when the reclaim kills at once (<paramref name="killsNow"/>: inference has no room without it): with
    /// <c>ReclaimFewestKills</c> the nodes whose kill stops the fewest runs first (idle nodes first), then least work lost,
    /// then name — when every job on the node is killed now, when it would have ended no longer matters; otherwise, and
    /// when the node may drain, <see cref="ReclaimOrder(MixingSettings, IEnumerable{MixingNode}, DateTimeOffset)"/>.
    /// </summary>
    public static IOrderedEnumerable<MixingNode> ReclaimOrder(MixingSettings settings, IEnumerable<MixingNode> nodes, DateTimeOffset now, bool killsNow)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.ReclaimFewestKills && killsNow
            ? nodes.OrderBy(n => n.Jobs.IsDefault ? 0 : n.Jobs.Length).ThenBy(n => n.LostWork(now)).ThenBy(n => n.Name, StringComparer.Ordinal)
            : ReclaimOrder(settings, nodes, now);
    }

    private static bool DwellOver(MixingNode node, DateTimeOffset now, TimeSpan minDwell) =>
        node.LastChange is not { } at || now - at >= minDwell;

    private static void Reclaim(
        ImmutableArray<Handover>.Builder handovers,
        ImmutableArray<MixingNode> nodes,
        DateTimeOffset now,
        MixingSettings settings,
        int cap,
        List<int> free,
        ImmutableArray<int> pending,
        double effective,
        double minimum,
        double limit,
        bool ignoreDwell,
        bool killsNow,
        string reason,
        MixingUnit unit)
    {
        var candidates = ReclaimOrder(settings, nodes.Where(n => n.Mode == NodeMode.OfflineNormal && (ignoreDwell || DwellOver(n, now, settings.MinDwell))), now, killsNow);
        var fewest = settings.ReclaimFewestKills && killsNow;
        var freeNow = new List<int>(free);
        foreach (var node in candidates)
        {
            if (FitsPending(pending, freeNow) && BandRate(effective, cap, minimum, settings.KeepRoomAboveMinimum) <= limit)
            {
                return;
            }

            var order = fewest ? "fewest runs killed"
                : settings.ReclaimSoonestEnding
                ? (node.FreeAt(now) == DateTimeOffset.MaxValue ? "jobs end soonest (an end unknown)" : Invariant($"jobs end soonest (free at {node.FreeAt(now):u})"))
                : "least work lost";
            handovers.Add(new Handover(node.Name, NodeMode.OnlineNormal, Invariant($"{reason}; {order} ({node.LostWork(now):0.##} {unit.Hours}, {(node.Jobs.IsDefault ? 0 : node.Jobs.Length)} jobs)")));
            cap += node.Gpus;
            freeNow.Add(node.Gpus);
        }
    }

    private static void Lend(
        ImmutableArray<Handover>.Builder handovers,
        ImmutableArray<MixingNode> nodes,
        DateTimeOffset now,
        MixingSettings settings,
        int cap,
        List<int> free,
        ImmutableArray<int> pending,
        double effective,
        double minimum,
        Func<double, bool> rateAllows,
        string reason,
        MixingUnit unit)
    {
        var freeTotal = free.Sum();
        var pendingTotal = pending.Sum();
        var candidates = nodes
            .Where(n => n.Mode == NodeMode.OnlineNormal && DwellOver(n, now, settings.MinDwell))
            .OrderBy(n => n.ReplicaGpus)
            .ThenBy(n => n.Name, StringComparer.Ordinal);
        foreach (var node in candidates)
        {
            var after = cap - node.Gpus;

            // The node's replicas move to the remaining online nodes, and pending ones must still find room there.
            if (!rateAllows(BandRate(effective, after, minimum, settings.KeepRoomAboveMinimum)) || freeTotal - node.Gpus < pendingTotal)
            {
                continue;
            }

            handovers.Add(new Handover(node.Name, NodeMode.OfflineNormal, Invariant($"{reason}; least used ({node.ReplicaGpus}/{node.Gpus} {unit} serve replicas), usage after {BandRate(effective, after, minimum, settings.KeepRoomAboveMinimum):0.00}")));
            cap = after;
            freeTotal -= node.Gpus;
        }
    }

    private static ImmutableDictionary<string, DateTimeOffset> ReclaimTimes(
        MixingSettings settings,
        ImmutableArray<MixingNode> nodes,
        ImmutableArray<Handover> plan,
        ImmutableArray<DemandPoint> forecast,
        DateTimeOffset now,
        int cap,
        double minimum)
    {
        var reclaimed = plan.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node).ToHashSet(StringComparer.Ordinal);
        var lending = plan.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node).ToHashSet(StringComparer.Ordinal);
        var lent = nodes.Where(n => (n.IsLent && !reclaimed.Contains(n.Name)) || lending.Contains(n.Name)).ToList();
        var result = ImmutableDictionary.CreateBuilder<string, DateTimeOffset>(StringComparer.Ordinal);
        switch (settings.Policy)
        {
            case MixingPolicyKind.Off:
                foreach (var n in lent)
                {
                    result[n.Name] = now + settings.ReclaimGrace;
                }

                return result.ToImmutable();

            case MixingPolicyKind.TimeWindow:
                var by = (InWindow(now, settings.WindowStart, settings.WindowEnd) ? NextWindowEnd(now, settings.WindowEnd) : now) + settings.ReclaimGrace;
                foreach (var n in lent)
                {
                    result[n.Name] = by;
                }

                return result.ToImmutable();
        }

        if (forecast.IsEmpty)
        {
            return result.ToImmutable();
        }

        var capAfter = cap
            + nodes.Where(n => reclaimed.Contains(n.Name)).Sum(n => n.Gpus)
            - nodes.Where(n => lending.Contains(n.Name)).Sum(n => n.Gpus);
        var shift = settings.ReclaimAhead ? settings.LookAheadHorizon : TimeSpan.Zero;
        var points = forecast.Where(p => p.At > now).OrderBy(p => p.At).ToList();
        foreach (var node in ReclaimOrder(settings, lent, now))
        {
            var hit = points.FirstOrDefault(p => BandRate(settings.BusiestDayReclaimTimes ? p.Busiest : p.DemandGpus, capAfter, minimum, settings.KeepRoomAboveMinimum) > settings.MaxRate);
            if (hit is null)
            {
                break; // more capacity only pushes the later nodes further out: none of them is forecast to go back
            }

            var at = hit.At - shift;
            result[node.Name] = (at > now ? at : now) + settings.ReclaimGrace;
            capAfter += node.Gpus;
        }

        return result.ToImmutable();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
