using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;

namespace WPAI.Client;

/// <summary>A job and, while it is pending, where it stands in the queue of each pool it accepts.</summary>
public sealed record JobDetails(JobView Job, ImmutableArray<JobQueuePosition> Queue);
