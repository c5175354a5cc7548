using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>Measured usage samples of one run (oldest first).</summary>
[GenerateSerializer, Immutable, Alias("wpai.run-usage-report")]
public sealed record RunUsageReport(string JobId, int Attempt, ImmutableArray<UsageSample> Samples);
