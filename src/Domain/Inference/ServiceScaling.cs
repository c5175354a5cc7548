using System.Globalization;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Common;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Inference;

/// <summary>
/// The scaling rules of one inference service over its <see cref="IServiceRecord"/>, pure (time comes in as an
/// argument): deploy (the count to run and whether a new repository rolls out), an evaluation (manual hold, ready
/// replicas, the rule of <see cref="ServiceAutoscaler"/> on the metric window and the forecast, the stabilization
/// window kept), a manual scale, the crash-loop back-off bookkeeping of failed replica starts, the explanation of a
/// count the pool could not fully run, and the bounded decision history. The grain carries out the replica changes.
/// </summary>
public sealed class ServiceScaling(IServiceRecord record, TimeSpan replicaStartup, int maxDecisions)
{
    private IServiceRecord R => record;

    /// <summary>True while a crash-loop back-off holds new replica starts.</summary>
    public bool StartsHeld(DateTimeOffset now) => R.StartsHeldUntil is { } until && now < until;

    /// <summary>True while a manual scale holds against the autoscaler.</summary>
    public bool ManualHeld(DateTimeOffset now) => R.ManualUntil is { } until && now < until;

    /// <summary>Replicas that serve (not draining).</summary>
    public int Serving => new ReplicaSet(R.Replicas).Serving;

    /// <summary>
    /// Replicas ready at <paramref name="now"/>: those whose process reported ready when replicas run as processes,
    /// otherwise those placed at least the start-up delay ago (the HPA's not-ready pods are the younger ones).
    /// </summary>
    public int Ready(DateTimeOffset now, bool runsProcesses)
    {
        if (runsProcesses)
        {
            return new ReplicaSet(R.Replicas).Ready;
        }

        var ready = 0;
        foreach (var r in R.Replicas)
        {
            if (r.StartedAt + replicaStartup <= now)
            {
                ready++;
            }
        }

        return ready;
    }

    /// <summary>
    /// Takes a (validated) spec: the count to run and, when a running service gets a new model repository, the
    /// repository to roll out to (the spec keeps the old one until the roll-out moves it).
    /// </summary>
    public (int Desired, string? RollTo, ScalingDecisionView View) Deploy(InferenceServiceSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var from = R.Replicas.Count;
        var rollTo = R.Spec?.ModelRepository is { } old && spec.ModelRepository is { } next && old != next && R.Replicas.Count > 0 && R.RolloutTarget is null ? next : null;
        R.Spec = rollTo is null ? spec : spec with { ModelRepository = R.Spec!.ModelRepository };
        var desired = Math.Clamp(Math.Max(R.DesiredReplicas, spec.MinReplicas), spec.MinReplicas, spec.MaxReplicas);
        return (desired, rollTo, ScalingDecisionView.WithoutMetric(now, from, desired, "Deploy", string.Create(CultureInfo.InvariantCulture,
            $"deployed model {spec.Model} in pool {spec.Pool}: {desired} replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]")));
    }

    /// <summary>
    /// One evaluation at <paramref name="now"/>: the rule's decision (or the manual hold) on the window and
    /// <paramref name="outlook"/>, keeping its stabilization window. <paramref name="reactiveBecause"/> says why a
    /// predictive rule has no forecast; <paramref name="measured"/> is appended to the reason when replicas measure load.
    /// </summary>
    public ScalingDecisionView Evaluate(DateTimeOffset now, ServiceAutoscaler autoscaler, MetricWindow window, LoadOutlook? outlook, int ready, string? reactiveBecause, string? measured)
    {
        ArgumentNullException.ThrowIfNull(autoscaler);
        var spec = R.Spec ?? throw new InvalidOperationException("the service has no spec");
        var recent = R.Recommendations.Select(kv => new Recommendation(kv.Key, kv.Value)).ToImmutableList();
        (var view, recent) = autoscaler.Decide(now, R.ManualUntil, spec, R.DesiredReplicas, Serving, ready, window, outlook, reactiveBecause, recent);
        R.Recommendations = [.. recent.Select(r => new KeyValuePair<DateTimeOffset, int>(r.At, r.Replicas))];
        return measured is null ? view : view with { Reason = $"{view.Reason}; measured: {measured}" };
    }

    /// <summary>A manual scale: holds the autoscaler until <paramref name="now"/> + <paramref name="hold"/> and clears its window.</summary>
    public ScalingDecisionView Manual(DateTimeOffset now, int replicas, string reason, TimeSpan hold)
    {
        R.ManualUntil = now + hold;
        R.Recommendations = [];
        return ScalingDecisionView.WithoutMetric(now, Serving, replicas, "Manual", $"manual: {reason}");
    }

