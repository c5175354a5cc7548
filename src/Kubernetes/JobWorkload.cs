namespace WPAI.Kubernetes;

/// <summary>What a job's container runs: image, argv, environment, working directory, and the grace period of its deletion.</summary>
public sealed record JobWorkload(string? Image, ImmutableArray<string> Command, ImmutableDictionary<string, string> Environment, string? WorkingDirectory, TimeSpan? GracePeriod)
{
    public static JobWorkload From(JobSpec spec) =>
        new(spec.Image, spec.Command.IsDefault ? [] : spec.Command, spec.Environment ?? ImmutableDictionary<string, string>.Empty, spec.WorkingDirectory, spec.GracePeriod);
}
