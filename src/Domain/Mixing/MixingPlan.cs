namespace WPAI.Domain.Mixing;

/// <summary>
/// The policy's answer for one tick: what it measured (online GPUs, demand, usage rate, forecast rate over the
/// look-ahead horizon when used), the handovers to start, and per lent node the time by which it is expected to be
/// reclaimed (look-ahead b; empty when that is off or nothing is forecast), with a one-line summary.
/// </summary>
public sealed record MixingPlan(
    int OnlineGpus,
    double DemandGpus,
    double UsageRate,
    double? ForecastRate,
    ImmutableArray<Handover> Handovers,
    ImmutableDictionary<string, DateTimeOffset> ReclaimBy,
    string Summary);