    /// <summary>The decision with a note when fewer replicas serve than it decided (starts held, or no room in the pool).</summary>
    public ScalingDecisionView Explain(ScalingDecisionView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        var serving = Serving;
        if (serving == view.ToReplicas)
        {
            return view;
        }

        return view with
        {
            Reason = StartsHeld(now) ? $"{view.Reason}; only {serving} running: starts held until {R.StartsHeldUntil:O} after {R.FailedStarts} failed starts"
                : $"{view.Reason}; only {serving} placed: pool {R.Spec?.Pool} has no room for more",
        };
    }

    /// <summary>
    /// A replica that ended before it ever served (a crash at start): the next start waits, longer after each failure
    /// in a row, instead of crash-looping. Returns the decision to record.
    /// </summary>
    public ScalingDecisionView StartFailed(ReplicaView lost, string detail, DateTimeOffset now, TimeSpan initial, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var serving = Serving;
        R.FailedStarts++;
        var wait = ReplicaStartBackoff.Delay(R.FailedStarts, initial, max);
        R.StartsHeldUntil = now + wait;
        R.LastFailedStart = $"replica {lost.Id} on {lost.Node}: {detail}";
        return ScalingDecisionView.WithoutMetric(now, serving + 1, serving, "Backoff", string.Create(CultureInfo.InvariantCulture,
            $"replica {lost.Id} on {lost.Node} failed to start ({R.FailedStarts} in a row): {detail}; the next start waits {wait.TotalSeconds:0} s"));
    }

    /// <summary>A replica turned ready: the series of failed starts ends.</summary>
    public void StartSucceeded()
    {
        R.FailedStarts = 0;
        R.StartsHeldUntil = null;
        R.LastFailedStart = null;
    }

    /// <summary>The decision after a replica that served ended and the grain tried to replace it (<paramref name="servingBefore"/> served before the replacement).</summary>
    public ScalingDecisionView Replaced(ReplicaView lost, string detail, int servingBefore, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var replacement = R.Replicas.Count > 0 ? R.Replicas[^1] : null;
        var how = Serving > servingBefore ? $"replaced by {replacement!.Id} on {replacement.Node}" : "no room to replace it";
        return ScalingDecisionView.WithoutMetric(now, servingBefore + 1, Serving, "Replace", $"replica {lost.Id} on {lost.Node} ({lost.Phase}, pid {lost.Pid}) ended: {detail}; {how}");
    }

    /// <summary>Adds a decision to the bounded history (newest first) and bumps the version.</summary>
    public void Record(ScalingDecisionView view)
    {
        BoundedList.AddNewestFirst(R.Decisions, view, maxDecisions);
        R.Version++;
    }

    /// <summary>A node agent started a replica's model server; false when the replica is not this service's.</summary>
    public bool Started(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        return new ReplicaSet(R.Replicas).Started(started.JobId, started.Pid, started.Url, started.GrpcUrl);
    }

    /// <summary>A node agent probed a replica; a replica that turned ready ends a series of failed starts. False when nothing changed.</summary>
    public bool Probed(ReplicaProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!new ReplicaSet(R.Replicas).Probed(probe.JobId, probe.Ready, probe.Load))
        {
            return false;
        }

        StartSucceeded();
        return true;
    }

    /// <summary>The service as <c>wpai service show</c> shows it.</summary>
    public InferenceServiceView View(ServiceMetrics? latest, ForecasterView forecaster, string? url, DateTimeOffset now) =>
        new(R.Spec!, R.DesiredReplicas, [.. R.Replicas], Math.Max(0, R.DesiredReplicas - Serving), latest, forecaster, [.. R.Decisions], R.Version, url, R.RolloutTarget, Backoff(now));

    /// <summary>What <c>wpai service show</c> says about failed starts; null when there are none.</summary>
    public string? Backoff(DateTimeOffset now) => ReplicaStartBackoff.Describe(R.FailedStarts, R.StartsHeldUntil, R.LastFailedStart, now);

    /// <summary>Checks a batch of reports: oldest first, none later than <paramref name="now"/>.</summary>
    public static void ValidateBatch(IReadOnlyList<ServiceMetrics> reports, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reports);
        for (var i = 0; i < reports.Count; i++)
        {
            if (reports[i] is null || reports[i].At > now || (i > 0 && reports[i].At < reports[i - 1].At))
            {
                throw new WpaiValidationException($"reports[{i}]", "reports must be oldest first and none later than the service's clock", "Send reports in time order, each once it has happened.");
            }
        }
    }
}
