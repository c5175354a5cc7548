namespace WPAI.Domain.Mixing;

/// <summary>
/// One node of the pool as the mixing policy sees it: its mode (and target while Unnormal), its GPUs, the GPUs its
/// inference replicas hold, the training jobs it runs, and when its mode last changed (for the minimum dwell).
/// </summary>
public sealed record MixingNode(
    string Name,
    NodeMode Mode,
    NodeMode? Target,
    int Gpus,
    int ReplicaGpus,
    ImmutableArray<TrainingRun> Jobs,
    DateTimeOffset? LastChange)
{
    /// <summary>Online capacity: OnlineNormal, or draining towards it.</summary>
    public bool IsOnline => Mode == NodeMode.OnlineNormal || (Mode == NodeMode.Unnormal && Target == NodeMode.OnlineNormal);

    /// <summary>Lent to training: OfflineNormal, or draining towards it.</summary>
    public bool IsLent => Mode == NodeMode.OfflineNormal || (Mode == NodeMode.Unnormal && Target == NodeMode.OfflineNormal);

    /// <summary>GPUs that neither its replicas nor its training jobs hold (negative when they hold more than it has).</summary>
    public int UnheldGpus => Gpus - ReplicaGpus - (Jobs.IsDefaultOrEmpty ? 0 : Jobs.Sum(j => j.Gpus));

    /// <summary>
    /// The work a reclaim would throw away: Σ elapsed run time × GPUs of the training jobs here, in GPU-hours.
    /// </summary>
    public double LostWork(DateTimeOffset now) =>
        Jobs.IsDefaultOrEmpty ? 0 : Jobs.Sum(j => Math.Max(0, (now - j.Since).TotalHours) * j.Gpus);

    /// <summary>
    /// When the node is expected to be free of training: the latest expected end of its jobs (<paramref name="now"/> when it
    /// runs none; <see cref="DateTimeOffset.MaxValue"/> when a job's end is not known).
    /// </summary>
    public DateTimeOffset FreeAt(DateTimeOffset now) =>
        Jobs.IsDefaultOrEmpty ? now : Jobs.Max(j => j.ExpectedEnd is { } end ? (end > now ? end : now) : DateTimeOffset.MaxValue);
}
