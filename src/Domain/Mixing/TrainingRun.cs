namespace WPAI.Domain.Mixing;

/// <summary>
/// A training job running on a lent node, as the mixing policy sees it: its GPUs, since when it runs, and when it is
/// expected to end (start + its declared duration; null when not known).
/// </summary>
public sealed record TrainingRun(string JobId, int Gpus, DateTimeOffset Since, DateTimeOffset? ExpectedEnd = null);
