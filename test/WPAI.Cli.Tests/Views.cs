using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Cli.Tests;

/// <summary>Fixed API views for rendering and parsing tests.</summary>
internal static class Views
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 28, 20, 0, 0, TimeSpan.Zero);

    public static JobSpec Spec(string id = "resnet-1", string department = "research") => new(
        id,
        department,
        ["T4", "P40"],
        4,
        16000,
        65536,
        TimeSpan.FromHours(2),
        "resnet",
        null,
        false);

    public static JobView PendingJob(string? preemptedBy = null) => new(
        Spec(),
        JobStatus.Pending,
        new Resources(4, 16000, 65536),
        null,
        T0,
        TimeSpan.FromMinutes(12.5),
        preemptedBy is null ? 0 : 1,
        preemptedBy,
        "no T4 node has 4 free GPUs; P40 is full",
        null,
        [new JobEvent(T0, "Submitted", "queued in T4, P40")]);

    public static JobView RunningJob() => PendingJob() with
    {
        Status = JobStatus.Running,
        Placement = new Placement("t4-a", "T4", new Resources(4, 16000, 65536), Tier.Borrowed, T0.AddMinutes(13), 1),
        Attempts = 1,
        Explanation = "running on t4-a",
        EffectiveGpuUtilization = 0.4,
    };

    public static QueuedJobView Queued(string id = "resnet-1", int position = 2) =>
        new(id, "research", new Resources(4, 16000, 65536), position, 1012.5, Tier.Borrowed, TimeSpan.FromMinutes(12.5), "no node has 4 free GPUs");

    public static NodeView Node(string name = "t4-a", NodeMode mode = NodeMode.Fixed, NodeMode? target = null) => new(
        new NodeSpec(name, "T4", 4, 32000, 262144),
        mode,
        target,
        new Resources(2, 8000, 65536),
        new Resources(2, 24000, 196608),
        [new NodeAllocation("resnet-0", AllocationKind.TrainingJob, new Resources(2, 8000, 65536), T0)],
        [],
        3);

    public static DepartmentView Department(string name = "research") => new(
        name,
        ImmutableDictionary<string, int>.Empty.Add("T4", 8).Add("P40", 4),
        ImmutableDictionary<string, PoolUsage>.Empty.Add("T4", new PoolUsage(4, 2)),
        [new RunningAllocation("resnet-0", "T4", "t4-a", new Resources(2, 8000, 65536), Tier.Own, T0)],
        0.9,
        ImmutableDictionary<string, int>.Empty.Add("T4", 6));

    public static PoolView Pool(string pool = "T4", params QueuedJobView[] queue) => new(
        pool,
        2,
        new Resources(8, 64000, 524288),
        new Resources(2, 40000, 393216),
        [.. queue],
        ImmutableDictionary<string, int>.Empty.Add("research", 8),
        ImmutableDictionary<string, PoolUsage>.Empty.Add("research", new PoolUsage(4, 2)),
        10,
        1);

    public static MixingView Mixing(string pool = "T4") => new(
        pool,
        MixingSettings.Default,
        new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero),
        16,
        4,
        0,
        0.25,
        null,
        ["t4-c"],
        [],
        3,
        2,
        1,
        [
            new MixingDecision(new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero), "t4-c", NodeMode.Unnormal, NodeMode.OfflineNormal, NodeMode.OfflineNormal, 0.25, "usage 0.25 below min 0.30", [], ["svc/replica-1 → svc/replica-4@t4-a"]),
            new MixingDecision(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), "t4-d", NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal, 0.85, "usage 0.85 above max 0.80", ["train-7"], []),
        ]);
}
