using Prometheus;

namespace WPAI.Grains.Telemetry;

/// <summary>
/// The scheduler's event metrics, counted where the events happen: placements (by quota tier, and those that fell back
/// to a later GPU model), preemptions by reason, right-sized submits and the duration of scheduling passes. They live
/// in a Prometheus registry of this silo's own (prometheus-net, as the model server's metrics), which the silo host
/// serves on <c>/metrics</c> beside the cluster's state. Each silo counts what its own grain activations did, so a
/// cluster's total is the sum over its silos.
/// </summary>
public sealed class WpaiMetrics
{
    /// <summary>Preemption reason: an own-quota job needed the GPUs of a borrowed-tier job.</summary>
    public const string QuotaReason = "quota";

    /// <summary>Preemption reason: the job was killed because its lent node was taken back (or drained for removal).</summary>
    public const string ReclaimReason = "reclaim";

    private readonly Counter _placements;
    private readonly Counter _fallbacks;
    private readonly Counter _preemptions;
    private readonly Counter _rightSizings;
    private readonly Histogram _passDuration;

    public WpaiMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        _placements = factory.CreateCounter("wpai_placements_total", "Training jobs placed on a node, by pool and quota tier (own or borrowed).", "pool", "tier");
        _fallbacks = factory.CreateCounter("wpai_fallback_placements_total", "Placements in a pool that is not the job's first acceptable GPU model.", "pool");
        _preemptions = factory.CreateCounter("wpai_preemptions_total", "Running training jobs evicted and re-queued, by pool and reason (quota: an own-quota job needed the GPUs; reclaim: the lent node was taken back or drained).", "pool", "reason");
        _rightSizings = factory.CreateCounter("wpai_rightsizings_total", "Submitted jobs whose GPU or CPU request was right-sized from the measured usage of earlier runs of their template.", "department");
        _passDuration = factory.CreateHistogram("wpai_scheduling_pass_duration_seconds", "Duration of one scheduling pass of a pool (plan and carry out placements and preemptions).", ["pool"], new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16),
        });
    }

    /// <summary>The registry holding these metrics; the host adds the cluster's state and Orleans' meters to it.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public void Placed(Placement placement, bool fallback)
    {
        ArgumentNullException.ThrowIfNull(placement);
        _placements.WithLabels(placement.Pool, TierLabel(placement.Tier)).Inc();
        if (fallback)
        {
            _fallbacks.WithLabels(placement.Pool).Inc();
        }
    }

    public void Preempted(string pool, string reason) => _preemptions.WithLabels(pool, reason).Inc();

    public void RightSized(string department) => _rightSizings.WithLabels(department).Inc();

    public void PassCompleted(string pool, TimeSpan duration) => _passDuration.WithLabels(pool).Observe(duration.TotalSeconds);

    /// <summary>The <c>tier</c> label value of a quota tier: <c>own</c> or <c>borrowed</c>.</summary>
    public static string TierLabel(Tier tier) => tier == Tier.Own ? "own" : "borrowed";
}
