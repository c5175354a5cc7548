using System.Globalization;

namespace WPAI.Kubernetes;

/// <summary>
/// The pod of one attempt of a job (pure): bound to WPAI's node (<c>spec.nodeName</c>, so the default scheduler is
/// bypassed), <c>nvidia.com/gpu</c> limits equal to the GPUs, CPU and memory requests and limits from the placement's
/// (right-sized) resources, WPAI's labels and owner annotation, never restarted by the kubelet (WPAI decides).
/// </summary>
public static class JobPodTemplate
{
    public const string ContainerName = "job";

    public static V1Pod Build(JobSpec spec, Placement placement, KubernetesDriverOptions options)
    {
        var workload = JobWorkload.From(spec);
        var image = workload.Image ?? options.DefaultImage
            ?? throw new WpaiValidationException("spec.image", $"job '{spec.JobId}' names no container image and the Kubernetes driver has no default", $"Submit it with an image, or set {KubernetesDriverOptions.SectionName}:DefaultImage.");
        var grace = workload.GracePeriod ?? options.DefaultGracePeriod;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = JobPodName.For(spec.JobId, placement.Attempt).Value,
                NamespaceProperty = options.Namespace,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [KubernetesNames.ManagedBy] = KubernetesNames.ManagedByValue,
                    [KubernetesNames.JobLabel] = KubernetesNames.ToLabelValue(spec.JobId),
                    [KubernetesNames.AttemptLabel] = placement.Attempt.ToString(CultureInfo.InvariantCulture),
                    [KubernetesNames.DepartmentLabel] = KubernetesNames.ToLabelValue(spec.Department),
                },
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [KubernetesNames.OwnerAnnotation] = options.Owner,
                    [KubernetesNames.JobIdAnnotation] = spec.JobId,
                    [KubernetesNames.PoolLabel] = placement.Pool,
                },
            },
            Spec = new V1PodSpec
            {
                NodeName = placement.Node,
                RestartPolicy = "Never",
                TerminationGracePeriodSeconds = (long)Math.Ceiling(grace.TotalSeconds),
                Tolerations = [NodeModeMirror.Toleration],
                Containers =
                [
                    new V1Container
                    {
                        Name = ContainerName,
                        Image = image,
                        Command = workload.Command.IsDefaultOrEmpty ? null : [.. workload.Command],
                        WorkingDir = workload.WorkingDirectory,
                        Env = workload.Environment.Count == 0 ? null : [.. workload.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new V1EnvVar { Name = e.Key, Value = e.Value })],
                        Resources = PodResources.For(placement.Resources),
                    },
                ],
            },
        };
    }
}
