using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Inference;

namespace WPAI.Grains.Inference;

/// <summary>
/// Carries out a service's evaluations on its persisted state: stops drained replicas, folds measured replica load
/// into the signals, steps a running roll-out, adopts a finished training, takes the rule's decision
/// (<see cref="ServiceScaling.Evaluate"/> on the <see cref="ServiceSignals"/>), reconciles the replicas to it through
/// <see cref="ServiceReplicas"/> and records it. A batch of reports is evaluated report by report, each as of its own
/// time. Used inside the service grain's turn only.
/// </summary>
internal sealed class ServiceEvaluationRunner(
    string service,
    InferenceServiceState state,
    ServiceSignals signals,
    ServiceScaling scaling,
    InferenceScalingOptions options,
    IReplicaLauncher launcher,
    Func<DateTimeOffset, ServiceReplicas> replicas,
    Func<ServiceRolloutRunner> rollout,
    Func<ScalingDecisionView, Task<ScalingDecisionView>> recordAsync,
    Action<string, int> noRoom)
{
    /// <summary>For each report: the replicas placed and ready at its time, then the report and the evaluation as of its time.</summary>
    public async Task<ImmutableArray<ServiceTick>> ReportAndEvaluateAsync(InferenceServiceSpec spec, ImmutableArray<ServiceMetrics> reports, DateTimeOffset now)
    {
        ServiceScaling.ValidateBatch(reports, now);
        var ticks = ImmutableArray.CreateBuilder<ServiceTick>(reports.Length);
        foreach (var report in reports)
        {
            var (placed, ready) = (state.Replicas.Count, scaling.Ready(report.At, launcher.RunsProcesses));
            signals.Add(report);
            ticks.Add(new ServiceTick(placed, ready, await EvaluateAsync(spec, report.At)));
        }

        return ticks.MoveToImmutable();
    }

    /// <summary>One evaluation as of <paramref name="now"/> (the clock's time, or a batched report's).</summary>
    public async Task<ScalingDecisionView> EvaluateAsync(InferenceServiceSpec spec, DateTimeOffset now)
    {
        await replicas(now).StopDrainedAsync(options.DrainTime);
        var set = new ReplicaSet(state.Replicas);
        if (launcher.RunsProcesses && set.Measured(now, options.LoadMaxAge, spec.ReplicaResources.CpuMilli) is { } measured)
        {
            signals.Add(measured);
        }

        var described = launcher.RunsProcesses ? ReplicaLoads.Describe(set.All, now, options.LoadMaxAge) : null;
        if (state.RolloutTarget is { } target)
        {
            await rollout().StepAsync();
            return ScalingDecisionView.WithoutMetric(now, set.Serving, state.DesiredReplicas, "Hold", $"roll-out to {target} in progress; measured: {described}");
        }

        await signals.AdoptAsync(now);
        var (outlook, reactiveBecause) = signals.Outlook(service, now, scaling.ManualHeld(now));
        var view = scaling.Evaluate(now, signals.Autoscaler, signals.Window, outlook, scaling.Ready(now, launcher.RunsProcesses), reactiveBecause, described);
        return await ApplyAsync(spec, view);
    }

    /// <summary>Runs the decided count (as far as the pool has room), records the decision and persists.</summary>
    public async Task<ScalingDecisionView> ApplyAsync(InferenceServiceSpec spec, ScalingDecisionView view)
    {
        await ReconcileAsync(spec, view.ToReplicas, view.At);
        return await recordAsync(scaling.Explain(view, view.At));
    }

    /// <summary>
    /// A replica ended on its own: during a roll-out the roll-out replaces it, a failed start is held back by the start
    /// back-off, otherwise the decided count is restored and the loss recorded.
    /// </summary>
    public async Task ReplicaLostAsync(InferenceServiceSpec spec, ReplicaView lost, RunEnd end, DateTimeOffset now)
    {
        var serving = scaling.Serving;
        if (state.RolloutTarget is { } target)
        {
            await rollout().ReplicaEndedAsync(spec, target, lost, end);
        }
        else if (ReplicaStartBackoff.IsFailedStart(lost))
        {
            await recordAsync(scaling.StartFailed(lost, end.Detail, now, options.StartBackoff, options.StartBackoffMax));
        }
        else
        {
            await ReconcileAsync(spec, state.DesiredReplicas, now);
            await recordAsync(scaling.Replaced(lost, end.Detail, serving, now));
        }
    }

    /// <summary>Places or releases replicas until <paramref name="desired"/> run (or the pool has no room, or starts are held after crashes).</summary>
    public async Task ReconcileAsync(InferenceServiceSpec spec, int desired, DateTimeOffset now)
    {
        if (await replicas(now).ReconcileAsync(spec, desired, holdStarts: scaling.StartsHeld(now)) is > 0 and var missing)
        {
            noRoom(spec.Pool, missing);
        }
    }
}
