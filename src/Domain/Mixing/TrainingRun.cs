namespace WPAI.Domain.Mixing;

/// <summary>A training job running on a lent node, as the mixing policy sees it: its GPUs and since when it runs.</summary>
public sealed record TrainingRun(string JobId, int Gpus, DateTimeOffset Since);
