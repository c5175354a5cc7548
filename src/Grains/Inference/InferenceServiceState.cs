using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Grains.Inference;

/// <summary>Persisted state of an inference service grain.</summary>
[GenerateSerializer, Alias("wpai.state.inference-service")]
public sealed class InferenceServiceState : WPAI.Domain.Inference.IServiceRecord
{
    [Id(0)]
    public InferenceServiceSpec? Spec { get; set; }

    [Id(1)]
    public List<ReplicaView> Replicas { get; set; } = [];

    [Id(2)]
    public int DesiredReplicas { get; set; }

    [Id(3)]
    public long NextReplica { get; set; }

    /// <summary>Stabilization window: recent recommendations (time, replicas).</summary>
    [Id(4)]
    public List<KeyValuePair<DateTimeOffset, int>> Recommendations { get; set; } = [];

    /// <summary>Newest first.</summary>
    [Id(5)]
    public List<ScalingDecisionView> Decisions { get; set; } = [];

    /// <summary>Per-minute total QPS, the forecaster's training history; <see cref="HistoryStart"/> is its first minute.</summary>
    [Id(6)]
    public List<double> History { get; set; } = [];

    [Id(7)]
    public DateTimeOffset? HistoryStart { get; set; }

    [Id(8)]
    public byte[]? ForecastModel { get; set; }

    [Id(9)]
    public ForecasterView Forecaster { get; set; } = new(false, null, 0, null, null, null, "no model yet");

    [Id(10)]
    public DateTimeOffset? ManualUntil { get; set; }

    [Id(11)]
    public long Version { get; set; }

    /// <summary>Realized (forecast, actual) QPS pairs for the online error (newest last, bounded).</summary>
    [Id(12)]
    public List<KeyValuePair<double, double>> Realized { get; set; } = [];

    /// <summary>The model repository a roll-out is moving the replicas to; null when none is in progress.</summary>
    [Id(13)]
    public string? RolloutTarget { get; set; }

    /// <summary>Replicas that ended before they were ever ready, in a row (<see cref="WPAI.Domain.Inference.ReplicaStartBackoff"/>).</summary>
    [Id(14)]
    public int FailedStarts { get; set; }

    /// <summary>No new replica starts before this time (crash-loop back-off); null: none held.</summary>
    [Id(15)]
    public DateTimeOffset? StartsHeldUntil { get; set; }

    /// <summary>Why the last failed start failed (its end, with the log tail).</summary>
    [Id(16)]
    public string? LastFailedStart { get; set; }
}
