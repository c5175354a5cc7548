using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Inference;

/// <summary>
/// A model roll-out, one replica at a time with a surge of one: start a replica of the new version, wait until it is
/// ready, drain one of the old, repeat. Pure: it reads the replicas and says the next step.
/// </summary>
public static class ServiceRollout
{
    /// <summary>The next step toward every serving replica running <paramref name="target"/> with <paramref name="desired"/> serving.</summary>
    public static RolloutStep Next(IReadOnlyList<ReplicaView> replicas, int desired, string target)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        var serving = replicas.Where(r => r.Phase != ReplicaPhase.Draining).ToList();
        var olds = serving.Where(r => !string.Equals(r.ModelRepository, target, StringComparison.Ordinal)).ToList();
        if (serving.Any(r => string.Equals(r.ModelRepository, target, StringComparison.Ordinal) && r.Phase != ReplicaPhase.Ready))
        {
            return new RolloutStep(RolloutAction.Wait, null);
        }

        if (olds.Count == 0)
        {
            return new RolloutStep(serving.Count < desired ? RolloutAction.Start : RolloutAction.Done, null);
        }

        if (serving.Count > desired)
        {
            var victim = olds.OrderBy(r => r.Phase == ReplicaPhase.Ready ? 1 : 0).ThenBy(r => r.StartedAt).First();
            return new RolloutStep(RolloutAction.Drain, victim.Id);
        }

        return new RolloutStep(RolloutAction.Start, null);
    }

    /// <summary>Throws <see cref="WpaiValidationException"/> unless a roll-out of <paramref name="spec"/> to <paramref name="repository"/> may start.</summary>
    public static void Validate(InferenceServiceSpec spec, string? repository, bool runsProcesses, string? rolling)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!runsProcesses)
        {
            throw new WpaiValidationException("--models", "this cluster's replicas are reservations only, not model servers", "Run the silo with --driver agent (node agents start the replicas) to roll out models.");
        }

        if (string.IsNullOrWhiteSpace(repository) || !Path.IsPathFullyQualified(repository))
        {
            throw new WpaiValidationException("--models", $"'{repository}' is not an absolute folder path", "Name the new model repository folder by its absolute path, as the nodes see it.");
        }

        if (rolling is not null)
        {
            throw new WpaiValidationException("--models", $"a roll-out to {rolling} is in progress", "Wait until it finishes or fails (wpai service show NAME), then update again.");
        }

        if (string.Equals(spec.ModelRepository, repository, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("--models", $"service {spec.Name} serves {repository} already", "Name a different model repository folder.");
        }
    }
}
