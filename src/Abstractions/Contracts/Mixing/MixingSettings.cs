namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>
/// The settings of one pool's mixing controller. The online usage rate is inference demand / online capacity.
/// <paramref name="ReclaimAhead"/> reclaims before a forecast peak (look-ahead a); <paramref name="AvoidDoomedPlacement"/>
/// keeps a short job off a lent node forecast to be reclaimed before the job's expected end (look-ahead b).
/// <paramref name="TickInterval"/> is how often the controller runs by itself; zero means only on
/// <see cref="Grains.IMixingControllerGrain.TickAsync"/> (the simulation drives it that way).
/// <paramref name="ReclaimGrace"/> is how long a node being taken back drains before its training jobs are killed: nothing
/// new lands on it, jobs that end within the grace are not killed; pending replicas, or demand above the remaining online
/// capacity, end the grace at once. Zero kills on the spot.
/// <paramref name="LendOnValley"/> lends when the forecast over <paramref name="ValleyHorizon"/> keeps the usage after
/// lending under the band's midpoint, not only below <c>MinRate</c>; <paramref name="ReclaimSoonestEnding"/> takes back the
/// lent nodes whose training jobs are expected to end soonest first (instead of least work lost);
/// <paramref name="DrainOnForecast"/> lets a node being taken back drain until the forecast says inference needs it
/// (instead of for <paramref name="ReclaimGrace"/>), and kills only then. <paramref name="LendToForecast"/> sizes the online
/// part to the forecast: it keeps online only the nodes the forecast peak over <paramref name="ValleyHorizon"/> needs at
/// <paramref name="LendTargetRate"/> and lends the rest, whatever the current rate (a whole-machine tidal handover).
/// <paramref name="KillOnlyForRoom"/> makes a reclaim urgent (kill at once) only while the pending replicas find no room on
/// the free GPUs of the serving nodes or the demand exceeds those nodes' GPUs, node by node in reclaim order, so the nodes not
/// needed for that drain instead; <paramref name="PlaceOnReclaim"/> has the pool's services place their pending replicas
/// in the same tick as a node comes back to serving, instead of at their next evaluation.
/// <paramref name="BusiestDayReclaimTimes"/> gives lent nodes their expected reclaim times (look-ahead b, which the run-time
/// matching reads) from the busiest of the recent days at each time of day instead of their mean, so a day busier than the
/// mean takes back nodes whose jobs were placed to end before it; lending and reclaiming themselves stay on the mean.
/// <paramref name="ReclaimFewestKills"/>: a reclaim that must kill at once (inference has no room without it) takes back the
/// lent nodes with the fewest training runs first, then least work lost, instead of the usual reclaim order.
/// <paramref name="BandAboveMinimum"/> (Threshold only): the usage rate that lending, forecast sizing, reclaiming and the
/// expected reclaim times read is the demand above the services' minimum replicas over the online capacity left once those
/// minimum replicas have their GPUs; a replica held only because the service may not go below its minimum is not load. The
/// minimum replicas must still fit on the nodes kept online. The usage reported stays demand / online capacity.
/// <paramref name="KeepRoomAboveMinimum"/> (with <paramref name="BandAboveMinimum"/> only): no room above the minimum
/// replicas counts as full, so a pool is never lent down to exactly its minimum and one lent down to it is taken back; with
/// it off, a pool whose services ask for nothing above their minimum may be lent down to the nodes that hold it. Added after
/// <paramref name="BandAboveMinimum"/> so that settings stored before it read back unchanged (off).
/// <paramref name="LendMoreWhileLentFull"/> (with <paramref name="LendToForecast"/>): while nodes are lent and none of them has
/// a GPU free for training (the lent room is full, so training waits for more), forecast-sized lending sizes the online part
/// to <c>MaxRate</c> instead of <paramref name="LendTargetRate"/>: it lends more where the lent room is used, and no more where
/// it idles. Added last so that settings stored before it read back unchanged (off).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.mixing-settings")]
public sealed record MixingSettings(
    MixingPolicyKind Policy,
    double MinRate,
    double MaxRate,
    TimeSpan MinDwell,
    bool ReclaimAhead,
    bool AvoidDoomedPlacement,
    TimeSpan LookAheadHorizon,
    TimeOnly WindowStart,
    TimeOnly WindowEnd,
    TimeSpan TickInterval,
    TimeSpan ReclaimGrace = default,
    bool LendOnValley = false,
    TimeSpan ValleyHorizon = default,
    bool ReclaimSoonestEnding = false,
    bool DrainOnForecast = false,
    bool LendToForecast = false,
    double LendTargetRate = 0,
    bool KillOnlyForRoom = false,
    bool PlaceOnReclaim = false,
    bool BusiestDayReclaimTimes = false,
    bool ReclaimFewestKills = false,
    bool BandAboveMinimum = false,
    bool KeepRoomAboveMinimum = false,
    bool LendMoreWhileLentFull = false)
{
    /// <summary>
    /// The defaults: threshold policy with the band [0.3, 0.8], 30 minutes' dwell, no look-ahead, ticking every minute,
    /// 30 minutes' grace for the jobs of a node being taken back; valley lending, soonest-ending reclaims and forecast
    /// drains off (a 3-hour valley horizon when valley lending is turned on); forecast-sized lending off (target rate 0.7,
    /// <c>MaxRate</c> less 0.1, when turned on); kills only for room and placing on reclaim off; reclaim times on the
    /// mean forecast; reclaims that kill at once in the usual reclaim order; the band read on the whole demand, minimum
    /// replicas included (and so no room kept above them).
    /// </summary>
    public static MixingSettings Default { get; } = new(
        MixingPolicyKind.Threshold,
        MinRate: 0.3,
        MaxRate: 0.8,
        MinDwell: TimeSpan.FromMinutes(30),
        ReclaimAhead: false,
        AvoidDoomedPlacement: false,
        LookAheadHorizon: TimeSpan.FromMinutes(60),
        WindowStart: new TimeOnly(0, 0),
        WindowEnd: new TimeOnly(8, 0),
        TickInterval: TimeSpan.FromMinutes(1),
        ReclaimGrace: TimeSpan.FromMinutes(30),
        ValleyHorizon: TimeSpan.FromHours(3),
        LendTargetRate: 0.7);
}
