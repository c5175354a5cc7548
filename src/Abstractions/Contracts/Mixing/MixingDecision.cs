using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>
/// One step of a handover the controller took on a node: the mode it left, the mode it moved to, the handover's
/// target mode, why (with the usage rate it saw), the training jobs it killed (reclaim) and the replicas it moved (lend).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.mixing-decision")]
public sealed record MixingDecision(
    DateTimeOffset At,
    string Node,
    NodeMode From,
    NodeMode To,
    NodeMode Target,
    double UsageRate,
    string Reason,
    ImmutableArray<string> KilledJobs,
    ImmutableArray<string> MovedReplicas);
