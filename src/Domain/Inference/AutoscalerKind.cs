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

    /// <summary>
    /// Knative's Pod Autoscaler (<see cref="Scaling.KpaController"/>, its defaults) on the service's QPS: the stable value
    /// is the metric window's mean, the panic value the newest report (the shortest window the reports give), for comparison.
    /// </summary>
    Kpa = 4,

    /// <summary>Never scales by itself: the deployed count (or a manual scale) holds.</summary>
    Fixed = 3,
}
