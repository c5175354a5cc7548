using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Grains.Mixing;

/// <summary>
/// Persisted state of a pool's mixing controller: its settings, counters, what it measured on its last tick, and its
/// newest decisions. Handovers in progress are not kept here: the nodes hold them (Unnormal with a target), so a
/// restart resumes from the node views.
/// </summary>
[GenerateSerializer, Alias("wpai.state.mixing-controller")]
public sealed class MixingControllerState
{
    /// <summary>Null until the controller is configured.</summary>
    [Id(0)]
    public MixingSettings? Settings { get; set; }

    [Id(1)]
    public DateTimeOffset? LastTick { get; set; }

    [Id(2)]
    public int OnlineGpus { get; set; }

    [Id(3)]
    public double DemandGpus { get; set; }

    /// <summary>What the amounts count, as of the last tick: "GPUs" or "CPU cores".</summary>
    [Id(14)]
    public string Unit { get; set; } = "GPUs";

    [Id(4)]
    public int PendingReplicas { get; set; }

    [Id(5)]
    public double UsageRate { get; set; }

    [Id(6)]
    public double? ForecastRate { get; set; }

    [Id(7)]
    public List<string> LentNodes { get; set; } = [];

    [Id(8)]
    public List<string> Draining { get; set; } = [];

    [Id(9)]
    public long Lent { get; set; }

    [Id(10)]
    public long Reclaimed { get; set; }

    [Id(11)]
    public long Kills { get; set; }

    /// <summary>Newest first, bounded.</summary>
    [Id(12)]
    public List<MixingDecision> Decisions { get; set; } = [];

    [Id(13)]
    public string Summary { get; set; } = string.Empty;
}
