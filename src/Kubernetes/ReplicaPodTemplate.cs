using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Kubernetes;

/// <summary>
/// The pod of one inference replica (pure): the model server bound to the replica's node, with the service's replica
/// resources and a readiness probe on <c>/v2/health/ready</c>; and the Service that routes to the service's ready
/// replicas (Kubernetes only routes to pods whose readiness probe passes).
/// </summary>
public static class ReplicaPodTemplate
{
    public const string ContainerName = "model-server";

    public static string PodName(string service, string replicaId) => "wpai-r-" + KubernetesNames.ToDnsLabel($"{service}-{replicaId}", 56);

    public static string ServiceName(string service) => "wpai-s-" + KubernetesNames.ToDnsLabel(service, 56);

    public static V1Pod Build(InferenceServiceSpec spec, ReplicaView replica, KubernetesDriverOptions options, string image)
    {
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = PodName(spec.Name, replica.Id),
                NamespaceProperty = options.Namespace,
                Labels = Labels(spec.Name, replica.Id),
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [KubernetesNames.OwnerAnnotation] = options.Owner,
                    [KubernetesNames.ReplicaIdAnnotation] = replica.Id,
                },
            },
            Spec = new V1PodSpec
            {
                NodeName = replica.Node,
                RestartPolicy = "Always",
                Tolerations = [NodeModeMirror.Toleration],
                Containers =
                [
                    new V1Container
                    {
                        Name = ContainerName,
                        Image = image,
                        Args = options.ModelServerArgs.Count == 0 ? null : [.. options.ModelServerArgs],
                        Ports = [new V1ContainerPort { Name = "http", ContainerPort = options.ModelServerPort }],
                        ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/v2/health/ready", Port = options.ModelServerPort }, PeriodSeconds = 5 },
                        Resources = PodResources.For(spec.ReplicaResources),
                    },
                ],
            },
        };
    }

    public static V1Service Service(string service, KubernetesDriverOptions options) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = ServiceName(service),
            NamespaceProperty = options.Namespace,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [KubernetesNames.ManagedBy] = KubernetesNames.ManagedByValue,
                [KubernetesNames.ServiceLabel] = KubernetesNames.ToLabelValue(service),
            },
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [KubernetesNames.OwnerAnnotation] = options.Owner },
        },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [KubernetesNames.ManagedBy] = KubernetesNames.ManagedByValue,
                [KubernetesNames.ServiceLabel] = KubernetesNames.ToLabelValue(service),
            },
            Ports = [new V1ServicePort { Name = "http", Port = options.ModelServerPort, TargetPort = options.ModelServerPort }],
        },
    };

    private static Dictionary<string, string> Labels(string service, string replicaId) => new(StringComparer.Ordinal)
    {
        [KubernetesNames.ManagedBy] = KubernetesNames.ManagedByValue,
        [KubernetesNames.ServiceLabel] = KubernetesNames.ToLabelValue(service),
        [KubernetesNames.ReplicaLabel] = KubernetesNames.ToLabelValue(replicaId),
    };
}
