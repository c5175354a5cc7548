namespace WPAI.Inference.Metrics;

/// <summary>What one latency window saw.</summary>
public sealed record WindowSample(long Requests, long Errors, double P50Ms, double P95Ms, double P99Ms, double MeanQueueMs);
