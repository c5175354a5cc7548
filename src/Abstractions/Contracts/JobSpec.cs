using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A training job as submitted. <paramref name="GpuModels"/> lists the acceptable GPU models (pools) in order of
/// preference. <paramref name="Duration"/> is the expected run time (the simulated driver runs it that long).
/// <paramref name="Template"/> names a recurring job family for right-sizing; <paramref name="LongRunning"/> pins it to Fixed nodes.
/// What runs (agent and Kubernetes drivers): <paramref name="Command"/> is the argv (empty: nothing to run, the simulated
/// driver's kind of job), started in <paramref name="WorkingDirectory"/> (default: a fresh per-attempt directory) with
/// <paramref name="Environment"/> added; <paramref name="Image"/> is the container image for the Kubernetes driver.
/// A run that fails (non-zero exit, signal) is started again up to <paramref name="MaxRetries"/> times.
/// <paramref name="GracePeriod"/> is the time between SIGTERM and SIGKILL when the run is stopped (null: the node agent's default).
/// A <paramref name="Checkpointable"/> job is warned (a <c>reclaim-warning</c> event) when the lent node it runs on is
/// being taken back, and is not killed before <paramref name="CheckpointGrace"/> (null: 5 minutes) has passed since the
/// warning unless inference needs the node at once, so it can save a checkpoint.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.job-spec")]
public sealed record JobSpec(
    string JobId,
    string Department,
    ImmutableArray<string> GpuModels,
    int Gpus,
    int CpuMilli,
    long MemoryMib,
    TimeSpan Duration,
    string? Template = null,
    WorkloadProfile? Workload = null,
    bool LongRunning = false,
    ImmutableArray<string> Command = default,
    string? WorkingDirectory = null,
    ImmutableDictionary<string, string>? Environment = null,
    string? Image = null,
    int MaxRetries = 0,
    TimeSpan? GracePeriod = null,
    bool Checkpointable = false,
    TimeSpan? CheckpointGrace = null)
{
    public Resources Request => new(Gpus, CpuMilli, MemoryMib);

    /// <summary>True when the job names a command to run (the agent driver needs one).</summary>
    public bool HasCommand => !Command.IsDefaultOrEmpty;
}
