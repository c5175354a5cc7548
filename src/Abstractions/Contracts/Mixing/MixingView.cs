using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>
/// A pool's mixing controller as the API shows it: its settings, what it measured on its last tick (online GPUs,
/// inference demand in GPUs, pending replicas, usage rate and the forecast rate when look-ahead is on), the nodes
/// it has lent and the handovers in progress, counters since it was configured, and its newest decisions first.
/// <paramref name="Summary"/> is the last tick's verdict in words (empty before the first tick). <paramref name="Unit"/> is
/// what the amounts named GPUs count: "GPUs", or "CPU cores" in a pool none of whose nodes has a GPU.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.mixing-view")]
public sealed record MixingView(
    string Pool,
    MixingSettings Settings,
    DateTimeOffset? LastTick,
    int OnlineGpus,
    double DemandGpus,
    int PendingReplicas,
    double UsageRate,
    double? ForecastRate,
    ImmutableArray<string> LentNodes,
    ImmutableArray<string> Draining,
    long Lent,
    long Reclaimed,
    long Kills,
    ImmutableArray<MixingDecision> Decisions,
    string Summary = "",
    string Unit = "GPUs");
