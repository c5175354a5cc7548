namespace WPAI.Simulation.Mixing;

/// <summary>
/// The fleet at one tick: lent nodes (OfflineNormal or draining toward it, as the controllers report), the services' demand in
/// GPUs (QPS / target QPS per replica), the GPUs of nodes serving inference, the QPS asked and the QPS the ready replicas serve,
/// the GPUs training jobs hold, and the GPUs inference replicas hold (placed, ready or not).
/// </summary>
public sealed record MixingSample(TimeSpan At, int LentNodes, double DemandGpus, int OnlineGpus, double Qps, double ServedQps, int TrainingGpus, int InferenceGpus = 0);
