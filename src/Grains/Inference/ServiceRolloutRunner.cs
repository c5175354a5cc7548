using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;

namespace WPAI.Grains.Inference;

/// <summary>
/// Carries a service's model roll-out out on its persisted state, one replica at a time (surge 1): the steps come from
/// <see cref="ServiceRollout"/>; a surge replica that ends before it was ever ready stops the roll-out (the old replicas
/// keep serving and the service keeps its repository). Used inside the service grain's turn only.
/// </summary>
internal sealed class ServiceRolloutRunner(
    InferenceServiceState state, ServiceReplicas replicas, TimeProvider clock, Func<ScalingDecisionView, Task> recordAsync, Func<Task> writeAsync)
{
    /// <summary>Starts rolling <paramref name="modelRepository"/> out (validated by the caller) and takes the first steps.</summary>
    public async Task StartAsync(InferenceServiceSpec spec, string modelRepository)
    {
        state.RolloutTarget = modelRepository;
        var serving = new ReplicaSet(state.Replicas).Serving;
        await recordAsync(Decision(serving, serving, "Rollout", $"rolling out {modelRepository} (was {spec.ModelRepository}), one replica at a time (surge 1)"));
        await StepAsync();
    }

    /// <summary>
    /// A replica ended during the roll-out: a surge replica of the new repository that never became ready stops it;
    /// any other is replaced by the next step.
    /// </summary>
    public async Task ReplicaEndedAsync(InferenceServiceSpec spec, string target, ReplicaView lost, RunEnd end)
    {
        var failed = string.Equals(lost.ModelRepository, target, StringComparison.Ordinal) && lost.Phase != ReplicaPhase.Ready;
        if (failed)
        {
            state.RolloutTarget = null;
        }

        var left = new ReplicaSet(state.Replicas).Serving;
        await recordAsync(Decision(left + 1, left, failed ? "RolloutFailed" : "Replace",
            failed ? $"roll-out to {target} stopped: replica {lost.Id} on {lost.Node} never became ready: {end.Detail}; the {left} replicas of {spec.ModelRepository} keep serving"
                   : $"replica {lost.Id} on {lost.Node} ({lost.Phase}) ended during the roll-out: {end.Detail}"));
        if (!failed)
        {
            await StepAsync();
        }
    }

    /// <summary>Carries the roll-out forward as far as it can go now, persisting each step.</summary>
    public async Task StepAsync()
    {
        while (state.RolloutTarget is { } target && state.Spec is { } spec)
        {
            var step = ServiceRollout.Next(state.Replicas, state.DesiredReplicas, target);
            switch (step.Action)
            {
                case RolloutAction.Wait:
                    await writeAsync();
                    return;
                case RolloutAction.Done:
                    state.Spec = spec with { ModelRepository = target };
                    state.RolloutTarget = null;
                    await recordAsync(Decision(state.DesiredReplicas, state.DesiredReplicas, "Rollout", $"roll-out to {target} done: every replica serves it"));
                    return;
                case RolloutAction.Drain:
                    new ReplicaSet(state.Replicas).Drain(step.Replica!, clock.GetUtcNow(), $"replaced by the roll-out to {target}");
                    break;
                default:
                    if (!await replicas.AddAsync(spec, target))
                    {
                        state.RolloutTarget = null;
                        await recordAsync(Decision(state.DesiredReplicas, state.DesiredReplicas, "RolloutFailed", $"roll-out to {target} stopped: pool {spec.Pool} has no room for the surge replica"));
                        return;
                    }

                    break;
            }
        }
    }

    private ScalingDecisionView Decision(int from, int to, string action, string reason) =>
        ScalingDecisionView.WithoutMetric(clock.GetUtcNow(), from, to, action, reason);
}
