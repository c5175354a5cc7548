using WPAI.Abstractions.Contracts;

namespace WPAI.Client;

/// <summary>A pending job's entry in one pool's queue, with the length of that queue.</summary>
public sealed record JobQueuePosition(string Pool, int QueueLength, QueuedJobView Entry);
