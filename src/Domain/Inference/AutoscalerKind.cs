namespace WPAI.Domain.Inference;

/// <summary>Which rule scales an inference service (<c>Wpai:Inference:Policy</c>).</summary>
public enum AutoscalerKind
{
    /// <summary>WPAI's policy on max(observed, forecast) per metric (reactive while no forecaster is trained); the default.</summary>
    Predictive = 0,

    /// <summary>WPAI's policy on observations only.</summary>
    Reactive = 1,

    /// <summary>The Kubernetes HPA's replica calculation on QPS per replica (<see cref="Scaling.HpaController"/>), for comparison.</summary>
    Hpa = 2,

    /// <summary>Never scales by itself: the deployed count (or a manual scale) holds.</summary>
    Fixed = 3,
}
