using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Validation;

namespace WPAI.Domain.Scaling;

/// <summary>Checks an inference service spec; each failure names the field, the reason and the fix.</summary>
public static class InferenceServiceSpecs
{
    /// <summary>The QPS target per replica: the spec's, else 70 % of the replica's capacity.</summary>
    public static double QpsTarget(InferenceServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Targets.TryGetValue(ScalingMetric.QpsPerReplica, out var t) ? t : 0.7 * spec.CapacityQps;
    }

    /// <summary>Throws <see cref="WpaiValidationException"/> unless <paramref name="spec"/> may be deployed under <paramref name="key"/> over the current spec.</summary>
    public static void ValidateDeploy(InferenceServiceSpec spec, string key, InferenceServiceSpec? current, int placedReplicas)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.Equals(spec.Name, key, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("spec.name", $"'{spec.Name}' does not match the service grain key '{key}'", "Deploy a service under its own name.");
        }

        if (current is { } old && old.Pool != spec.Pool && placedReplicas > 0)
        {
            throw new WpaiValidationException("spec.pool", $"service '{key}' runs replicas in pool '{old.Pool}'", "Delete the service before moving it to another pool.");
        }
    }

    /// <summary>Throws <see cref="WpaiValidationException"/> unless a manual scale to <paramref name="replicas"/> with <paramref name="reason"/> is allowed.</summary>
    public static void ValidateManualScale(InferenceServiceSpec spec, int replicas, string? reason)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new WpaiValidationException("reason", "must not be empty", "Say why the service is scaled by hand; it is recorded with the decision.");
        }

        if (replicas < spec.MinReplicas || replicas > spec.MaxReplicas)
        {
            throw new WpaiValidationException("replicas", $"{replicas} is outside [{spec.MinReplicas}, {spec.MaxReplicas}]", "Pick a count within the spec's bounds or redeploy with other bounds.");
        }
    }

    /// <summary>
    /// Throws <see cref="WpaiValidationException"/> unless the spec is sound. <paramref name="knownPools"/> are the
    /// pools that have nodes; null skips that check.
    /// </summary>
    public static void Validate(InferenceServiceSpec? spec, IReadOnlyCollection<string>? knownPools)
    {
        if (spec is null)
        {
            throw new WpaiValidationException("spec", "is missing", "Send a service spec.");
        }

        WPAI.Domain.Validation.Validate.Id(spec.Name, "spec.name");
        if (string.IsNullOrWhiteSpace(spec.Model))
        {
            throw new WpaiValidationException("spec.model", "must not be empty", "Name the model the replicas serve.");
        }

        WPAI.Domain.Validation.Validate.Pool(spec.Pool, "spec.pool");
        if (knownPools is not null && !knownPools.Contains(spec.Pool))
        {
            throw new WpaiValidationException(
                "spec.pool",
                $"unknown pool '{spec.Pool}'",
                knownPools.Count == 0 ? "Register nodes first: a pool exists once it has a node." : $"Use one of: {string.Join(", ", knownPools.Order(StringComparer.Ordinal))}.");
        }

        if (spec.ReplicaResources is null || !spec.ReplicaResources.IsNonNegative || spec.ReplicaResources == Resources.None)
        {
            throw new WpaiValidationException("spec.replicaResources", $"must be non-negative and not all zero ({spec.ReplicaResources})", "Give each replica the GPUs, CPU and memory it needs.");
        }

        if (spec.ModelRepository is { } models && (string.IsNullOrWhiteSpace(models) || !Path.IsPathFullyQualified(models)))
        {
            throw new WpaiValidationException("spec.modelRepository", $"'{models}' is not an absolute folder path", "Name the model repository folder by its absolute path, as the nodes see it (wpai service deploy … --models DIR).");
        }

        if (!(spec.CapacityQps > 0) || !double.IsFinite(spec.CapacityQps))
        {
            throw new WpaiValidationException("spec.capacityQps", $"must be a positive number, not {spec.CapacityQps}", "Give the QPS one replica serves at its SLO (measure it with the model server's benchmark).");
        }

        if (spec.MinReplicas < 0)
        {
            throw new WpaiValidationException("spec.minReplicas", $"must not be negative ({spec.MinReplicas})", "Use 0 or more.");
        }

        if (spec.MaxReplicas < 1 || spec.MinReplicas > spec.MaxReplicas)
        {
            throw new WpaiValidationException(
                "spec.maxReplicas",
                $"min replicas {spec.MinReplicas} > max replicas {spec.MaxReplicas} (or max < 1)",
                "Set 1 <= maxReplicas and minReplicas <= maxReplicas.");
        }

        foreach (var (metric, target) in spec.Targets ?? [])
        {
            if (!Enum.IsDefined(metric))
            {
                throw new WpaiValidationException("spec.targets", $"unknown metric {(int)metric}", $"Use {string.Join(", ", Enum.GetNames<ScalingMetric>())}.");
            }

            if (!(target > 0) || !double.IsFinite(target))
            {
                throw new WpaiValidationException($"spec.targets.{metric}", $"must be a positive number, not {target}", "Give the value each replica should run at (e.g. 0.7 for 70 % CPU).");
            }

            if (metric is ScalingMetric.Cpu or ScalingMetric.Gpu or ScalingMetric.Memory && target > 1)
            {
                throw new WpaiValidationException($"spec.targets.{metric}", $"a utilization target is a fraction, not {target}", "Use a value in (0, 1], e.g. 0.7.");
            }
        }

        if (spec.LatencySloP99 <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("spec.latencySloP99", $"must be positive, not {spec.LatencySloP99}", "Give the p99 latency the service promises, e.g. 200 ms.");
        }

        if (!(spec.ErrorRateSlo is > 0 and < 1))
        {
            throw new WpaiValidationException("spec.errorRateSlo", $"must be in (0, 1), not {spec.ErrorRateSlo}", "Give the tolerated failure fraction, e.g. 0.01.");
        }
    }
}
